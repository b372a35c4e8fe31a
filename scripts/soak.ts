/**
 * `npm run soak`: the real service (embedded chain, temporary DATA_DIR) under steady mixed load for
 * SOAK_MINUTES (default 10): officers issue, businesses verify QR links and documents, officers
 * suspend, reinstate and revoke. Every minute it reads the service's own /metrics: resident memory,
 * heap, active handles, open file descriptors. Fails (exit 1) on any unexpected answer or when a
 * figure of the last minutes grew beyond the first minutes' by more than its allowance.
 * Not part of `npm test`: it takes ten minutes.
 *
 * The service's bounded caches are set small (VERIFICATION_CACHE_ENTRIES) so they fill in the first
 * minute: growth after that is a leak, not a cache reaching its bound.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { sampleInputs } from "./support/samples.ts";
import { call } from "./support/http.ts";
import { freePort, waitFor } from "./support/serviceProcess.ts";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 4);
/** pause between one worker's requests: about WORKERS * 1000 / PAUSE_MS requests a second */
const PAUSE_MS = Number(process.env.SOAK_PAUSE_MS ?? 50);
const ROOT = new URL("..", import.meta.url).pathname;

interface Sample {
  atSeconds: number;
  rssMb: number;
  heapUsedMb: number;
  handles: number;
  fds: number;
}

const counts: Record<string, number> = {};
const errors: string[] = [];
const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);

