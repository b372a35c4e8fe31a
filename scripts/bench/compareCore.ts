/**
 * The document core against an earlier revision of itself, in one process, runs in pairs: on a
 * shared machine absolute figures swing with the neighbours' load, a ratio measured this way does
 * not. Prints wrap and offline verification (500 documents with the batch's longest proof) per
 * second for both (best run) and the median of the pairs' speed-ups; writes nothing.
 *
 *   npx tsx scripts/bench/compareCore.ts --baseline <rev> [--sizes 1000,100000] [--pairs 40]
 *
 * The baseline's server/core is extracted with `git archive` into a temporary directory beside
 * this checkout's node_modules.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as current from "../../server/core/index.ts";
import type { BatchedDocument } from "../../server/core/index.ts";
import { TEN_FIELD_TYPE, benchInputs } from "./core-offline.ts";
import { median } from "./statistics.ts";

type Core = typeof current;

function timed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const { values: args } = parseArgs({
  options: {
    baseline: { type: "string" },
    sizes: { type: "string", default: "1000,100000" },
    pairs: { type: "string", default: "40" },
  },
});
if (args.baseline === undefined) throw new Error("--baseline <git revision> is required");
const ROOT = new URL("../..", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "certledger-baseline-"));
try {
  execFileSync("sh", ["-c", `git archive "$1" server/core | tar -x -C "$2"`, "sh", args.baseline, dir], { cwd: ROOT });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const baseline = (await import(join(dir, "server/core/index.ts"))) as Core;
  const cores: [string, Core][] = [
    [args.baseline, baseline],
    ["worktree", current],
  ];
  const contexts = await Promise.all(
    cores.map(async ([, core]) => ({
      keccak: await core.Keccak256.create(),
      types: core.CertificateTypeRegistry.fromDefinitions([TEN_FIELD_TYPE]),
    })),
  );
  // Pairs of short runs, the two cores back to back with the order alternating: a pair shares the
  // machine's moment, so the median of the pairs' ratios holds when its speed swings from one
  // minute to the next (one run each, best of a few, did not: 1.0 to 1.6 for the same change).
  const sizes = args.sizes.split(",").map(Number);
  const rows = [];
  for (const size of sizes) {
    const inputs = benchInputs(size);
    const received = cores.map(([, core], i) => {
      const batch: BatchedDocument[] = core.wrapBatch(inputs, contexts[i]!).documents;
      const depth = Math.max(...batch.map((document) => document.proof.proof.length));
      return batch
        .filter((document) => document.proof.proof.length === depth)
        .slice(0, 500)
        .map((document) => JSON.parse(JSON.stringify(document)) as unknown);
    });
    const wrap = (i: number) => timed(() => cores[i]![1].wrapBatch(inputs, contexts[i]!));
    const verify = (i: number) =>
      timed(() => {
        const [, core] = cores[i]!;
        for (const document of received[i]!) {
          if (!core.verifyOffline(document, contexts[i]!.keccak, contexts[i]!.types).passed)
            throw new Error("verification failed");
        }
      });
    for (const i of [0, 1, 0, 1]) {
      wrap(i);
      verify(i);
    }
    for (const [what, run, count] of [
      ["wrap", wrap, size],
      ["verify", verify, received[1]!.length],
    ] as const) {
      const ratios: number[] = [];
      const best = [Infinity, Infinity];
      for (let pair = 0; pair < Number(args.pairs); pair++) {
        const ms = [0, 0];
        for (const i of pair % 2 === 0 ? [0, 1] : [1, 0]) ms[i] = run(i);
        ratios.push(ms[0]! / ms[1]!);
        for (const i of [0, 1]) best[i] = Math.min(best[i]!, ms[i]!);
      }
      rows.push({
        what: `${what} ${size}`,
        [`${cores[0]![0]} /s`]: Math.round((count * 1000) / best[0]!),
        "worktree /s": Math.round((count * 1000) / best[1]!),
        "speed-up (median of pairs)": Number(median(ratios).toFixed(3)),
      });
    }
  }
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
