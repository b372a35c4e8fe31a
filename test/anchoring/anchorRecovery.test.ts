// On start the service checks that the chain still holds what it recorded as anchored. It checks
// only the batches anchored after the last block through which everything was found, as long as
// the chain still has that very block; a chain that lost it (or holds another block at its height)
// gets every batch checked again. Chain losses are made with evm_snapshot / evm_revert.
import { expect } from "chai";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

describe("anchoring: start-up check of anchored batches against the chain", function () {
  this.timeout(60_000);
  let harness: Harness;
  const logLines: string[] = [];

  const rpc = (method: string, params: unknown[] = []) =>
    (harness.provider as unknown as { send(method: string, params: unknown[]): Promise<unknown> }).send(method, params);

  /** Issues one certificate of agency 1 and anchors it in a batch of its own. */
  async function anchorOne(n: number): Promise<void> {
    const reply = await call(harness.url, "POST", "/api/v1/certificates", {
      key: harness.agencies[0].issuerKey,
      body: licenceRequest(n),
    });
    expect(reply.status).to.equal(202);
    await harness.flush();
  }

  async function allOnChain(): Promise<boolean> {
    const batches = await harness.store.listBatches(["anchored"]);
    const found = await Promise.all(batches.map((b) => harness.runtime.anchors.isOnChain(b)));
    return found.every(Boolean);
  }

  before(async () => {
    harness = await startHarness({ logLines });
  });
  after(async () => {
    await harness.close();
  });

  it("re-anchors a batch of the blocks the chain lost after the last check, and all of them once it lost that check's block", async () => {
    const beforeAny = await rpc("evm_snapshot");
    await anchorOne(1);
    expect(await harness.runtime.anchors.recoverAnchored()).to.equal(0);

    const checked = await rpc("evm_snapshot");
    await anchorOne(2);
    await rpc("evm_revert", [checked]);
    expect(await allOnChain()).to.equal(false);
    expect(await harness.runtime.anchors.recoverAnchored(), "only the batch after the check").to.equal(1);
    expect(await allOnChain()).to.equal(true);

    // the chain as it was before both, then grown past the last check's height with other blocks
    const checkedHead = await harness.provider.getBlockNumber();
    await rpc("evm_revert", [beforeAny]);
    await rpc("hardhat_mine", [`0x${(checkedHead + 2).toString(16)}`]);
    expect(await harness.runtime.anchors.recoverAnchored(), "both, the checked one too").to.equal(2);
    expect(await allOnChain()).to.equal(true);
    expect(await harness.runtime.anchors.recoverAnchored(), "nothing more once found").to.equal(0);
  });

  it("checks every batch, with a warning, and starts when the recorded block is unreadable", async () => {
    await anchorOne(3);
    await harness.runtime.anchors.recoverAnchored();
    await harness.store.setMeta("anchors.verifiedThrough", '{"block": 12, "hash": "0x');
    const anchors = harness.runtime.anchors;
    const isOnChain = anchors.isOnChain.bind(anchors);
    const checked: number[] = [];
    anchors.isOnChain = (batch) => {
      checked.push(batch.id);
      return isOnChain(batch);
    };
    logLines.length = 0;
    try {
      await harness.runtime.recover();
    } finally {
      Reflect.deleteProperty(anchors, "isOnChain");
    }
    const all = (await harness.store.listBatches(["anchored"])).map((b) => b.id);
    expect(all).to.have.length.above(1);
    expect(checked.sort((a, b) => a - b)).to.deep.equal(all.sort((a, b) => a - b));
    const warnings = logLines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(warnings.filter((w) => w.level === 40).map((w) => w.msg)).to.include(
      "the block through which anchored batches were last found on chain is unreadable; checking every anchored batch",
    );
    expect(await harness.runtime.anchors.recoverAnchored(), "recorded afresh once all were found").to.equal(0);
  });
});
