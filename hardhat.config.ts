import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

// solc is compiled offline from the npm package: Hardhat's downloader cannot reach the internet here.
const require = createRequire(import.meta.url);
const solc = require("solc/package.json") as { version: string };

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: solc.version,
    path: require.resolve("solc/soljson.js"),
    settings: {
      // solc 0.8.37 is newer than Hardhat's EVM table: name the target explicitly.
      evmVersion: "prague",
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32, failOnRevert: false },
    },
  },
});
