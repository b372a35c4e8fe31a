/**
 * `npm run bench:store`: the embedded default (SQLite, local anvil) on a small and a large store of
 * anchored certificates (10,000 and 1,000,000 by default), in one run so that their ratio holds on
 * a busy machine. For each: the time from spawning the service (`server/main.ts` as `npm start`
 * runs it after its contract build check, and once `npm start` itself) to `/readyz` answering 200; QR
 * verification (`GET /v/:id?h=`, JSON) over random certificates, 32 connections as in
 * `service.ts`; the officer's certificate list, first page and deep pages through its cursor; the
 * database's size on disk per certificate. Both services run side by side while measured, and each
 * route is loaded in alternating rounds on the one and the other, so that the machine's other load
 * weighs on both alike: saturated, then paced at half the small store's throughput (see compare).
 * Writes bench/results/store.json. A benchmark, not a test.
 *
 *   --sizes N,M          the small and the large store (default 10000,1000000)
 *   --seconds N          each route's load per store, saturated and again paced, in 3 rounds each (default 15)
 *   --starts N           starts of server/main.ts timed per store, after one npm start; the last
 *                        one is measured under load (default 3)
 *   --sample N           random certificates verified, and deep-page cursors (default 5000)
 *   --cache-dir DIR      where filled stores are kept and reused (default bench/stores, git-ignored)
 *
 * Filling is done once per size (see fillStore.ts) and takes minutes for a million.
 */
import { stat, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { autocannon } from "./autocannon.ts";
import { machineYardstick } from "./cpuAccounting.ts";
import { startBenchService, type BenchService } from "./benchService.ts";
import { filledStore } from "./fillStore.ts";
import { pacedLoad } from "./pacedLoad.ts";
import { sampleValue } from "./prometheus.ts";
import { median } from "./statistics.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const BATCH_SIZE = 1000;
const CONNECTIONS = 32;

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,1000000" },
    seconds: { type: "string", default: "15" },
    starts: { type: "string", default: "3" },
    sample: { type: "string", default: "5000" },
    "cache-dir": { type: "string", default: join(ROOT, "bench/stores") },
  },
});
const SIZES = args.sizes.split(",").map(Number);
const SECONDS = Number(args.seconds);
const STARTS = Number(args.starts);
const SAMPLE = Number(args.sample);
/** each phase's seconds are split into this many rounds, alternating between the stores */
const ROUNDS = 3;
/** each store's unrecorded load before a route's first round: its first requests would be a cold start's */
const WARM_UP_SECONDS = 2;

/** Random anchored certificates of the store (read before the service opens it). */
function randomCertificates(dataDir: string, count: number): { id: string; leaf: string }[] {
  const db = new DatabaseSync(join(dataDir, "certledger.db"), { readOnly: true });
  try {
    const last = (db.prepare("SELECT MAX(rowid) AS n FROM certificates").get() as { n: number }).n;
    const byRow = db.prepare("SELECT id, leaf FROM certificates WHERE rowid = ? AND state = 'anchored'");
    const picked: { id: string; leaf: string }[] = [];
    while (picked.length < count) {
      const row = byRow.get(1 + Math.floor(Math.random() * last)) as { id: string; leaf: string } | undefined;
      if (row) picked.push({ id: row.id, leaf: row.leaf });
    }
    return picked;
  } finally {
    db.close();
  }
}

/**
 * The service records a usage trace for every scan, in the reused store: without this, each run
 * would scan into the traces of every run before it (133,000 in the 10,000 store after a day's
 * runs), and the trace flushes, which grow with that table, would differ from run to run.
 */
function forgetUsageTraces(dataDir: string): void {
  const db = new DatabaseSync(join(dataDir, "certledger.db"));
  try {
    db.exec("DELETE FROM usage_traces");
  } finally {
    db.close();
  }
}

