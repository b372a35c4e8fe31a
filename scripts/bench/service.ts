/**
 * `npm run bench:service`: the embedded default (`npm start` in a temporary DATA_DIR) under load on
 * this machine. Writes bench/results/service.json. A benchmark, not a test: it reports, it asserts
 * only that status stays correct (a revocation is seen by the next verification).
 *
 *   --issue-seconds N    sustained issuance phase (default 60)
 *   --rate N             certificates per second offered (default 2000)
 *   --verify-seconds N   each autocannon run of the verification phase (default 5)
 *   --verify-rounds N    rounds of that phase, each one run of the bare route, one of /v and one of
 *                        /V (the same scans on Express's route, not the fast path), the order
 *                        rotating (default 6); shares, ratios and p99 are the rounds' medians
 *   --verification-only  only the QR verification phase (next to the bare route); prints, writes nothing
 *
 * After issuance, everything anchored is reconciled against the chain (GET /api/v1/audit/reconcile)
 * and timed.
 *
 * Then the store comparison, in the same run so the machine's load weighs on each alike: SQLite
 * (one service), PostgreSQL with one replica and with three behind round-robin, each `npm start`
 * on one external anvil, offered more than they can take so the figures are their ceilings. The
 * stores take turns, a fresh database each, in rounds whose order rotates:
 *
 *   --compare-rounds N   rounds (default 3; 0 skips the comparison)
 *   --compare-seconds N  each store's issuance phase in a round (default 10)
 *   --compare-rate N     certificates per second offered there (default 6000)
 */
import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { licenceRequest } from "../support/samples.ts";
import { freePort, waitFor } from "../support/serviceProcess.ts";
import { autocannon, type AutocannonResult } from "./autocannon.ts";
import { startBenchService } from "./benchService.ts";
import { histogramQuantile } from "./prometheus.ts";
import { machineYardstick } from "./cpuAccounting.ts";
import { median } from "./statistics.ts";
import { compareStores } from "./storeComparison.ts";

const { values: args } = parseArgs({
  options: {
    "issue-seconds": { type: "string", default: "60" },
    rate: { type: "string", default: "2000" },
    "verify-seconds": { type: "string", default: "5" },
    "verify-rounds": { type: "string", default: "6" },
    "verification-only": { type: "boolean", default: false },
    "compare-rounds": { type: "string", default: "3" },
    "compare-seconds": { type: "string", default: "10" },
    "compare-rate": { type: "string", default: "6000" },
  },
});
const COMPARE_ROUNDS = Number(args["compare-rounds"]);
const COMPARE_SECONDS = Number(args["compare-seconds"]);
const COMPARE_RATE = Number(args["compare-rate"]);
const ISSUE_SECONDS = Number(args["issue-seconds"]);
const RATE = Number(args.rate);
const VERIFY_SECONDS = Number(args["verify-seconds"]);
const VERIFY_ROUNDS = Number(args["verify-rounds"]);
const ROOT = new URL("../..", import.meta.url).pathname;
const REQUEST_ITEMS = 250;

