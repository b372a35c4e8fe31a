// The gas budget: fails (exit 1) when any benchmarked operation costs more than 1% over the figure
// committed in bench/results/gas.json, so that a change that costs gas is a visible decision
// (`npm run bench:gas` then commits the new figures). Cheaper is fine: commit the gain the same way.
import { readFile } from "node:fs/promises";
import { measureGas } from "./gasOperations.ts";

const TOLERANCE = 0.01;
const committed = JSON.parse(
  await readFile(new URL("../../bench/results/gas.json", import.meta.url), "utf8"),
) as Record<string, number>;
const measured = await measureGas();

const problems: string[] = [];
for (const [metric, gas] of Object.entries(measured)) {
  const budget = committed[metric];
  if (budget === undefined) problems.push(`${metric}: ${gas} gas, not in bench/results/gas.json`);
  else if (gas > budget * (1 + TOLERANCE))
    problems.push(`${metric}: ${gas} gas, budget ${budget} (+${(((gas - budget) / budget) * 100).toFixed(2)}%)`);
}
for (const metric of Object.keys(committed)) {
  if (!(metric in measured)) problems.push(`${metric}: in bench/results/gas.json but no longer measured`);
}
if (problems.length > 0) {
  console.error(
    `gas budget exceeded (more than ${TOLERANCE * 100}% over the committed figures):\n  ${problems.join("\n  ")}`,
  );
  console.error("if the cost is intended, run `npm run bench:gas` and commit bench/results/gas.json");
  process.exit(1);
}
console.log(
  `gas budget: ${Object.keys(measured).length} operations within ${TOLERANCE * 100}% of bench/results/gas.json`,
);
