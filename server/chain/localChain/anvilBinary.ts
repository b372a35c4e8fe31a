import { createRequire } from "node:module";
import { LocalChainError } from "./localChainError.ts";

/** The platform packages of `@foundry-rs/anvil` whose binary we can stop cleanly with SIGTERM. */
const PLATFORM_PACKAGES: Readonly<Partial<Record<string, string>>> = {
  "linux-x64": "@foundry-rs/anvil-linux-amd64",
  "linux-arm64": "@foundry-rs/anvil-linux-arm64",
  "darwin-x64": "@foundry-rs/anvil-darwin-amd64",
  "darwin-arm64": "@foundry-rs/anvil-darwin-arm64",
};

/**
 * The anvil binary itself, not the `npx anvil` Node wrapper (signals sent to the wrapper do not
 * always reach the binary). Resolved the way Node resolves packages, from the wrapper package's
 * own location, so hoisted and nested installs both work.
 */
export function resolveAnvilBinary(platform: string = process.platform, arch: string = process.arch): string {
  const target = `${platform}-${arch}`;
  const platformPackage = PLATFORM_PACKAGES[target];
  if (platformPackage === undefined) {
    throw new LocalChainError(
      "ANVIL_UNSUPPORTED_PLATFORM",
      `the embedded local chain (anvil) is not available for ${target}; supported: ${Object.keys(PLATFORM_PACKAGES).join(", ")}. ` +
        "Point the service at a chain with CHAIN_RPC_URL, LEDGER_ADDRESS, REGISTRY_ADDRESS and an officer key (SIGNER_KEY, SIGNER_KEYSTORE or REMOTE_SIGNER_URL) instead.",
    );
  }
  const ownRequire = createRequire(import.meta.url);
  for (const from of [wrapperRequire(ownRequire), ownRequire]) {
    if (from === undefined) continue;
    try {
      return from.resolve(`${platformPackage}/bin/anvil`);
    } catch {
      // not installed where this resolver looks: try the next one
    }
  }
  throw new LocalChainError(
    "ANVIL_NOT_INSTALLED",
    `${platformPackage} is not installed, so the embedded local chain cannot start. ` +
      "Run `npm ci` under Node >= 22.13 (npm skips platform packages whose engines do not match), " +
      "or configure an external chain.",
  );
}

function wrapperRequire(ownRequire: NodeJS.Require): NodeJS.Require | undefined {
  try {
    return createRequire(ownRequire.resolve("@foundry-rs/anvil/package.json"));
  } catch {
    return undefined;
  }
}