async function post(url: string, key: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** QR verification (JSON) by autocannon over a set of anchored certificates, next to a bare Express route. */
async function measureVerification(
  url: string,
  apiKey: string,
  templates: ReturnType<typeof licenceRequest>[],
): Promise<Record<string, unknown>> {
  const sample = await post(`${url}/api/v1/certificates/batch`, apiKey, { items: templates.slice(0, 200) });
  const links = (sample.json as { items: { verifyUrl: string }[] }).items.map((i) => new URL(i.verifyUrl));
  await waitFor(
    "the sample to be anchored",
    async () => {
      const r = await fetch(links.at(-1)!.href, { headers: { accept: "application/json" } });
      return ((await r.json()) as { status: string }).status === "VALID" ? true : undefined;
    },
    60_000,
  );
  // The trivial route runs in a process of its own, as the service does, so neither shares
  // autocannon's event loop.
  const trivialPort = await freePort();
  const trivialServer = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import express from "express"; const app = express(); app.get("/trivial", (_q, r) => { r.json({ ok: true }); }); app.listen(${trivialPort}, "127.0.0.1");`,
    ],
    { cwd: ROOT, stdio: "ignore" },
  );
  await waitFor(
    "the trivial server",
    async () => ((await fetch(`http://127.0.0.1:${trivialPort}/trivial`)).ok ? true : undefined),
    10_000,
  );
  const cannon = (target: string, requests?: { path: string }[]) =>
    autocannon({
      url: target,
      connections: 32,
      duration: VERIFY_SECONDS,
      headers: { accept: "application/json" },
      ...(requests ? { requests: requests.map((r) => ({ method: "GET", path: r.path })) } : {}),
    });
  const bare = () => cannon(`http://127.0.0.1:${trivialPort}/trivial`);
  const scanAt = (prefix: string) => () =>
    cannon(
      url,
      links.map((l) => ({ path: l.pathname.replace("/v/", prefix) + l.search })),
    );
  const scan = scanAt("/v/");
  // The same scans through Express's route rather than the fast path in front of it: Express
  // routes case-insensitively and the fast path takes only `/v/`, so `/V/` is the Express route
  const expressScan = scanAt("/V/");
  // Rounds rotate which of the three goes first: this machine's speed swings within a minute, and
  // a share taken from one run of each measured the swing as often as the route.
  type Round = { bare: AutocannonResult; scan: AutocannonResult; expressScan: AutocannonResult };
  const runs = { bare, scan, expressScan } as const;
  const names = Object.keys(runs) as (keyof Round)[];
  const rounds: Round[] = [];
  for (let round = 0; round < VERIFY_ROUNDS; round++) {
    const measured: Partial<Round> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      measured[name] = await runs[name]();
    }
    rounds.push(measured as Round);
  }
  trivialServer.kill();
  const shares = rounds.map((r) => r.scan.requests.average / r.bare.requests.average);
  const overExpress = rounds.map((r) => r.scan.requests.average / r.expressScan.requests.average);
  const scanP99s = rounds.map((r) => r.scan.latency.p99);

  const first = links[0]!;
  const id = first.pathname.split("/").at(-1)!;
  await post(`${url}/api/v1/certificates/${id}/revoke`, apiKey, { reason: "unspecified" });
  const after = (await (await fetch(first.href, { headers: { accept: "application/json" } })).json()) as {
    status: string;
  };
  if (after.status !== "REVOKED")
    throw new Error(`a revocation was not seen by the next verification: ${after.status}`);

  const sum = (pick: (r: (typeof rounds)[number]) => AutocannonResult) =>
    rounds.reduce((total, r) => total + pick(r).requests.average, 0);
  return {
    connections: 32,
    seconds: VERIFY_SECONDS,
    rounds: VERIFY_ROUNDS,
    requestsPerSecond: Math.round(sum((r) => r.scan) / rounds.length),
    p50Ms: median(rounds.map((r) => r.scan.latency.p50)),
    p99Ms: median(scanP99s),
    worstRoundP99Ms: Math.max(...scanP99s),
    non2xx: rounds.reduce((total, r) => total + r.scan.non2xx, 0),
    errors: rounds.reduce((total, r) => total + r.scan.errors, 0),
    trivialRoute: "bare Express 5 app.get returning res.json({ ok: true }), own process, same autocannon settings",
    trivialRouteRequestsPerSecond: Math.round(sum((r) => r.bare) / rounds.length),
    trivialRouteP99Ms: median(rounds.map((r) => r.bare.latency.p99)),
    shareOfTrivialRoute: Number(median(shares).toFixed(3)),
    roundShares: shares.map((share) => Number(share.toFixed(3))),
    expressRoute: "the same scans at /V/: Express's route, which the fast path leaves to Express",
    expressRouteRequestsPerSecond: Math.round(sum((r) => r.expressScan) / rounds.length),
    expressRouteP99Ms: median(rounds.map((r) => r.expressScan.latency.p99)),
    expressRouteNon2xx: rounds.reduce((total, r) => total + r.expressScan.non2xx, 0),
    fastPathOverExpressRoute: Number(median(overExpress).toFixed(3)),
    revocationSeenByNextVerification: true,
  };
}

