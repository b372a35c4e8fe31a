import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Wallet } from "ethers";
import { AuditIndex } from "../../server/audit/auditIndex.ts";
import { ChainIndexer } from "../../server/audit/indexer.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { anchorRandomRoot, outsideOfficer, PERMIT_TYPE_ID, rpc } from "./helpers.ts";

describe("Audit: chain-event indexer", function () {
  this.timeout(120_000);
  let h: Harness;
  let dir: string;
  let officer: Wallet;
  const deployment = () => ({ chainId: h.chainId, ledger: h.ledger, registry: h.registry, deploymentBlock: 0 });
  const roots = (index: AuditIndex) => index.page({ kinds: ["BatchAnchored"] }, 1000).map((e) => e.root);

  before(async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), "certledger-audit-"));
    officer = await outsideOfficer(h, 0, 5);
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads every registry and ledger event from the deployment block, in small ranges", async () => {
    const index = AuditIndex.open(join(dir, "ranges.db"));
    const root = await anchorRandomRoot(h, officer, PERMIT_TYPE_ID, 4);
    const round = await new ChainIndexer(
      { provider: h.provider, index, deployment: deployment() },
      { blockRange: 3 },
    ).syncOnce();
    expect(round.indexedThrough).to.equal(await h.provider.getBlockNumber());
    const kinds = index.page({}, 1000).map((e) => e.kind);
    expect(kinds).to.include.members(["CertificateTypeDefined", "AgencyRegistered", "OfficerAdded", "BatchAnchored"]);
    expect(kinds.filter((k) => k === "AgencyRegistered")).to.have.length(2);
    const anchored = index.page({ root }, 10);
    expect(anchored).to.have.length(1);
    expect(anchored[0]).to.include({
      kind: "BatchAnchored",
      actor: officer.address,
      agencyId: 1,
      typeId: PERMIT_TYPE_ID,
      size: 4,
    });
    // the same events as one big range
    const whole = AuditIndex.open(":memory:");
    await new ChainIndexer(
      { provider: h.provider, index: whole, deployment: deployment() },
      { blockRange: 10_000 },
    ).syncOnce();
    expect(whole.page({}, 1000)).to.deep.equal(index.page({}, 1000));
    index.close();
    whole.close();
  });

  it("resumes from its persisted cursor after a restart, reading only new blocks", async () => {
    const path = join(dir, "resume.db");
    const first = AuditIndex.open(path);
    const before = await new ChainIndexer({ provider: h.provider, index: first, deployment: deployment() }).syncOnce();
    const count = first.page({}, 10_000).length;
    first.close();

    const root = await anchorRandomRoot(h, officer, PERMIT_TYPE_ID);
    const reopened = AuditIndex.open(path);
    expect(reopened.nextBlock()).to.equal((before.indexedThrough ?? 0) + 1);
    const round = await new ChainIndexer({
      provider: h.provider,
      index: reopened,
      deployment: deployment(),
    }).syncOnce();
    expect(round.added).to.equal(1);
    expect(reopened.page({}, 10_000)).to.have.length(count + 1);
    expect(roots(reopened)).to.include(root);
    reopened.close();
  });

  it("starts over when the index file belongs to another deployment", async () => {
    const path = join(dir, "other.db");
    const index = AuditIndex.open(path);
    await new ChainIndexer({ provider: h.provider, index, deployment: deployment() }).syncOnce();
    expect(index.page({}, 1)).to.have.length(1);
    const elsewhere = { ...deployment(), ledger: officer.address };
    expect(index.bind(elsewhere)).to.equal(true);
    expect(index.page({}, 1)).to.have.length(0);
    index.close();
  });

  it("waits for the confirmation depth before indexing a block", async () => {
    const index = AuditIndex.open(":memory:");
    const indexer = new ChainIndexer({ provider: h.provider, index, deployment: deployment() }, { confirmations: 2 });
    const root = await anchorRandomRoot(h, officer, PERMIT_TYPE_ID);
    const head = await h.provider.getBlockNumber();
    expect((await indexer.syncOnce()).indexedThrough).to.equal(head - 2);
    expect(roots(index)).to.not.include(root);
    await rpc(h, "hardhat_mine", ["0x2"]);
    await indexer.syncOnce();
    expect(roots(index)).to.include(root);
    index.close();
  });

  it("rolls back a reorganisation to the fork point and re-reads the new branch", async () => {
    const index = AuditIndex.open(":memory:");
    const indexer = new ChainIndexer({ provider: h.provider, index, deployment: deployment() });
    await indexer.syncOnce();
    const snapshot = (await rpc(h, "evm_snapshot", [])) as string;
    const forkBlock = await h.provider.getBlockNumber();
    const lost = await anchorRandomRoot(h, officer, PERMIT_TYPE_ID);
    await rpc(h, "hardhat_mine", ["0x3"]);
    await indexer.syncOnce();
    expect(roots(index)).to.include(lost);

    expect(await rpc(h, "evm_revert", [snapshot])).to.equal(true);
    const kept = await anchorRandomRoot(h, officer, PERMIT_TYPE_ID);
    const round = await indexer.syncOnce();
    expect(round.reorg).to.deep.equal({ forkBlock, removedEvents: 1 });
    expect(roots(index)).to.include(kept);
    expect(roots(index)).to.not.include(lost);
    expect(round.indexedThrough).to.equal(await h.provider.getBlockNumber());
    // the index now equals one built afresh from the new branch
    const fresh = AuditIndex.open(":memory:");
    await new ChainIndexer({ provider: h.provider, index: fresh, deployment: deployment() }).syncOnce();
    expect(index.page({}, 10_000)).to.deep.equal(fresh.page({}, 10_000));
    index.close();
    fresh.close();
  });

  it("polls in the background once started, and stops cleanly", async () => {
    const index = AuditIndex.open(":memory:");
    const indexer = new ChainIndexer({ provider: h.provider, index, deployment: deployment() }, { pollMs: 20 });
    indexer.start();
    const root = await anchorRandomRoot(h, officer, PERMIT_TYPE_ID);
    const deadline = Date.now() + 10_000;
    while (!roots(index).includes(root) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await indexer.stop();
    expect(roots(index)).to.include(root);
    index.close();
  });
});
