// The anchoring pipeline in the relayer mode: the service's keyring holds the officers only as
// EIP-712 signers and sends through a relayer key. A relayed anchor mined too late (its officer
// signature past the deadline) is refused on chain; the service must not wait on it for ever.
import { expect } from "chai";
import { Wallet } from "ethers";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { devKey, startHarness, type Harness } from "../support/serviceHarness.ts";

const ledgerInterface = ICertificateLedger__factory.createInterface();
const relayer = new Wallet(devKey(5)); // DEV-ONLY: a funded test account, no officer of any agency

describe("anchoring in the relayer mode", function () {
  this.timeout(60_000);
  let harness: Harness;
  const logs: string[] = [];
  /** the Hardhat network's own JSON-RPC methods (automine, time) */
  const rpc = (method: string, params: unknown[] = []): Promise<unknown> =>
    (harness.provider as unknown as { send(method: string, params: unknown[]): Promise<unknown> }).send(method, params);

  before(async () => {
    harness = await startHarness({ relayerKey: relayer.privateKey, logLines: logs });
  });
  after(async () => {
    await rpc("evm_setAutomine", [true]).catch(() => undefined);
    await harness.close();
  });

  async function issue(n: number): Promise<string> {
    const reply = await call<{ id: string }>(harness.url, "POST", "/api/v1/certificates", {
      key: harness.agencies[0].issuerKey,
      body: licenceRequest(n),
    });
    expect(reply.status).to.equal(202);
    return reply.body.id;
  }

  it("anchors through anchorBySig sent by the relayer, for the officer", async () => {
    const id = await issue(1);
    await harness.flush();
    const certificate = await harness.store.getCertificate(id);
    expect(certificate?.state).to.equal("anchored");
    const batch = await harness.store.getBatch(certificate!.batchId!);
    const tx = await harness.provider.getTransaction(batch!.txHash!);
    expect(tx?.from).to.equal(relayer.address);
    expect(ledgerInterface.parseTransaction({ data: tx!.data })?.name).to.equal("anchorBySig");
    expect(batch?.signer, "the batch names the officer").to.equal(harness.agencies[0].officer.address);
  });

  it("signs and sends again a relayed anchor the chain refused (mined past its deadline), instead of waiting on it", async () => {
    await issue(2);
    const [group] = await harness.store.pendingGroups();
    const members = await harness.store.takePending(group!.agencyId, group!.typeId, 10);
    const prepared = await harness.runtime.anchors.prepare(group!.agencyId, group!.typeId, members);
    // hold the relayed transaction in the mempool until its officer signature (an hour) has expired
    await rpc("evm_setAutomine", [false]);
    const sent = await harness.runtime.anchors.send(prepared);
    expect(sent.state).to.equal("sent");
    await rpc("evm_increaseTime", [2 * 3600]);
    await rpc("evm_mine");
    await rpc("evm_setAutomine", [true]);
    const refused = await harness.provider.getTransactionReceipt(sent.txHash!);
    expect(refused?.status, "the late relayed anchor reverted").to.equal(0);

    const from = logs.length;
    const anchored = await harness.runtime.anchors.resume(sent);
    expect(anchored.state).to.equal("anchored");
    expect(anchored.txHash).not.to.equal(sent.txHash);
    expect(
      logs.slice(from).some((l) => l.includes("refused on chain (reverted)") && l.includes(String(sent.id))),
    ).to.equal(true);
    const tx = await harness.provider.getTransaction(anchored.txHash!);
    expect(ledgerInterface.parseTransaction({ data: tx!.data })?.name).to.equal("anchorBySig");
  });
});
