// Gas benchmark of the contracts on Hardhat's in-process network: prints a table and writes
// bench/results/gas.json ({ metric: gasUsed }), the figures the budget check in `npm test` holds
// every change to. A script, not a test: figures are measured here, asserted by checkGasBudget.ts.
import { mkdir, writeFile } from "node:fs/promises";
import { measureGas } from "./gasOperations.ts";

const RESULTS = new URL("../../bench/results/gas.json", import.meta.url);

const results = await measureGas();
console.table(Object.entries(results).map(([metric, gas]) => ({ metric, gas })));
await mkdir(new URL(".", RESULTS), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written ${RESULTS.pathname}`);
