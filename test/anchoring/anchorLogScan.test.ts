// Finding a batch's anchor when the service never recorded its transaction (a crash between
// broadcast and commit): the BatchAnchored event is searched from the deployment block in ranges a
// capped provider accepts, and an anchor made with another key of the same agency is never taken
// as the service's own.
import { expect } from "chai";
import { Wallet, type Provider } from "ethers";
import { pino } from "pino";
import { AgencyRegistry__factory, ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { AnchorService, ForeignAnchorError } from "../../server/anchoring/anchorService.ts";
import { bindOfficer } from "../../server/chain/officerConsent.ts";
import { Keyring } from "../../server/chain/keyring.ts";
import { CertificateBatchTree } from "../../server/core/batch/merkle.ts";
import type { BatchRecord } from "../../server/store/records.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { devKey, startHarness, type Harness } from "../support/serviceHarness.ts";

/** blocks a capped provider accepts per eth_getLogs, as public providers cap them */
const CAP = 10;

describe("anchoring: finding an unrecorded anchor on a provider that caps log ranges", function () {
  this.timeout(60_000);
  let harness: Harness;
  let keyring: Keyring;
  const ranges: [number, number][] = [];

  /** The harness's provider, refusing (as such providers do) any eth_getLogs wider than CAP blocks. */
  const capped = (provider: Provider): Provider =>
    new Proxy(provider, {
      get(target, property, receiver) {
        if (property !== "getLogs") {
          const value = Reflect.get(target, property, receiver) as unknown;
          // the provider's methods use private fields: call them on the provider itself
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        }
        return async (filter: { fromBlock?: unknown; toBlock?: unknown }) => {
          const from = Number(filter.fromBlock);
          const to = Number(filter.toBlock);
          if (!Number.isInteger(from) || !Number.isInteger(to) || to - from + 1 > CAP)
            throw new Error(`query exceeds max block range ${CAP}`);
          ranges.push([from, to]);
          return target.getLogs(filter as Parameters<Provider["getLogs"]>[0]);
        };
      },
    });

  const service = (deploymentBlock: number) =>
    new AnchorService(
      {
        store: harness.store,
        provider: capped(harness.provider),
        ledger: harness.ledger,
        chainId: harness.chainId,
        deploymentBlock,
        signerFor: () => Promise.resolve(keyring.queue(harness.agencies[0].officer.address)),
        buildTree: (leaves) => CertificateBatchTree.of(leaves, harness.keccak),
        logger: pino({ level: "silent" }),
      },
      { confirmations: 1, receiptTimeoutMs: 2_000, logBlockRange: CAP },
    );

  /** A prepared batch of one new certificate of agency 1, not sent by the service. */
  async function preparedBatch(n: number): Promise<BatchRecord> {
    const reply = await call(harness.url, "POST", "/api/v1/certificates", {
      key: harness.agencies[0].issuerKey,
      body: licenceRequest(n),
    });
    expect(reply.status).to.equal(202);
    const [group] = await harness.store.pendingGroups();
    const members = await harness.store.takePending(group!.agencyId, group!.typeId, 10);
    return harness.runtime.anchors.prepare(group!.agencyId, group!.typeId, members);
  }

  const mine = (blocks: number) =>
    (harness.provider as unknown as { send(method: string, params: unknown[]): Promise<unknown> }).send(
      "hardhat_mine",
      [`0x${blocks.toString(16)}`],
    );

  before(async () => {
    harness = await startHarness();
    keyring = new Keyring(harness.provider, [devKey(1)]);
  });
  after(async () => {
    await harness.close();
  });

  it("searches from the deployment block in ranges the provider accepts, and confirms the batch", async () => {
    const batch = await preparedBatch(1);
    const deploymentBlock = await harness.provider.getBlockNumber();
    await mine(3 * CAP);
    const ledger = ICertificateLedger__factory.connect(harness.ledger, harness.agencies[0].officer);
    // the service's own key sent it, but the service died before recording the transaction
    const sent = await (await ledger.anchor(batch.root, batch.typeId, batch.size)).wait();
    await mine(CAP);

    ranges.length = 0;
    const anchored = await service(deploymentBlock).resume(batch);
    expect(anchored.state).to.equal("anchored");
    expect(anchored.txHash).to.equal(sent!.hash);
    expect(ranges[0]?.[0], "the search starts at the deployment block").to.equal(deploymentBlock);
    expect(ranges.every(([from, to]) => to - from + 1 <= CAP)).to.equal(true);
    expect(ranges.length, "in several bounded requests").to.be.above(1);
  });

  it("refuses an anchor of its root made by another officer key of the same agency", async () => {
    const batch = await preparedBatch(2);
    const deploymentBlock = await harness.provider.getBlockNumber();
    // DEV-ONLY: a funded test account, bound to agency 1 as a second officer, not held by the service
    const other = new Wallet(devKey(6), harness.provider);
    const registry = AgencyRegistry__factory.connect(harness.registry, harness.agencies[0].admin);
    await bindOfficer(registry, other, 1);
    await (
      await ICertificateLedger__factory.connect(harness.ledger, other).anchor(batch.root, batch.typeId, batch.size)
    ).wait();
    await mine(2 * CAP);

    let refused: unknown = null;
    await service(deploymentBlock)
      .resume(batch)
      .catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(ForeignAnchorError);
    expect((refused as Error).message).to.include(other.address);
    const after = await harness.store.getBatch(batch.id);
    expect(after?.state, "never recorded as anchored").not.to.equal("anchored");
  });
});