/** Bytes on disk: the database and its WAL, and the largest tables and indexes inside it. */
async function diskUse(dataDir: string, certificates: number) {
  const size = async (path: string) => {
    try {
      return (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
  };
  const database = await size(join(dataDir, "certledger.db"));
  const wal = await size(join(dataDir, "certledger.db-wal"));
  const db = new DatabaseSync(join(dataDir, "certledger.db"), { readOnly: true });
  let objects: { name: string; bytes: number }[];
  try {
    objects = db
      .prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 6")
      .all() as { name: string; bytes: number }[];
  } finally {
    db.close();
  }
  return {
    databaseBytes: database,
    walBytes: wal,
    bytesPerCertificate: Math.round((database + wal) / certificates),
    largest: objects.map((o) => ({ ...o, bytesPerCertificate: Math.round(o.bytes / certificates) })),
  };
}

/**
 * The longest the service's event loop was held up since its metrics were last read (prom-client
 * measures it and starts afresh at every read), in ms.
 */
async function serviceLoopMaxMs(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const seconds = sampleValue(metrics, "nodejs_eventloop_lag_max_seconds");
  if (seconds === undefined) throw new Error("the service's metrics have no event-loop lag");
  return Math.round(seconds * 1000);
}

async function load(url: string, headers: Record<string, string>, paths: string[], seconds: number) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
    requests: paths.map((path) => ({ method: "GET", path })),
  });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** Milliseconds from `spawnedAt` (epoch ms) to the first log line of the service saying `message`. */
function loggedAfter(output: string, message: string, spawnedAt: number): number | null {
  for (const line of output.split("\n")) {
    if (!line.includes(`"msg":"${message}"`)) continue;
    const time = /"time":(\d+)/.exec(line)?.[1];
    if (time !== undefined) return Number(time) - spawnedAt;
  }
  return null;
}

interface Prepared {
  certificates: number;
  /** false when the cached store was reused: the fill figures are those its fill recorded, at filledAt */
  filledNow: boolean;
  filledAt: string | null;
  fillSeconds: number | null;
  fillWrittenBytesPerCertificate: number | null;
  sample: { id: string; leaf: string }[];
  disk: Awaited<ReturnType<typeof diskUse>>;
  start: Record<string, unknown> & { slowestSeconds: number };
  service: BenchService;
}

/**
 * Fills (or reuses) the store, times `npm start` once and `server/main.ts` `STARTS` times from
 * spawn to ready (with the moments the service logs its chain started and its HTTP server
 * listening, to tell the process's own start from the store's part), and leaves the last running.
 */
async function prepare(certificates: number): Promise<Prepared> {
  const filled = await filledStore({ certificates, batchSize: BATCH_SIZE }, args["cache-dir"], (line) => {
    console.log(`  ${line}`);
  });
  console.log(
    `store of ${certificates.toLocaleString("en")}: ${filled.filledNow ? "filled" : `reused, filled ${filled.filledAt ?? "before fills were dated"}`} in ${filled.fillSeconds ?? "?"} s, writing ${filled.writtenBytesPerCertificate ?? "?"} bytes a certificate (${filled.dataDir})`,
  );
  forgetUsageTraces(filled.dataDir);
  const sample = randomCertificates(filled.dataDir, SAMPLE);
  const disk = await diskUse(filled.dataDir, certificates);
  let service: BenchService | undefined;
  const timedStart = async (direct: boolean) => {
    await service?.stop();
    service = undefined;
    const spawnedAt = Date.now();
    const spawned = performance.now();
    service = await startBenchService({ dataDir: filled.dataDir, readyPollMs: 20, direct, env: { LOG_LEVEL: "info" } });
    const output = service.process.output();
    return {
      seconds: Number(((performance.now() - spawned) / 1000).toFixed(2)),
      chainStartedMs: loggedAfter(output, "local chain started", spawnedAt),
      listeningMs: loggedAfter(output, "certledger listening", spawnedAt),
    };
  };
  try {
    // npm start checks the contract build first, which has nothing to do with the store: timed once
    const npmStart = await timedStart(false);
    const starts = [];
    for (let i = 0; i < STARTS; i++) starts.push(await timedStart(true));
    console.log(`  started in ${starts.map((s) => s.seconds).join(", ")} s (npm start: ${npmStart.seconds} s)`);
    if (!service) throw new Error("--starts must be at least 1");
    const first = sample[0]!;
    const answer = await fetch(`${service.url}/v/${first.id}?h=${first.leaf}`, { headers: JSON_ANSWER });
    const { status } = (await answer.json()) as { status: string };
    if (status !== "VALID") throw new Error(`a sampled certificate verifies ${status}, not VALID`);
    return {
      certificates,
      filledNow: filled.filledNow,
      filledAt: filled.filledAt,
      fillSeconds: filled.fillSeconds,
      fillWrittenBytesPerCertificate: filled.writtenBytesPerCertificate,
      sample,
      disk,
      start: {
        seconds: starts.map((s) => s.seconds),
        slowestSeconds: Math.max(...starts.map((s) => s.seconds)),
        // from spawn: the chain answering (Node, tsx, anvil loading its state), then the HTTP server listening
        chainStartedMs: starts.map((s) => s.chainStartedMs),
        listeningMs: starts.map((s) => s.listeningMs),
        npmStartSeconds: npmStart.seconds,
      },
      service,
    };
  } catch (error) {
    // the first error says what went wrong: one in stopping after it must not hide it
    await service?.stop().catch((stopError: unknown) => {
      console.error("stopping the service after the failure below failed too:", stopError);
    });
    throw error;
  }
}

