/**
 * Audit export benchmark: fills a chain-event index with synthetic events (default 100,000), then
 * streams the agency's CSV export through the real HTTP route to a reader that discards it,
 * measuring peak RSS and throughput; then, for contrast, the same rows as one JSON page held in
 * memory. Writes bench/results/audit.json.
 *
 *   npx tsx scripts/bench/auditExport.ts [--events 100000] [--format csv|ndjson]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import type { AuditEvent } from "../../server/audit/events.ts";
import { createApiKey } from "../../server/auth/apiKeys.ts";
import { Keyring } from "../../server/chain/keyring.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { Keccak256 } from "../../server/core/hashing/keccak.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { assembleRuntime } from "../../server/assembleRuntime.ts";

const { values } = parseArgs({
  options: { events: { type: "string", default: "100000" }, format: { type: "string", default: "csv" } },
});
const EVENTS = Number(values.events);
const FORMAT = values.format === "ndjson" ? "ndjson" : "csv";
const AGENCY = 1;
const hex = (n: number, bytes = 32) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;
const mib = (bytes: number) => Math.round((bytes / 1024 ** 2) * 10) / 10;
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

/** A plausible mix: one anchoring per 100 events, the rest status changes of its leaves. */
function syntheticEvent(i: number): AuditEvent {
  const batch = Math.floor(i / 100);
  const block = 1000 + Math.floor(i / 10);
  const base = {
    blockNumber: block,
    logIndex: i % 10,
    blockHash: hex(block),
    blockTime: 1_764_000_000 + block * 2,
    txHash: hex(i + 1),
    contract: "ledger" as const,
    actor: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    agencyId: AGENCY,
    root: hex(batch + 1_000_000),
    typeId: null,
    size: null,
    officer: null,
    details: null,
  };
  if (i % 100 === 0)
    return { ...base, kind: "BatchAnchored", leaf: null, leafIndex: null, reasonCode: null, typeId: 2, size: 100 };
  const kind = i % 3 === 0 ? "CertificateRevoked" : i % 3 === 1 ? "CertificateSuspended" : "CertificateReinstated";
  return {
    ...base,
    kind,
    leaf: hex(i + 5_000_000),
    leafIndex: i % 100,
    reasonCode: kind === "CertificateReinstated" ? null : kind === "CertificateRevoked" ? 1 : 6,
  };
}

const dir = mkdtempSync(join(tmpdir(), "certledger-bench-audit-"));
try {
  const deployment = { ledger: hex(1, 20), registry: hex(2, 20), deploymentBlock: 0 };
  // never called: the indexer is not started and no route here reads the chain
  const provider = createProvider("http://127.0.0.1:9", { chainId: 31337 });
  const store = SqliteStore.open(":memory:");
  const runtime = assembleRuntime({
    provider,
    chainId: 31337,
    deployment,
    keyring: new Keyring(provider, []),
    store,
    holderStore: store.holder,
    types: builtinTypes(),
    keccak: await Keccak256.create(),
    logger: pino({ level: "silent" }),
    publicUrl: "http://127.0.0.1",
    http: { bodyLimitBytes: 1024 ** 2, rateLimitPerMinute: 0, corsOrigins: [], trustProxy: false },
    anchoring: { batchSize: 1000, batchMaxAgeMs: 1000, confirmations: 1 },
    audit: { indexPath: join(dir, "audit-index.db") },
  });
  const index = runtime.audit.index;
  index.bind({ chainId: 31337, ...deployment });
  const fillStarted = performance.now();
  const CHUNK = 10_000;
  for (let i = 0; i < EVENTS; i += CHUNK) {
    const events = Array.from({ length: Math.min(CHUNK, EVENTS - i) }, (_, j) => syntheticEvent(i + j));
    index.commitRange({ events, blocks: [], nextBlock: (events.at(-1)?.blockNumber ?? 0) + 1 });
  }
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const auditor = await createApiKey(store, { agencyId: null, role: "auditor", label: "bench", now: new Date() });

  const server = createServer(runtime.listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  global.gc?.();
  const before = { rss: process.memoryUsage().rss, maxRss: maxRssBytes(), heapUsed: process.memoryUsage().heapUsed };
  let sampledPeak = before.rss;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 5);

  const started = performance.now();
  const { bytes, status } = await new Promise<{ bytes: number; status: number }>((resolve, reject) => {
    get(
      {
        host: "127.0.0.1",
        port,
        path: `/api/v1/audit/agencies/${AGENCY}/events?format=${FORMAT}`,
        headers: { authorization: `Bearer ${auditor.apiKey}` },
      },
      (res) => {
        let total = 0;
        res.on("data", (chunk: Buffer) => {
          total += chunk.length;
        });
        res.on("end", () => {
          resolve({ bytes: total, status: res.statusCode ?? 0 });
        });
        res.on("error", reject);
      },
    ).on("error", reject);
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const after = { rss: process.memoryUsage().rss, maxRss: maxRssBytes() };
  if (status !== 200) throw new Error(`the export answered ${status}`);

  // contrast: the same rows as one JSON document built in memory
  const contrastBefore = maxRssBytes();
  const all = JSON.stringify(index.page({ agencyId: AGENCY }, EVENTS));
  const contrast = { jsonBytes: all.length, maxRssGrowthMiB: mib(maxRssBytes() - contrastBefore) };

  server.close();
  server.closeAllConnections();
  await runtime.audit.stop();
  await store.close();
  provider.destroy();

  const result = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    command: `npx tsx scripts/bench/auditExport.ts --events ${EVENTS} --format ${FORMAT}`,
    events: EVENTS,
    format: FORMAT,
    fillSeconds: Math.round(fillSeconds * 100) / 100,
    export: {
      bytes,
      mebibytes: mib(bytes),
      seconds: Math.round(seconds * 100) / 100,
      eventsPerSecond: Math.round(EVENTS / seconds),
      mebibytesPerSecond: Math.round((bytes / 1024 ** 2 / seconds) * 10) / 10,
    },
    memory: {
      rssBeforeMiB: mib(before.rss),
      rssAfterMiB: mib(after.rss),
      maxRssBeforeMiB: mib(before.maxRss),
      maxRssAfterMiB: mib(after.maxRss),
      maxRssGrowthMiB: mib(after.maxRss - before.maxRss),
      sampledPeakRssMiB: mib(sampledPeak),
      sampledPeakGrowthMiB: mib(sampledPeak - before.rss),
    },
    contrastAllInMemory: contrast,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/audit.json", `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
