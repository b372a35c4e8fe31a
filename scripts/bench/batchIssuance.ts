/**
 * Batch issuance: `npm start` (SQLite, embedded anvil) offered requests of 1,000 certificates to
 * `/api/v1/certificates/batch` as fast as it acknowledges them, `--concurrency` requests at a time,
 * for `--seconds`; then waits until every certificate is anchored. Writes the acknowledged and
 * anchored rates under "batch" in bench/results/issuance.json, with the CPU per certificate of the
 * service, the local chain and the load generator and how busy the cores were, while acknowledging
 * and until anchored (cpuAccounting.ts), and the machine's yardstick. A benchmark, not a test.
 *
 *   npx tsx scripts/bench/batchIssuance.ts [--seconds 30] [--concurrency 4]
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { licenceRequest } from "../support/samples.ts";
import { readChainPid, waitFor } from "../support/serviceProcess.ts";
import { cpuPerCertificate, machineYardstick, readCpu } from "./cpuAccounting.ts";
import { startBenchService } from "./benchService.ts";
import { histogramQuantile } from "./prometheus.ts";

const ITEMS = 1_000;
const ROOT = new URL("../..", import.meta.url).pathname;
const RESULTS = join(ROOT, "bench/results/issuance.json");

const { values: args } = parseArgs({
  options: { seconds: { type: "string", default: "30" }, concurrency: { type: "string", default: "4" } },
});
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);

const machine = machineYardstick();
const service = await startBenchService();
try {
  const { apiKey } = service;
  const chainPid = await readChainPid(service.dataDir);
  const body = JSON.stringify({
    items: Array.from({ length: ITEMS }, (_, n) => licenceRequest(n)),
  });
  const metricsNow = async () => (await fetch(`${service.url}/metrics`)).text();
  const cpuAtStart = await readCpu(await metricsNow(), chainPid);
  const started = performance.now();
  let acknowledged = 0;
  let rejected = 0;
  const acknowledgeMs: number[] = [];
  // each worker sends its next request when the last is answered: offered as fast as taken
  const worker = async (): Promise<void> => {
    while (performance.now() - started < SECONDS * 1000) {
      const sent = performance.now();
      const response = await fetch(`${service.url}/api/v1/certificates/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body,
      });
      await response.arrayBuffer();
      acknowledgeMs.push(performance.now() - sent);
      if (response.status === 202) acknowledged += ITEMS;
      else rejected += ITEMS;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ackSeconds = (performance.now() - started) / 1000;
  const cpuAcknowledged = await readCpu(await metricsNow(), chainPid);
  const anchoredAt = await waitFor(
    "every certificate anchored",
    async () => {
      const text = await metricsNow();
      const pending = Number(/certledger_certificates\{state="pending"\} (\d+)/.exec(text)?.[1] ?? "NaN");
      return pending === 0 ? performance.now() : undefined;
    },
    900_000,
    250,
  );
  const metrics = await metricsNow();
  const cpuAnchored = await readCpu(metrics, chainPid);
  acknowledgeMs.sort((a, b) => a - b);
  const batch = {
    measuredAt: new Date().toISOString(),
    command: `npx tsx scripts/bench/batchIssuance.ts --seconds ${SECONDS} --concurrency ${CONCURRENCY}`,
    itemsPerRequest: ITEMS,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    acknowledged,
    rejected,
    acknowledgedPerSecond: Math.round(acknowledged / ackSeconds),
    anchoredPerSecond: Math.round(acknowledged / ((anchoredAt - started) / 1000)),
    p99AcknowledgeMs: Math.round(acknowledgeMs[Math.floor(acknowledgeMs.length * 0.99)] ?? 0),
    p99AcceptedToAnchoredSeconds: histogramQuantile(metrics, "certledger_anchor_latency_seconds", 0.99),
    cpu: {
      whileAcknowledging: cpuPerCertificate(cpuAtStart, cpuAcknowledged, acknowledged),
      untilAnchored: cpuPerCertificate(cpuAtStart, cpuAnchored, acknowledged),
    },
    machine,
  };
  console.log(JSON.stringify(batch, null, 2));
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(RESULTS, "utf8")) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await writeFile(RESULTS, `${JSON.stringify({ ...current, batch }, null, 2)}\n`);
} finally {
  await service.stop();
}
