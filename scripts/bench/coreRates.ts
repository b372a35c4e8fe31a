// One core's wrap and offline verification rates, measured in a process of its own and printed as
// JSON: compareCore.ts runs it for two revisions in turn. Two cores loaded into one process shared
// that process's JIT and collector, and an A/A run (the same code on both sides) read up to ±10%.
//
//   node --import tsx scripts/bench/coreRates.ts <dir holding server/core> <sizes, e.g. 1000,100000>
import { join } from "node:path";
import type * as CoreModule from "../../server/core/index.ts";
import type { BatchedDocument } from "../../server/core/index.ts";
import { TEN_FIELD_TYPE, benchInputs, best, longestProofs } from "./core-offline.ts";

type Core = typeof CoreModule;

/** What the child prints: certificates per second by batch size, the best of its runs. */
export interface CoreRates {
  wrap: Record<string, number>;
  verify: Record<string, number>;
}

/** Certificates per second in the best of `runs` runs of `run` over `count` of them. */
const bestPerSecond = (count: number, runs: number, run: () => void): number =>
  Math.round((count * 1000) / best(runs, run).wallMs);

const [dir, sizes] = process.argv.slice(2);
if (dir === undefined || sizes === undefined) throw new Error("usage: coreRates.ts <dir> <sizes>");
const core = (await import(join(dir, "server/core/index.ts"))) as Core;
const context = {
  keccak: await core.Keccak256.create(),
  types: core.CertificateTypeRegistry.fromDefinitions([TEN_FIELD_TYPE]),
};
const rates: CoreRates = { wrap: {}, verify: {} };
for (const size of sizes.split(",").map(Number)) {
  const inputs = benchInputs(size);
  const runs = size >= 100_000 ? 2 : 8;
  const batch: BatchedDocument[] = core.wrapBatch(inputs, context).documents;
  rates.wrap[size] = bestPerSecond(size, runs, () => core.wrapBatch(inputs, context));
  const received = longestProofs(batch, 500).map((document) => JSON.parse(JSON.stringify(document)) as unknown);
  const verifyAll = () => {
    for (const document of received) {
      if (!core.verifyOffline(document, context.keccak, context.types).passed) throw new Error("verification failed");
    }
  };
  verifyAll();
  rates.verify[size] = bestPerSecond(received.length, 3 * runs, verifyAll);
}
console.log(JSON.stringify(rates));
