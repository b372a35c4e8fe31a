/**
 * `npm run bench:store`: the embedded default (SQLite, local anvil) on a small and a large store of
 * anchored certificates (10,000 and 1,000,000 by default), in one run so that their ratio holds on
 * a busy machine. For each: the time from spawning the service (`server/main.ts` as `npm start`
 * runs it after its contract build check, and once `npm start` itself) to `/readyz` answering 200; QR
 * verification (`GET /v/:id?h=`, JSON) over random certificates, 32 connections as in
 * `service.ts`; the officer's certificate list, first page and deep pages through its cursor; the
 * database's size on disk per certificate. Writes bench/results/store.json. A benchmark, not a test.
 *
 *   --sizes N,M          the small and the large store (default 10000,1000000)
 *   --seconds N          each autocannon phase (default 15)
 *   --starts N           starts of server/main.ts timed per store, after one npm start; the last
 *                        one is measured under load (default 3)
 *   --sample N           random certificates verified, and deep-page cursors (default 5000)
 *   --cache-dir DIR      where filled stores are kept and reused (default bench/stores, git-ignored)
 *
 * Filling is done once per size (see fillStore.ts) and takes minutes for a million.
 */
import { stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { startBenchService, type BenchService } from "./benchService.ts";
import { filledStore } from "./fillStore.ts";

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

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

async function load(url: string, headers: Record<string, string>, paths: string[]) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers,
    requests: paths.map((path) => ({ method: "GET", path })),
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function measure(certificates: number) {
  const filled = await filledStore({ certificates, batchSize: BATCH_SIZE }, args["cache-dir"], (line) => {
    console.log(`  ${line}`);
  });
  console.log(
    `store of ${certificates.toLocaleString("en")}: ${filled.fillSeconds === null ? "reused" : `filled in ${filled.fillSeconds} s`} (${filled.dataDir})`,
  );
  const sample = randomCertificates(filled.dataDir, SAMPLE);
  const disk = await diskUse(filled.dataDir, certificates);
  const startSeconds: number[] = [];
  let service: BenchService | undefined;
  /** Stops the running service, if any, and times the next start until ready. */
  const timedStart = async (direct: boolean): Promise<[BenchService, number]> => {
    await service?.stop();
    service = undefined;
    const spawned = performance.now();
    const started = await startBenchService({ dataDir: filled.dataDir, readyPollMs: 20, direct });
    return [started, Number(((performance.now() - spawned) / 1000).toFixed(2))];
  };
  try {
    // npm start checks the contract build first, which has nothing to do with the store: timed once
    let seconds: number;
    [service, seconds] = await timedStart(false);
    const npmStartSeconds = seconds;
    for (let i = 0; i < STARTS; i++) {
      [service, seconds] = await timedStart(true);
      startSeconds.push(seconds);
    }
    console.log(`  started in ${startSeconds.join(", ")} s (npm start: ${npmStartSeconds} s)`);
    const json = { accept: "application/json" };
    const first = sample[0]!;
    const check = (await (await fetch(`${service.url}/v/${first.id}?h=${first.leaf}`, { headers: json })).json()) as {
      status: string;
    };
    if (check.status !== "VALID") throw new Error(`a sampled certificate verifies ${check.status}, not VALID`);
    const verification = await load(
      service.url,
      json,
      sample.map((c) => `/v/${c.id}?h=${c.leaf}`),
    );
    console.log(`  QR verification: ${JSON.stringify(verification)}`);
    const officer = { ...json, authorization: `Bearer ${service.apiKey}` };
    const listFirstPage = await load(service.url, officer, ["/api/v1/certificates"]);
    console.log(`  list, first page: ${JSON.stringify(listFirstPage)}`);
    const listDeepPages = await load(
      service.url,
      officer,
      sample.map((c) => `/api/v1/certificates?after=${c.id}`),
    );
    console.log(`  list, deep pages: ${JSON.stringify(listDeepPages)}`);
    return {
      certificates,
      batchSize: BATCH_SIZE,
      fillSeconds: filled.fillSeconds,
      start: { seconds: startSeconds, slowestSeconds: Math.max(...startSeconds), npmStartSeconds },
      verification,
      listFirstPage,
      listDeepPages,
      disk,
    };
  } finally {
    await service?.stop();
  }
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

const [small, large] = [await measure(SIZES[0]!), await measure(SIZES[1]!)];
const report = {
  measuredAt: new Date().toISOString(),
  command: `npx tsx scripts/bench/largeStore.ts --sizes ${args.sizes} --seconds ${SECONDS} --starts ${STARTS} --sample ${SAMPLE}`,
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  node: process.version,
  cores: cpus().length,
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
  },
  ...(large.certificates >= 1_000_000 ? { millionStartSeconds: large.start.slowestSeconds } : {}),
};
console.log(JSON.stringify(report.largeOfSmall, null, 2));
await writeFile(join(ROOT, "bench/results/store.json"), `${JSON.stringify(report, null, 2)}\n`);
