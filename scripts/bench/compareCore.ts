/**
 * The document core against an earlier revision of itself: wrap and offline verification (500
 * documents with the batch's longest proof) per second, each revision in a process of its own
 * (coreRates.ts), the two run back to back in pairs with the order alternating. On a shared machine
 * absolute figures swing with the neighbours' load; the median of the pairs' speed-ups holds.
 * Prints the best figure of each side and that median; writes nothing.
 *
 *   npx tsx scripts/bench/compareCore.ts --baseline <rev> [--candidate <rev>] [--sizes 1000,100000] [--pairs 20]
 *
 * Each side's server/core is copied into a temporary directory beside this checkout's
 * node_modules: the baseline (and a candidate revision) with `git archive`, the working tree's
 * as it stands when no candidate is given. Both sides load alike: with the working tree's core
 * imported and the baseline's loaded beside it in one process, as this script did before, an A/A
 * run read verification ×1.06–1.10.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { CoreRates } from "./coreRates.ts";
import { inAlternatingPairs, median } from "./statistics.ts";

const { values: args } = parseArgs({
  options: {
    baseline: { type: "string" },
    candidate: { type: "string" },
    sizes: { type: "string", default: "1000,100000" },
    pairs: { type: "string", default: "20" },
  },
});
if (args.baseline === undefined) throw new Error("--baseline <git revision> is required");
const ROOT = new URL("../..", import.meta.url).pathname;
const CHILD = join(ROOT, "scripts/bench/coreRates.ts");

/** A directory holding `revision`'s server/core (the working tree's when undefined) and node_modules. */
function copyOfCore(revision: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "certledger-core-"));
  if (revision === undefined) {
    mkdirSync(join(dir, "server"));
    cpSync(join(ROOT, "server/core"), join(dir, "server/core"), { recursive: true });
  } else {
    execFileSync("sh", ["-c", `git archive "$1" server/core | tar -x -C "$2"`, "sh", revision, dir], { cwd: ROOT });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function ratesOf(dir: string): CoreRates {
  const output = execFileSync(process.execPath, ["--import", "tsx", CHILD, dir, args.sizes], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return JSON.parse(output) as CoreRates;
}

const sides = [
  { name: args.baseline, dir: copyOfCore(args.baseline) },
  { name: args.candidate ?? "worktree", dir: copyOfCore(args.candidate) },
];
try {
  const pairs = inAlternatingPairs(
    Number(args.pairs),
    () => ratesOf(sides[0]!.dir),
    () => ratesOf(sides[1]!.dir),
  );
  const rows = [];
  for (const size of args.sizes.split(",")) {
    for (const what of ["wrap", "verify"] as const) {
      const at = (rates: CoreRates) => rates[what][size] ?? NaN;
      rows.push({
        what: `${what} ${size}`,
        [`${sides[0]!.name} /s`]: Math.max(...pairs.map(([baseline]) => at(baseline))),
        [`${sides[1]!.name} /s`]: Math.max(...pairs.map(([, candidate]) => at(candidate))),
        "speed-up (median of pairs)": Number(median(pairs.map(([b, c]) => at(c) / at(b))).toFixed(3)),
      });
    }
  }
  console.table(rows);
} finally {
  for (const { dir } of sides) rmSync(dir, { recursive: true, force: true });
}
