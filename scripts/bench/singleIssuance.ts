/**
 * Single-certificate issuance, ramped: `npm start` (SQLite, embedded anvil) is offered one
 * certificate per `POST /api/v1/certificates` at each rate of `--rates` for `--step-seconds`,
 * then drained until all are anchored. A step is held when at least 95% of what was offered got
 * its 202 and the p99 from 202 to anchored of that step's certificates is at most 3 s; the ramp
 * stops at the first step not held, then halves the gap between the last rate held and the first
 * not held until it is at most `--resolution` of the rate held (so a capacity of 850/s is not
 * reported as the 500/s step below it). Each step also reports the CPU per certificate
 * acknowledged, issuing and anchoring until drained, of the service, the local chain and the load
 * generator, and how busy the machine's cores were (cpuAccounting.ts): what a change to the
 * request's path saved reads from the service's far more steadily than from the ceiling on this
 * shared machine, and a step not held with the cores busy was the machine's ceiling. With the
 * figures goes the machine's yardstick. Writes "single" in bench/results/issuance.json. A
 * benchmark, not a test.
 *
 *   npx tsx scripts/bench/singleIssuance.ts [--rates 500,1000,2000,3000,4000] [--step-seconds 10] [--resolution 0.1]
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { licenceRequest } from "../support/samples.ts";
import { readChainPid, waitFor } from "../support/serviceProcess.ts";
import { autocannon } from "./autocannon.ts";
import { startBenchService } from "./benchService.ts";
import { cpuPerCertificate, machineYardstick, readCpu } from "./cpuAccounting.ts";
import { bucketQuantile, histogramBuckets, type Bucket } from "./prometheus.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const RESULTS = join(ROOT, "bench/results/issuance.json");
const P99_LIMIT_SECONDS = 3;
const LATENCY = "certledger_anchor_latency_seconds";

const { values: args } = parseArgs({
  options: {
    rates: { type: "string", default: "500,1000,2000,3000,4000" },
    "step-seconds": { type: "string", default: "10" },
    resolution: { type: "string", default: "0.1" },
  },
});
const RATES = args.rates.split(",").map(Number);
const STEP_SECONDS = Number(args["step-seconds"]);
const RESOLUTION = Number(args.resolution);

/** The buckets counted between two expositions of the same cumulative histogram. */
const since = (before: readonly Bucket[], after: readonly Bucket[]): Bucket[] =>
  after.map((b) => ({ le: b.le, count: b.count - (before.find((o) => o.le === b.le)?.count ?? 0) }));

const machine = machineYardstick();
const service = await startBenchService();
try {
  const { apiKey } = service;
  const chainPid = await readChainPid(service.dataDir);
  const metrics = async () => (await fetch(`${service.url}/metrics`)).text();
  const step = async (rate: number) => {
    const exposition = await metrics();
    const before = histogramBuckets(exposition, LATENCY);
    const cpuBefore = await readCpu(exposition, chainPid);
    const result = await autocannon({
      url: `${service.url}/api/v1/certificates`,
      connections: 64,
      duration: STEP_SECONDS,
      overallRate: rate,
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(licenceRequest(0)),
    });
    await waitFor(
      "the step's certificates anchored",
      async () => (/certledger_certificates\{state="pending"\} 0\b/.test(await metrics()) ? true : undefined),
      600_000,
      250,
    );
    const acknowledgedPerSecond = Math.round(result["2xx"] / STEP_SECONDS);
    const after = await metrics();
    const cpu = cpuPerCertificate(cpuBefore, await readCpu(after, chainPid), result["2xx"]);
    const p99 = bucketQuantile(since(before, histogramBuckets(after, LATENCY)), 0.99);
    const figures = {
      offeredPerSecond: rate,
      acknowledgedPerSecond,
      non2xx: result.non2xx,
      errors: result.errors,
      p99AcceptedToAnchoredSeconds: p99,
      held: acknowledgedPerSecond >= 0.95 * rate && p99 !== null && p99 <= P99_LIMIT_SECONDS,
      cpu,
    };
    console.log(JSON.stringify(figures));
    return figures;
  };
  const steps = [];
  let held = 0;
  let notHeld: number | null = null;
  for (const rate of RATES) {
    const figures = await step(rate);
    steps.push(figures);
    if (!figures.held) {
      notHeld = rate;
      break;
    }
    held = rate;
  }
  while (notHeld !== null && notHeld - held > RESOLUTION * held) {
    const rate = Math.round((held + notHeld) / 20) * 10;
    if (rate <= held || rate >= notHeld) break;
    const figures = await step(rate);
    steps.push(figures);
    if (figures.held) held = rate;
    else notHeld = rate;
  }
  const single = {
    measuredAt: new Date().toISOString(),
    command: `npx tsx scripts/bench/singleIssuance.ts --rates ${args.rates} --step-seconds ${STEP_SECONDS} --resolution ${RESOLUTION}`,
    sustainedPerSecond: held,
    steps,
    machine,
  };
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(RESULTS, "utf8")) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await writeFile(RESULTS, `${JSON.stringify({ ...current, single }, null, 2)}\n`);
  console.log(`sustained: ${single.sustainedPerSecond}/s`);
} finally {
  await service.stop();
}
