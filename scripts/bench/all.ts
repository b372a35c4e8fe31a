/**
 * `npm run bench`: every benchmark in sequence (they would compete for the machine's cores if run
 * together), then one table of the targets with the figures in bench/results/*.json.
 *
 *   --only core,service   run only these benchmarks (names below)
 *   --table               run nothing, print the table from the committed figures
 */
import { spawnSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { targetTable, yardstickLines, type Results } from "./targets.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const RESULTS_DIR = new URL("../../bench/results/", import.meta.url).pathname;

/** Name → the command that writes its figures; each runs in a process of its own so one's heap is not the next one's. */
const BENCHMARKS: Record<string, string[]> = {
  core: ["npx", "tsx", "scripts/bench/core.ts"],
  service: ["npx", "tsx", "scripts/bench/service.ts"],
  issuance: ["npx", "tsx", "scripts/bench/batchIssuance.ts"],
  ramp: ["npx", "tsx", "scripts/bench/singleIssuance.ts"],
  store: ["npx", "tsx", "scripts/bench/largeStore.ts"],
  audit: ["npx", "tsx", "scripts/bench/auditExport.ts"],
  gas: ["npx", "hardhat", "run", "scripts/bench/gas.ts"],
};

async function readResults(): Promise<Results> {
  const results: Results = {};
  for (const file of await readdir(RESULTS_DIR)) {
    if (file.endsWith(".json")) {
      results[file.slice(0, -".json".length)] = JSON.parse(await readFile(RESULTS_DIR + file, "utf8")) as unknown;
    }
  }
  return results;
}

const { values: args } = parseArgs({
  options: { only: { type: "string" }, table: { type: "boolean", default: false } },
});
const names = args.table ? [] : (args.only?.split(",") ?? Object.keys(BENCHMARKS));
const failed: string[] = [];
for (const name of names) {
  const command = BENCHMARKS[name];
  if (!command) throw new Error(`no benchmark named ${name}; there are ${Object.keys(BENCHMARKS).join(", ")}`);
  console.log(`\n== ${name}: ${command.join(" ")}`);
  const run = spawnSync(command[0]!, command.slice(1), { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) failed.push(name);
}
const results = await readResults();
console.log(`\n${targetTable(results)}\n\n${yardstickLines(results)}`);
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")} (their rows show the previous figures)`);
  process.exitCode = 1;
}