/** An error with its cause: fetch's "fetch failed" says nothing without it. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause =
    error.cause instanceof Error ? `: ${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message}` : "";
  return `${error.message}${cause}`;
}

function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "certledger-soak-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOCAL_CHAIN_PORT: String(await freePort()),
      RATE_LIMIT_PER_MINUTE: "0",
      BATCH_MAX_AGE_MS: "500",
      VERIFICATION_CACHE_ENTRIES: "500",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let serviceErrors = "";
  child.stderr.on("data", (chunk: Buffer) => (serviceErrors += chunk.toString()));
  // the service logs JSON lines at LOG_LEVEL=warn: keep its errors (pino level 50 and up) for the report
  let serviceLog = "";
  child.stdout.on("data", (chunk: Buffer) => {
    serviceLog = (serviceLog + chunk.toString()).slice(-1_000_000);
  });
  const loggedErrors = () => serviceLog.split("\n").filter((line) => /"level":(5|6)0/.test(line));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  try {
    await waitFor(
      "the service to become ready",
      async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined),
      120_000,
      250,
    );
    const { apiKey } = JSON.parse(await readFile(join(dataDir, "dev-credentials.json"), "utf8")) as { apiKey: string };
    const anchored: { id: string; link: string; status: string }[] = [];
    let n = 0;

    const issue = async (): Promise<void> => {
      const input = sampleInputs(n++)["business-licence"];
      if (!input) throw new Error("no sample business licence");
      const { type, subject, validFrom } = input;
      const r = await call<{ id: string; verifyUrl: string }>(url, "POST", "/api/v1/certificates", {
        key: apiKey,
        body: { type, subject, validFrom },
      });
      if (r.status !== 202) throw new Error(`issue answered ${r.status}`);
      count("issue");
      const link = new URL(r.body.verifyUrl);
      void waitFor(
        "anchoring",
        async () => {
          const v = await call<{ status: string }>(url, "GET", link.pathname + link.search);
          return v.body.status === "VALID" ? true : undefined;
        },
        60_000,
        500,
      ).then(
        () => anchored.push({ id: r.body.id, link: link.pathname + link.search, status: "active" }),
        (error: unknown) => errors.push(`certificate ${r.body.id} never anchored: ${String(error)}`),
      );
    };
    const verify = async (): Promise<void> => {
      const target = anchored[Math.floor(Math.random() * anchored.length)];
      if (!target) return issue();
      // while another worker changes its status either answer would be right: not a check
      const status = target.status;
      if (status === "changing") return;
      const r = await call<{ status: string }>(url, "GET", target.link);
      if (target.status !== status) return;
      const expected = { active: "VALID", suspended: "SUSPENDED", revoked: "REVOKED" }[status];
      if (r.status !== 200 || r.body.status !== expected)
        throw new Error(`verification of ${target.id} answered ${r.status} ${r.body.status}, expected ${expected}`);
      count("verify");
    };
    const changeStatus = async (): Promise<void> => {
      const target = anchored.find((c) => (c.status === "active" || c.status === "suspended") && Math.random() < 0.2);
      if (!target) return verify();
      const kind =
        target.status === "suspended"
          ? Math.random() < 0.5
            ? "reinstate"
            : "revoke"
          : Math.random() < 0.7
            ? "suspend"
            : "revoke";
      const previous = target.status;
      target.status = "changing";
      const r = await call(url, "POST", `/api/v1/certificates/${target.id}/${kind}`, {
        key: apiKey,
        body: kind === "revoke" ? { reason: "superseded" } : {},
      });
      if (r.status !== 200) {
        target.status = previous;
        throw new Error(`${kind} answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
      target.status = { suspend: "suspended", reinstate: "active", revoke: "revoked" }[kind];
      count(kind);
    };

    const samples: Sample[] = [];
    const started = Date.now();
    const until = started + MINUTES * 60_000;
    const sample = async (): Promise<void> => {
      const text = await (await fetch(`${url}/metrics`)).text();
      samples.push({
        atSeconds: Math.round((Date.now() - started) / 1000),
        rssMb: Math.round(metric(text, "process_resident_memory_bytes") / 1024 / 102.4) / 10,
        heapUsedMb: Math.round(metric(text, "nodejs_heap_size_used_bytes") / 1024 / 102.4) / 10,
        handles: metric(text, "nodejs_active_handles_total"),
        fds: metric(text, "process_open_fds"),
      });
    };
    const sampler = (async () => {
      while (Date.now() < until) {
        await sample();
        await delay(Math.min(60_000, Math.max(0, until - Date.now())));
      }
      await sample();
    })();
    const worker = async (): Promise<void> => {
      while (Date.now() < until) {
        const dice = Math.random();
        try {
          await (dice < 0.3 ? issue() : dice < 0.9 ? verify() : changeStatus());
        } catch (error) {
          errors.push(describe(error));
        }
        await delay(PAUSE_MS);
      }
    };
    await Promise.all([sampler, ...Array.from({ length: WORKERS }, worker)]);
    await waitFor(
      "the last certificates to anchor",
      () => Promise.resolve(anchored.length + errors.length >= (counts.issue ?? 0) ? true : undefined),
      90_000,
      500,
    );

    const report = summarise(samples, started);
    console.table(samples);
    console.table(report.growth);
    console.log({
      minutes: MINUTES,
      workers: WORKERS,
      requests: counts,
      requestsPerSecond: report.requestsPerSecond,
      errors: errors.length,
    });
    for (const error of errors.slice(0, 20)) console.log(`  error: ${error}`);
    await mkdir(join(ROOT, "bench", "results"), { recursive: true });
    await writeFile(
      join(ROOT, "bench", "results", "soak.json"),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), minutes: MINUTES, workers: WORKERS, requests: counts, requestsPerSecond: report.requestsPerSecond, errors: errors.length, samples, growth: report.growth }, null, 2)}\n`,
    );
    const flat = report.growth.every((g) => g.flat);
    if (errors.length > 0 || !flat) {
      console.log(errors.length > 0 ? "FAILED: errors during the soak" : "FAILED: a figure kept growing");
      process.exitCode = 1;
    } else {
      console.log("OK: no error; memory, handles and file descriptors flat");
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
    if (serviceErrors.trim()) console.log(`service stderr:\n${serviceErrors.slice(-4000)}`);
    for (const line of loggedErrors().slice(-10)) console.log(`service error: ${line.slice(0, 2000)}`);
    await rm(dataDir, { recursive: true, force: true });
  }

  function summarise(samples: Sample[], started: number) {
    // The first minute warms caches and JIT: compare minutes 1-3 with the last three samples. The
    // heap is read whenever the sampler asks, before or after a collection (±60 MB between two
    // minutes), so its figure is the lowest of a window: what survives collection, which a leak raises.
    const early = samples.slice(1, 4);
    const late = samples.slice(-3);
    const mean = (list: Sample[], key: keyof Sample) =>
      key === "heapUsedMb"
        ? Math.min(...list.map((x) => x[key]))
        : list.reduce((s, x) => s + x[key], 0) / Math.max(1, list.length);
    const allowance: Record<Exclude<keyof Sample, "atSeconds">, (base: number) => number> = {
      rssMb: (base) => base * 0.25,
      heapUsedMb: (base) => base * 0.5,
      handles: () => 10,
      fds: () => 10,
    };
    const growth = (Object.keys(allowance) as (keyof typeof allowance)[]).map((key) => {
      const before = mean(early, key);
      const after = mean(late, key);
      return {
        figure: key,
        early: Math.round(before * 10) / 10,
        late: Math.round(after * 10) / 10,
        allowed: Math.round(allowance[key](before) * 10) / 10,
        flat: after - before <= allowance[key](before),
      };
    });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { growth, requestsPerSecond: Math.round((total / ((Date.now() - started) / 1000)) * 10) / 10 };
  }
}

await main();