const JSON_ANSWER = { accept: "application/json" };

/**
 * One route on both stores, after a short unrecorded warm-up of each, in `ROUNDS` alternating
 * rounds (small, large, small, …) so that the machine's other load weighs on both alike: first
 * saturated at 32 connections (mean throughput, the median round's p99), then paced (pacedLoad.ts)
 * at half the small store's throughput, offered alike to both, after a first pass over every path
 * (the median round's p99). A saturated
 * p99 is the length of the queue on a machine the load generator shares, and single rounds of one
 * store spread over a factor of ten; the paced p99 is what a request waits while the service keeps
 * up, where a store that grew slow on some requests would show.
 */
async function compare(
  stores: readonly Prepared[],
  paths: (store: Prepared) => string[],
  headers: (store: Prepared) => Record<string, string>,
) {
  for (const store of stores) await load(store.service.url, headers(store), paths(store), WARM_UP_SECONDS);
  const saturated: Awaited<ReturnType<typeof load>>[][] = stores.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, store] of stores.entries()) {
      saturated[i]!.push(await load(store.service.url, headers(store), paths(store), SECONDS / ROUNDS));
    }
  }
  const smallRounds = saturated[0]!;
  const pacedRate = Math.max(
    1,
    Math.round(smallRounds.reduce((sum, m) => sum + m.requestsPerSecond, 0) / smallRounds.length / 2),
  );
  const pace = async (store: Prepared, seconds: number) => {
    await serviceLoopMaxMs(store.service.url);
    const client = monitorEventLoopDelay({ resolution: 10 });
    client.enable();
    const figures = await pacedLoad({
      url: store.service.url,
      headers: headers(store),
      paths: paths(store),
      seconds,
      rate: pacedRate,
      connections: CONNECTIONS,
    });
    client.disable();
    return {
      ...figures,
      serviceLoopMaxMs: await serviceLoopMaxMs(store.service.url),
      clientLoopMaxMs: Math.round(client.max / 1e6),
    };
  };
  // Every path once, unrecorded but kept: the saturated rounds' 32 connections walk the sample in
  // step and reach part of it, so this pass is the first scan of most certificates (a verdict
  // reached on the chain, not the cache), which the paced rounds would otherwise take in their first.
  const firstPass: Awaited<ReturnType<typeof pace>>[] = [];
  for (const store of stores) firstPass.push(await pace(store, paths(store).length / pacedRate));
  const paced: Awaited<ReturnType<typeof pace>>[][] = stores.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, store] of stores.entries()) {
      paced[i]!.push(await pace(store, SECONDS / ROUNDS));
    }
  }
  return saturated.map((measured, i) => {
    const pacedRounds = paced[i]!;
    return {
      requestsPerSecond: Math.round(measured.reduce((sum, m) => sum + m.requestsPerSecond, 0) / measured.length),
      p99Ms: median(measured.map((m) => m.p99Ms)),
      pacedRate,
      pacedP99Ms: median(pacedRounds.map((m) => m.p99Ms)),
      // where a paced p99 of tens of milliseconds over a median of one comes from: the service's
      // event loop held up that long, or the load generator's (same machine), or neither
      pacedServiceLoopMaxMs: median(pacedRounds.map((m) => m.serviceLoopMaxMs)),
      pacedClientLoopMaxMs: median(pacedRounds.map((m) => m.clientLoopMaxMs)),
      // timeouts (autocannon's 10 s) and error answers, which a loaded machine may cause
      non2xx: [...measured, ...pacedRounds].reduce((sum, m) => sum + m.non2xx, 0),
      errors: [...measured, ...pacedRounds].reduce((sum, m) => sum + m.errors, 0),
      rounds: measured.map((m) => ({ requestsPerSecond: Math.round(m.requestsPerSecond), p99Ms: m.p99Ms })),
      pacedRounds: pacedRounds.map((m) => ({
        requestsPerSecond: m.requestsPerSecond,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
        serviceLoopMaxMs: m.serviceLoopMaxMs,
        clientLoopMaxMs: m.clientLoopMaxMs,
      })),
      firstPass: firstPass[i],
    };
  });
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

