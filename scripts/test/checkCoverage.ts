/**
 * Fails when a contract's line coverage (from coverage/lcov.info, written by
 * `hardhat test --coverage`) is under the threshold: Hardhat's coverage has no threshold option.
 *   tsx scripts/test/checkCoverage.ts [minimumPercent=100]
 */
import { readFileSync } from "node:fs";

const minimum = Number(process.argv[2] ?? "100");
const files = new Map<string, { found: number; hit: number }>();
let current: string | null = null;
for (const line of readFileSync("coverage/lcov.info", "utf8").split("\n")) {
  if (line.startsWith("SF:")) {
    current = line.slice(3);
    files.set(current, files.get(current) ?? { found: 0, hit: 0 });
  } else if (line.startsWith("DA:") && current?.startsWith("contracts/")) {
    const entry = files.get(current);
    if (!entry) continue;
    entry.found += 1;
    if (Number(line.split(",")[1]) > 0) entry.hit += 1;
  }
}
let failed = false;
for (const [file, { found, hit }] of files) {
  if (!file.startsWith("contracts/") || found === 0) continue;
  const percent = (100 * hit) / found;
  process.stdout.write(`coverage ${file}: ${percent.toFixed(2)}% of ${found} lines\n`);
  if (percent < minimum) failed = true;
}
if (files.size === 0) failed = true;
if (failed) {
  process.stderr.write(`contract line coverage is below ${minimum}%\n`);
  process.exit(1);
}
