import { expect } from "chai";
import { Wallet } from "ethers";
import {
  DEV_ACCOUNT_INDEX,
  DEV_CHAIN_ID,
  devAccountKeys,
  isDevKey,
} from "../../server/chain/localChain/devAccounts.ts";

describe("devAccounts (dev-only keys of the embedded chain)", () => {
  it("derives anvil's well-known default accounts for each role", () => {
    const keys = devAccountKeys();
    // Anvil's published default accounts 0, 1 and 2.
    expect(new Wallet(keys.governance).address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(new Wallet(keys.serviceSigner).address).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    expect(new Wallet(keys.agencyAdmin).address).to.equal("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
    expect(DEV_ACCOUNT_INDEX).to.deep.equal({ governance: 0, serviceSigner: 1, agencyAdmin: 2 });
    expect(DEV_CHAIN_ID).to.equal(31337);
  });

  it("recognises a dev key, whatever its case, and nothing else", () => {
    expect(isDevKey(devAccountKeys().serviceSigner.toUpperCase().replace("0X", "0x"))).to.be.true;
    expect(isDevKey(Wallet.createRandom().privateKey)).to.be.false;
  });
});
