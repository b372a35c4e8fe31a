// The officer key's queue against a real anvil that mines only when told to (automine off), so the
// test decides when a transaction lands relative to the queue's reads of the chain.
import { rm } from "node:fs/promises";
import { expect } from "chai";
import { Wallet, type JsonRpcProvider } from "ethers";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { startLocalChain, type LocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { SignerQueue } from "../../server/chain/signerQueue.ts";
import { WalletSigner } from "../../server/chain/signers/walletSigner.ts";
import { freePort, tempDir } from "./helpers.ts";

describe("SignerQueue.waitFor", function () {
  this.timeout(30_000);

  let dataDir = "";
  let chain: LocalChain;
  let provider: JsonRpcProvider;

  before(async () => {
    dataDir = await tempDir("certledger-signer-queue-");
    chain = await startLocalChain({ dataDir, port: await freePort() });
  });

  beforeEach(async () => {
    provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
    await provider.send("evm_setAutomine", [false]);
  });

  afterEach(async () => {
    await provider.send("evm_setAutomine", [true]);
    provider.destroy();
  });

  after(async () => {
    await chain.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A transaction (an empty call to a fresh address) sent through `queue`, left pending: nothing mines it yet. */
  async function pendingTransaction(queue: SignerQueue): Promise<string> {
    const sent = await queue.send({ to: Wallet.createRandom().address, data: "0x" }, () => Promise.resolve());
    return sent.hash;
  }

  it("returns the receipt of a transaction mined just after the wait's first read of the chain, with no block after it", async () => {
    const queue = new SignerQueue(WalletSigner.fromPrivateKey(devAccountKeys().serviceSigner, "environment"), provider);
    const hash = await pendingTransaction(queue);
    // the block lands between the wait's first read and its next, whichever of the two reads comes
    // first (ethers' waitForTransaction read the head, then the receipt, and waited for ever after)
    let mined = false;
    const mineAfter =
      <T>(read: () => Promise<T>) =>
      async (): Promise<T> => {
        const value = await read();
        if (!mined) {
          mined = true;
          await provider.send("evm_mine", []);
        }
        return value;
      };
    const readHead = provider.getBlockNumber.bind(provider);
    const readReceipt = provider.getTransactionReceipt.bind(provider);
    provider.getBlockNumber = mineAfter(readHead);
    provider.getTransactionReceipt = (txHash) => mineAfter(() => readReceipt(txHash))();

    const receipt = await queue.waitFor(hash, 1, 10_000);

    expect(mined).to.equal(true);
    expect(receipt?.hash).to.equal(hash);
    expect(receipt?.status).to.equal(1);
  });

  it("waits for the confirmations asked, and returns null when they do not come in time", async () => {
    const queue = new SignerQueue(WalletSigner.fromPrivateKey(devAccountKeys().agencyAdmin, "environment"), provider);
    const hash = await pendingTransaction(queue);
    expect(await queue.waitFor(hash, 1, 600)).to.equal(null);
    await provider.send("evm_mine", []);
    expect(await queue.waitFor(hash, 2, 600)).to.equal(null);
    await provider.send("evm_mine", []);
    expect((await queue.waitFor(hash, 2, 600))?.hash).to.equal(hash);
  });
});
