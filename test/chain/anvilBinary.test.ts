import { accessSync, constants } from "node:fs";
import { expect } from "chai";
import { resolveAnvilBinary } from "../../server/chain/localChain/anvilBinary.ts";
import { LocalChainError } from "../../server/chain/localChain/localChainError.ts";

describe("resolveAnvilBinary", () => {
  it("finds the executable of the installed platform package, not the npx wrapper", () => {
    const binary = resolveAnvilBinary();
    expect(binary).to.match(/@foundry-rs\/anvil-[a-z]+-(amd64|arm64)\/bin\/anvil$/);
    expect(() => {
      accessSync(binary, constants.X_OK);
    }).not.to.throw();
  });

  it("fails clearly on a platform anvil does not ship for", () => {
    expect(() => resolveAnvilBinary("sunos", "x64"))
      .to.throw(LocalChainError, /not available for sunos-x64.*CHAIN_RPC_URL/)
      .with.property("code", "ANVIL_UNSUPPORTED_PLATFORM");
  });
});
