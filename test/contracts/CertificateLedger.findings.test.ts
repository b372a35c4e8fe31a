// One test per finding of the contracts review (issue 10): each tries the attack that worked on the
// first contracts and shows that it no longer does.
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";
import { IAgencyRegistry__factory, ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import {
  AGENCY_A,
  AGENCY_B,
  AgencyStatus,
  Batch,
  COMPROMISE_WINDOW,
  DIPLOMA,
  GOVERNANCE_TRANSFER_DELAY,
  LeafStatus,
  Reason,
  addOfficer,
  deployWithAgencies,
  officerConsent,
} from "./fixtures.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";

const { ethers, networkHelpers } = await network.create();
const batch = new Batch("agency A's batch", 16);
const DAY = 24 * 3600;

async function agencies() {
  return deployWithAgencies(ethers);
}

/** Agency A's officers joined a day before agency A anchored `batch`. */
async function anchored() {
  const deployed = await deployWithAgencies(ethers);
  await networkHelpers.time.increase(DAY);
  await deployed.ledger.connect(deployed.officerA).anchor(batch.root, DIPLOMA, batch.size);
  return deployed;
}

describe("CertificateLedger: findings of the contracts review", () => {
  it("1. a rival agency's officer anchoring A's root first neither blocks, takes over nor shadows A's batch", async () => {
    const { ledger, registry, officerA, officerB } = await networkHelpers.loadFixture(agencies);
    // B's officer saw A's transaction in the mempool and anchors the same root first, with size 1.
    await ledger.connect(officerB).anchor(batch.root, DIPLOMA, 1);
    await expect(ledger.connect(officerA).anchor(batch.root, DIPLOMA, batch.size))
      .to.emit(ledger, "BatchAnchored")
      .withArgs(batch.root, AGENCY_A, officerA.address, DIPLOMA, batch.size);

    const record = await ledger.batch(AGENCY_A, batch.root);
    expect([record.officer, record.agencyId, record.size]).to.deep.equal([
      officerA.address,
      BigInt(AGENCY_A),
      BigInt(batch.size),
    ]);
    const { leaf, index, proof } = batch.certificate(9);
    const v = await ledger.verifyLeaf(AGENCY_A, batch.root, leaf, index, proof);
    expect(v.proofValid).to.be.true;
    expect(v.batch.officer).to.equal(officerA.address);
    // B holds no status power over A's batch, and what B does to its own copy never shows in A's.
    await expect(
      ledger.connect(officerB).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof),
    )
      .to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority")
      .withArgs(officerB.address, AGENCY_A);
    await ledger.connect(officerB).revokeBatch(AGENCY_B, batch.root, Reason.keyCompromise);
    expect((await ledger.verifyLeaf(AGENCY_A, batch.root, leaf, index, proof)).batchRevokedAt).to.equal(0n);
  });

  describe("2. what a stolen key did after its compromise time can be undone by governance", () => {
    it("restores a certificate the thief revoked and a batch the thief revoked, naming the key", async () => {
      const { ledger, registry, governance, adminA, officerA2 } = await networkHelpers.loadFixture(anchored);
      const other = new Batch("another batch of A", 4);
      await ledger.connect(officerA2).anchor(other.root, DIPLOMA, other.size);
      // the theft began with the block before the thief's first change (blocks may share a second)
      const stolenAt = await networkHelpers.time.latest();
      const { leaf, index, proof } = batch.certificate(3);
      await ledger
        .connect(officerA2)
        .revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof);
      await ledger.connect(officerA2).revokeBatch(AGENCY_A, other.root, Reason.keyCompromise);
      expect((await ledger.batchRevocation(AGENCY_A, other.root)).actor).to.equal(officerA2.address);

      await registry.connect(adminA).declareOfficerCompromised(officerA2.address, stolenAt);
      await expect(
        ledger.connect(governance).restoreCertificate(AGENCY_A, batch.root, leaf, index, proof, officerA2.address),
      )
        .to.emit(ledger, "CertificateRestored")
        .withArgs(leaf, batch.root, governance.address, AGENCY_A, index, officerA2.address);
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([LeafStatus.Active, 0n]);
      await expect(ledger.connect(governance).restoreBatch(AGENCY_A, other.root))
        .to.emit(ledger, "BatchRestored")
        .withArgs(other.root, AGENCY_A, governance.address, officerA2.address);
      expect(await ledger.batchRevocation(AGENCY_A, other.root)).to.deep.equal([0n, 0n, ZeroAddress]);
    });

    it("refuses to restore what the key did before its compromise time, what governance did, and for anyone but governance", async () => {
      const { ledger, registry, governance, adminA, officerA, officerA2 } = await networkHelpers.loadFixture(anchored);
      const other = new Batch("revoked before the theft", 4);
      await ledger.connect(officerA2).anchor(other.root, DIPLOMA, other.size);
      await ledger.connect(officerA2).revokeBatch(AGENCY_A, other.root, Reason.superseded);
      const byGovernance = batch.certificate(5);
      await ledger
        .connect(governance)
        .revoke(batch.root, byGovernance.leaf, statusTarget(AGENCY_A, byGovernance.index, 0), byGovernance.proof);
      const byHonestKey = batch.certificate(6);
      await ledger
        .connect(officerA)
        .revoke(batch.root, byHonestKey.leaf, statusTarget(AGENCY_A, byHonestKey.index, 0), byHonestKey.proof);
      await networkHelpers.time.increase(3600);
      await registry
        .connect(adminA)
        .declareOfficerCompromised(officerA2.address, (await networkHelpers.time.latest()) - 60);

      await expect(ledger.connect(governance).restoreBatch(AGENCY_A, other.root))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerNotRestorable")
        .withArgs(other.root, officerA2.address);
      const { leaf, index, proof } = byGovernance;
      await expect(
        ledger.connect(governance).restoreCertificate(AGENCY_A, batch.root, leaf, index, proof, officerA2.address),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerNotRestorable")
        .withArgs(batch.root, officerA2.address);
      // officerA is not declared compromised: its revocation stands.
      await expect(
        ledger
          .connect(governance)
          .restoreCertificate(
            AGENCY_A,
            batch.root,
            byHonestKey.leaf,
            byHonestKey.index,
            byHonestKey.proof,
            officerA.address,
          ),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerNotRestorable");
      await expect(ledger.connect(adminA).restoreBatch(AGENCY_A, other.root))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(adminA.address, await registry.GOVERNANCE_ROLE());
    });
  });

  it("2. restoration refuses unknown batches, batches not revoked, indices outside the batch and forged proofs", async () => {
    const { ledger, registry, governance, adminA, officerA2 } = await networkHelpers.loadFixture(anchored);
    const { leaf, index, proof } = batch.certificate(1);
    await ledger
      .connect(officerA2)
      .revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof);
    await registry.connect(adminA).declareOfficerCompromised(officerA2.address, await networkHelpers.time.latest());
    const asGovernance = ledger.connect(governance);
    const unknown = new Batch("never anchored", 2).root;
    await expect(asGovernance.restoreBatch(AGENCY_A, unknown))
      .to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot")
      .withArgs(unknown);
    await expect(asGovernance.restoreBatch(AGENCY_A, batch.root))
      .to.be.revertedWithCustomError(ledger, "CertificateLedgerNotRestorable")
      .withArgs(batch.root, ZeroAddress);
    await expect(asGovernance.restoreCertificate(AGENCY_A, batch.root, leaf, batch.size, proof, officerA2.address))
      .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidIndex")
      .withArgs(batch.root, batch.size);
    const forged = batch.certificate(2).leaf;
    await expect(asGovernance.restoreCertificate(AGENCY_A, batch.root, forged, index, proof, officerA2.address))
      .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidProof")
      .withArgs(batch.root, forged);
  });

  describe("3. one admin key cannot void a whole history", () => {
    it("refuses a compromise time before the key's registration, from governance too", async () => {
      const { registry, adminA, officerA } = await networkHelpers.loadFixture(anchored);
      const addedAt = Number((await registry.officer(officerA.address)).addedAt);
      for (const since of [1, addedAt - 1]) {
        await expect(registry.declareOfficerCompromised(officerA.address, since))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidCompromiseTime")
          .withArgs(officerA.address, since);
      }
      await expect(registry.connect(adminA).declareOfficerCompromised(officerA.address, addedAt)).to.emit(
        registry,
        "OfficerCompromised",
      );
    });

    it("lets an agency admin go back no further than the window; governance may", async () => {
      const { registry, adminA, officerA } = await networkHelpers.loadFixture(anchored);
      await networkHelpers.time.increase(COMPROMISE_WINDOW + DAY);
      const addedAt = Number((await registry.officer(officerA.address)).addedAt);
      const sent = registry.connect(adminA).declareOfficerCompromised(officerA.address, addedAt);
      await expect(sent).to.be.revertedWithCustomError(registry, "AgencyRegistryCompromiseBeyondWindow");
      await expect(registry.declareOfficerCompromised(officerA.address, addedAt))
        .to.emit(registry, "OfficerCompromised")
        .withArgs(AGENCY_A, officerA.address, addedAt, await registry.defaultAdmin());
    });
  });

  describe("4. status authority has a hierarchy", () => {
    it("refuses a suspended agency's officer, even to lift a hold", async () => {
      const { ledger, registry, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(2);
      await ledger
        .connect(officerA)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Suspended);
      await expect(ledger.connect(officerA).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryAgencyNotActive")
        .withArgs(AGENCY_A, AgencyStatus.Suspended);
    });

    it("lets only governance lift a hold governance placed", async () => {
      const { ledger, governance, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(4);
      await ledger
        .connect(governance)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      expect((await ledger.verifyLeaf(AGENCY_A, batch.root, leaf, index, proof)).statusByGovernance).to.be.true;
      await expect(ledger.connect(officerA).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerHeldByGovernance")
        .withArgs(leaf);
      await expect(
        ledger.connect(governance).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof),
      ).to.emit(ledger, "CertificateReinstated");
    });
  });

  describe("5. binding a key to an agency needs the key's own consent", () => {
    it("refuses A's admin binding a key that consented to B, or did not consent at all", async () => {
      const { registry, adminA, adminB } = await networkHelpers.loadFixture(anchored);
      const fresh = ethers.Wallet.createRandom(ethers.provider);
      const now = await networkHelpers.time.latest();
      const forB = await officerConsent(registry, fresh, AGENCY_B, now);
      // A's admin front-runs B's addOfficer with B's consent signature: it names agency B.
      await expect(registry.connect(adminA).addOfficer(AGENCY_A, fresh.address, forB.deadline, forB.signature))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidConsent")
        .withArgs(fresh.address);
      const byAdmin = await officerConsent(registry, adminA, AGENCY_A, now);
      await expect(registry.connect(adminA).addOfficer(AGENCY_A, fresh.address, byAdmin.deadline, byAdmin.signature))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidConsent")
        .withArgs(fresh.address);
      await expect(registry.connect(adminB).addOfficer(AGENCY_B, fresh.address, forB.deadline, forB.signature))
        .to.emit(registry, "OfficerAdded")
        .withArgs(AGENCY_B, fresh.address, adminB.address);
    });

    it("refuses an expired consent", async () => {
      const { registry, adminB } = await networkHelpers.loadFixture(anchored);
      const fresh = ethers.Wallet.createRandom(ethers.provider);
      const consent = await officerConsent(registry, fresh, AGENCY_B, await networkHelpers.time.latest());
      await networkHelpers.time.increaseTo(consent.deadline + 1);
      await expect(registry.connect(adminB).addOfficer(AGENCY_B, fresh.address, consent.deadline, consent.signature))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryConsentExpired")
        .withArgs(fresh.address, consent.deadline);
    });
  });

  it("7. a batch anchored after 2106 still reads as after its officer's compromise time", async () => {
    const { ledger, registry, officerA } = await networkHelpers.loadFixture(agencies);
    const after2106 = 2 ** 32 + 1000;
    await networkHelpers.time.setNextBlockTimestamp(after2106);
    await ledger.connect(officerA).anchor(batch.root, DIPLOMA, batch.size);
    expect((await ledger.batch(AGENCY_A, batch.root)).anchoredAt).to.equal(BigInt(after2106));
    await registry.declareOfficerCompromised(officerA.address, after2106 - 10);
    const { leaf, index, proof } = batch.certificate(0);
    expect((await ledger.verifyLeaf(AGENCY_A, batch.root, leaf, index, proof)).issuerAuthorized).to.be.false;
  });

  it("8. governance moves in two steps after a delay, and cannot be taken by another holder", async () => {
    const { registry, governance, adminA, stranger } = await networkHelpers.loadFixture(agencies);
    const role = await registry.GOVERNANCE_ROLE();
    await expect(registry.grantRole(role, stranger.address)).to.be.revertedWithCustomError(
      registry,
      "AccessControlEnforcedDefaultAdminRules",
    );
    await registry.beginDefaultAdminTransfer(stranger.address);
    await expect(registry.connect(stranger).acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(
      registry,
      "AccessControlEnforcedDefaultAdminDelay",
    );
    await networkHelpers.time.increase(GOVERNANCE_TRANSFER_DELAY + 1);
    await registry.connect(stranger).acceptDefaultAdminTransfer();
    expect(await registry.hasRole(role, stranger.address)).to.be.true;
    expect(await registry.hasRole(role, governance.address)).to.be.false;
    await expect(addOfficer(registry, governance, AGENCY_A, adminA)).to.be.revertedWithCustomError(
      registry,
      "AgencyRegistryNotAgencyAdmin",
    );
  });

  it("9. every error a ledger call can raise is declared in the interfaces clients decode with", async () => {
    const ledgerErrors = ICertificateLedger__factory.createInterface();
    const registryErrors = IAgencyRegistry__factory.createInterface();
    expect(ledgerErrors.getError("MerkleProofInvalidMultiproof")).to.not.equal(null);
    const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
    const many = batch.many([1, 2, 3]);
    const data = await ledger
      .connect(officerA)
      .revokeMany.staticCall(AGENCY_A, batch.root, { ...many, proof: many.proof.slice(1) }, 0)
      .catch((error: unknown) => (error as { data?: string }).data);
    expect(ledgerErrors.parseError(data ?? "0x")?.name).to.equal("MerkleProofInvalidMultiproof");
    // The registry's errors reach ledger callers unchanged (bubbled): the registry interface names them.
    expect(registryErrors.getError("AgencyRegistryAgencyNotActive")).to.not.equal(null);
  });
});
