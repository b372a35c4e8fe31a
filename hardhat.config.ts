import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

// solc is compiled offline from the npm package: Hardhat's downloader cannot reach the internet here.
const require = createRequire(import.meta.url);
const solc = require("solc/package.json") as { version: string };

/**
 * The EVM the contracts are compiled for: CERTLEDGER_EVM_VERSION, default `prague`. Consortium chains
 * (Besu QBFT, FISCO BCOS, Quorum) often lag mainnet and reject PUSH0 (shanghai), MCOPY and transient
 * storage (cancun): compile for `london` there. solc 0.8.37 is newer than Hardhat's EVM table, so
 * the target is always named explicitly.
 */
const EVM_VERSIONS = ["london", "paris", "shanghai", "cancun", "prague"] as const;
const DEFAULT_EVM_VERSION = "prague";
const evmVersion = process.env.CERTLEDGER_EVM_VERSION ?? DEFAULT_EVM_VERSION;
if (!(EVM_VERSIONS as readonly string[]).includes(evmVersion)) {
  throw new Error(`CERTLEDGER_EVM_VERSION=${evmVersion}: expected one of ${EVM_VERSIONS.join(", ")}`);
}
// Another target builds beside the default one, never over it: the service and the typechain
// bindings keep reading the default build.
const otherTarget = evmVersion !== DEFAULT_EVM_VERSION;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: solc.version,
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion,
      // Registry and ledger are one contract, and it must stay under the 24 KB code size limit on
      // london too (no PUSH0: larger code). 3,000 runs keeps it there (10,000 did not) at a cost of
      // under 10 gas per call (measured with bench:gas).
      optimizer: { enabled: true, runs: 3_000 },
    },
  },
  ...(otherTarget
    ? {
        paths: { artifacts: `artifacts-${evmVersion}`, cache: `cache-${evmVersion}` },
        typechain: { dontOverrideCompile: true },
      }
    : {}),
  networks: {
    // An anvil started by scripts/test/contractsOnFork.ts (e.g. `--hardfork london`).
    anvil: { type: "http", url: process.env.CERTLEDGER_ANVIL_URL ?? "http://127.0.0.1:8545" },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
});
