/**
 * The document core against an earlier revision of itself, in one process, runs interleaved: on
 * a shared machine absolute figures swing with the neighbours' load, a ratio measured this way
 * does not. Prints wrap and offline verification per second for both and the ratio; writes nothing.
 *
 *   npx tsx scripts/bench/compareCore.ts --baseline <rev> [--sizes 1000,100000] [--rounds 8]
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

type Core = typeof current;

const { values: args } = parseArgs({
  options: {
    baseline: { type: "string" },
    sizes: { type: "string", default: "1000,100000" },
    rounds: { type: "string", default: "8" },
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
  const best = new Map<string, number>();
  const record = (key: string, count: number, ms: number) => {
    best.set(key, Math.max(best.get(key) ?? 0, (count * 1000) / ms));
  };
  const sizes = args.sizes.split(",").map(Number);
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const size of sizes) {
      const inputs = benchInputs(size);
      // alternate who goes first, so neither always meets the other's garbage
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const [, core] = cores[i]!;
        const context = contexts[i]!;
        let started = performance.now();
        const batch: BatchedDocument[] = core.wrapBatch(inputs, context).documents;
        record(`${i} wrap ${size}`, size, performance.now() - started);
        const depth = Math.max(...batch.map((document) => document.proof.proof.length));
        const received = batch
          .filter((document) => document.proof.proof.length === depth)
          .slice(0, 5_000)
          .map((document) => JSON.parse(JSON.stringify(document)) as unknown);
        started = performance.now();
        for (const document of received) {
          if (!core.verifyOffline(document, context.keccak, context.types).passed)
            throw new Error("verification failed");
        }
        record(`${i} verify ${size}`, received.length, performance.now() - started);
      }
    }
  }
  const rows = sizes.flatMap((size) =>
    ["wrap", "verify"].map((what) => {
      const before = best.get(`0 ${what} ${size}`) ?? 0;
      const after = best.get(`1 ${what} ${size}`) ?? 0;
      return {
        what: `${what} ${size}`,
        [cores[0]![0]]: Math.round(before),
        worktree: Math.round(after),
        ratio: Number((after / before).toFixed(2)),
      };
    }),
  );
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