/** Both stores prepared and running, then each route compared on them; the services stopped after. */
async function measureBoth() {
  const stores: Prepared[] = [];
  try {
    for (const size of SIZES) stores.push(await prepare(size));
    const officer = (store: Prepared) => ({ ...JSON_ANSWER, authorization: `Bearer ${store.service.apiKey}` });
    const verification = await compare(
      stores,
      (store) => store.sample.map((c) => `/v/${c.id}?h=${c.leaf}`),
      () => JSON_ANSWER,
    );
    console.log(`QR verification: ${JSON.stringify(verification)}`);
    const listFirstPage = await compare(stores, () => ["/api/v1/certificates"], officer);
    console.log(`list, first page: ${JSON.stringify(listFirstPage)}`);
    const listDeepPages = await compare(
      stores,
      (store) => store.sample.map((c) => `/api/v1/certificates?after=${c.id}`),
      officer,
    );
    console.log(`list, deep pages: ${JSON.stringify(listDeepPages)}`);
    return stores.map((store, i) => ({
      certificates: store.certificates,
      batchSize: BATCH_SIZE,
      filledNow: store.filledNow,
      filledAt: store.filledAt,
      fillSeconds: store.fillSeconds,
      fillWrittenBytesPerCertificate: store.fillWrittenBytesPerCertificate,
      start: store.start,
      verification: verification[i]!,
      listFirstPage: listFirstPage[i]!,
      listDeepPages: listDeepPages[i]!,
      disk: store.disk,
    }));
  } finally {
    for (const store of stores) await store.service.stop();
  }
}

const machine = machineYardstick();
const [small, large] = await measureBoth();
if (!small || !large) throw new Error("--sizes names two stores, the small and the large");
const report = {
  measuredAt: new Date().toISOString(),
  command: `npx tsx scripts/bench/largeStore.ts --sizes ${args.sizes} --seconds ${SECONDS} --starts ${STARTS} --sample ${SAMPLE}`,
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  node: process.version,
  machine,
  connections: CONNECTIONS,
  small,
  large,
  // large against small, measured in the same run: throughput shares and p99 multiples
  largeOfSmall: {
    verificationThroughput: ratio(large.verification.requestsPerSecond, small.verification.requestsPerSecond),
    verificationP99: ratio(large.verification.p99Ms, small.verification.p99Ms),
    listFirstPageThroughput: ratio(large.listFirstPage.requestsPerSecond, small.listFirstPage.requestsPerSecond),
    listFirstPageP99: ratio(large.listFirstPage.p99Ms, small.listFirstPage.p99Ms),
    listDeepPagesThroughput: ratio(large.listDeepPages.requestsPerSecond, small.listDeepPages.requestsPerSecond),
    listDeepPagesP99: ratio(large.listDeepPages.p99Ms, small.listDeepPages.p99Ms),
    verificationPacedP99: ratio(large.verification.pacedP99Ms, small.verification.pacedP99Ms),
    listFirstPagePacedP99: ratio(large.listFirstPage.pacedP99Ms, small.listFirstPage.pacedP99Ms),
    listDeepPagesPacedP99: ratio(large.listDeepPages.pacedP99Ms, small.listDeepPages.pacedP99Ms),
  },
  ...(large.certificates >= 1_000_000 ? { millionStartSeconds: large.start.slowestSeconds } : {}),
};
console.log(JSON.stringify(report.largeOfSmall, null, 2));
await writeFile(join(ROOT, "bench/results/store.json"), `${JSON.stringify(report, null, 2)}\n`);