async function main(): Promise<void> {
  const machine = machineYardstick();
  const service = await startBenchService();
  try {
    const { apiKey, auditorApiKey } = service;
    const api = `${service.url}/api/v1/certificates/batch`;
    const templates = Array.from({ length: 1000 }, (_, i) => licenceRequest(i));
    if (args["verification-only"]) {
      process.stdout.write(`${JSON.stringify(await measureVerification(service.url, apiKey, templates), null, 2)}\n`);
      return;
    }

    process.stdout.write(`issuance: offering ${RATE}/s for ${ISSUE_SECONDS} s in requests of ${REQUEST_ITEMS}\n`);
    const started = performance.now();
    let acknowledged = 0;
    let rejected = 0;
    const inFlight = new Set<Promise<void>>();
    const interval = (REQUEST_ITEMS / RATE) * 1000;
    for (let sent = 0; performance.now() - started < ISSUE_SECONDS * 1000; sent++) {
      const due = started + sent * interval;
      const wait = due - performance.now();
      if (wait > 0) await delay(wait);
      const items = Array.from(
        { length: REQUEST_ITEMS },
        (_, i) => templates[(sent * REQUEST_ITEMS + i) % templates.length]!,
      );
      const request = post(api, apiKey, { items }).then(({ status }) => {
        if (status === 202) acknowledged += REQUEST_ITEMS;
        else rejected += REQUEST_ITEMS;
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      if (inFlight.size > 16) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const ackSeconds = (performance.now() - started) / 1000;
    const anchoredAt = await waitFor(
      "every certificate anchored",
      async () => {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const pending = Number(/certledger_certificates\{state="pending"\} (\d+)/.exec(text)?.[1] ?? "NaN");
        return pending === 0 ? performance.now() : undefined;
      },
      600_000,
      250,
    );
    const anchorSeconds = (anchoredAt - started) / 1000;
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const issuance = {
      offeredPerSecond: RATE,
      seconds: ISSUE_SECONDS,
      acknowledged,
      rejected,
      acknowledgedPerSecond: Math.round(acknowledged / ackSeconds),
      anchoredPerSecond: Math.round(acknowledged / anchorSeconds),
      secondsUntilAllAnchored: Number(anchorSeconds.toFixed(1)),
      p50AcceptedToAnchoredSeconds: histogramQuantile(metrics, "certledger_anchor_latency_seconds", 0.5),
      p99AcceptedToAnchoredSeconds: histogramQuantile(metrics, "certledger_anchor_latency_seconds", 0.99),
    };
    process.stdout.write(`${JSON.stringify(issuance, null, 2)}\n`);

    // Reconciliation of everything just anchored against the chain, through the auditors' route.
    const reconcileStarted = performance.now();
    const reconcileResponse = await fetch(`${service.url}/api/v1/audit/reconcile`, {
      headers: { authorization: `Bearer ${auditorApiKey}`, accept: "application/json" },
    });
    const report = (await reconcileResponse.json()) as {
      ok: boolean;
      checked: { batches: number; certificates: number };
      findings: unknown[];
    };
    const reconciliation = {
      status: reconcileResponse.status,
      ok: report.ok,
      batches: report.checked.batches,
      certificates: report.checked.certificates,
      findings: report.findings.length,
      seconds: Number(((performance.now() - reconcileStarted) / 1000).toFixed(2)),
    };
    process.stdout.write(`reconciliation: ${JSON.stringify(reconciliation)}\n`);

    const verification = await measureVerification(service.url, apiKey, templates);
    process.stdout.write(`${JSON.stringify(verification, null, 2)}\n`);
    await service.stop();
    const stores =
      COMPARE_ROUNDS > 0
        ? await compareStores({
            root: ROOT,
            rounds: COMPARE_ROUNDS,
            seconds: COMPARE_SECONDS,
            rate: COMPARE_RATE,
            requestItems: REQUEST_ITEMS,
          })
        : null;
    await mkdir(join(ROOT, "bench/results"), { recursive: true });
    await writeFile(
      join(ROOT, "bench/results/service.json"),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, machine, issuance, reconciliation, verification, stores }, null, 2)}\n`,
    );
  } finally {
    await service.stop();
  }
}

await main();
