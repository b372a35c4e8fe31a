import { expect } from "chai";
import { ZeroAddress, ZeroHash, id } from "ethers";
import { network } from "hardhat";
import {
  AGENCY_A,
  AgencyStatus,
  BEIJING,
  Batch,
  DIPLOMA,
  LICENCE,
  LeafStatus,
  Reason,
  deployWithAgencies,
  metadataHash,
} from "./fixtures.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";

const { ethers, networkHelpers } = await network.create();
const early = new Batch("early", 20);
const late = new Batch("late", 20);
const HOUR = 3600;

/** officerA anchored `early`, then an hour later `late`. */
async function twoBatches() {
  const deployed = await deployWithAgencies(ethers);
  const asA = deployed.ledger.connect(deployed.officerA);
  await asA.anchor(early.root, LICENCE, early.size);
  const earlyAt = await networkHelpers.time.latest();
  await networkHelpers.time.increase(HOUR);
  await asA.anchor(late.root, DIPLOMA, late.size);
  const lateAt = await networkHelpers.time.latest();
  return { ...deployed, earlyAt, lateAt };
}

describe("CertificateLedger: verifyLeaf", () => {
  it("answers everything a verifier needs about a valid certificate", async () => {
    const { ledger, officerA, earlyAt } = await networkHelpers.loadFixture(twoBatches);
    const { leaf, index, proof } = early.certificate(4);
    const v = await ledger.verifyLeaf(AGENCY_A, early.root, leaf, index, proof);
    expect(v.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
    expect(v.anchored).to.be.true;
    expect(v.proofValid).to.be.true;
    expect(v.batch.officer).to.equal(officerA.address);
    expect(v.batch.agencyId).to.equal(BigInt(AGENCY_A));
    expect(v.batch.anchoredAt).to.equal(BigInt(earlyAt));
    expect(v.batch.typeId).to.equal(BigInt(LICENCE));
    expect(v.batch.size).to.equal(BigInt(early.size));
    expect(v.batchRevokedAt).to.equal(0n);
    expect(v.batchRevocationReason).to.equal(0n);
    expect(v.status).to.equal(LeafStatus.Active);
    expect(v.reason).to.equal(0n);
    expect(v.agencyStatus).to.equal(AgencyStatus.Active);
    expect(v.jurisdiction).to.equal(BigInt(BEIJING));
    expect(v.agencyMetadataHash).to.equal(metadataHash(AGENCY_A));
    expect(v.issuerAuthorized).to.be.true;
    expect(v.officerCompromisedSince).to.equal(0n);
  });

  it("answers, without reverting, that an unknown root is not anchored", async () => {
    const { ledger } = await networkHelpers.loadFixture(twoBatches);
    const { leaf, index, proof } = early.certificate(4);
    const v = await ledger.verifyLeaf(AGENCY_A, id("unknown"), leaf, index, proof);
    expect(v.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
    expect(v.anchored).to.be.false;
    expect(v.proofValid).to.be.false;
    expect(v.batch.officer).to.equal(ZeroAddress);
    expect(v.agencyStatus).to.equal(AgencyStatus.None);
    expect(v.issuerAuthorized).to.be.false;
    expect((await ledger.verifyLeaf(AGENCY_A, ZeroHash, ZeroHash, 0, [])).anchored).to.be.false;
  });

  it("answers proofValid false for a forged leaf, a wrong index, a foreign proof or an index outside the batch", async () => {
    const { ledger } = await networkHelpers.loadFixture(twoBatches);
    const genuine = early.certificate(4);
    const foreign = late.certificate(4);
    const attempts: [string, bigint, string[]][] = [
      [id("forged"), genuine.index, genuine.proof],
      [genuine.leaf, genuine.index + 1n, genuine.proof],
      [genuine.leaf, genuine.index, []],
      [foreign.leaf, foreign.index, foreign.proof],
      [genuine.leaf, 2n ** 256n - 1n, genuine.proof],
    ];
    for (const [leaf, index, proof] of attempts) {
      const v = await ledger.verifyLeaf(AGENCY_A, early.root, leaf, index, proof);
      expect(v.anchored).to.be.true;
      expect(v.proofValid).to.be.false;
      expect(v.status).to.equal(LeafStatus.Active);
    }
  });

  it("reports suspension and revocation with their reasons", async () => {
    const { ledger, officerA } = await networkHelpers.loadFixture(twoBatches);
    const held = early.certificate(1);
    const gone = early.certificate(2);
    await ledger
      .connect(officerA)
      .suspend(early.root, held.leaf, statusTarget(AGENCY_A, held.index, Reason.certificateHold), held.proof);
    await ledger
      .connect(officerA)
      .revoke(early.root, gone.leaf, statusTarget(AGENCY_A, gone.index, Reason.keyCompromise), gone.proof);
    const suspended = await ledger.verifyLeaf(AGENCY_A, early.root, held.leaf, held.index, held.proof);
    expect([suspended.status, suspended.reason]).to.deep.equal([LeafStatus.Suspended, BigInt(Reason.certificateHold)]);
    const revoked = await ledger.verifyLeaf(AGENCY_A, early.root, gone.leaf, gone.index, gone.proof);
    expect([revoked.status, revoked.reason]).to.deep.equal([LeafStatus.Revoked, BigInt(Reason.keyCompromise)]);
    expect(revoked.proofValid).to.be.true;
  });

  it("reports a batch revocation with its time and reason", async () => {
    const { ledger, governance } = await networkHelpers.loadFixture(twoBatches);
    await ledger.connect(governance).revokeBatch(AGENCY_A, late.root, Reason.aACompromise);
    const at = BigInt(await networkHelpers.time.latest());
    const { leaf, index, proof } = late.certificate(0);
    const v = await ledger.verifyLeaf(AGENCY_A, late.root, leaf, index, proof);
    expect(v.batchRevokedAt).to.equal(at);
    expect(v.batchRevocationReason).to.equal(BigInt(Reason.aACompromise));
    expect(v.batch.typeId).to.equal(BigInt(DIPLOMA));
    expect(v.proofValid).to.be.true;
  });

  it("reports the agency's current status and metadata", async () => {
    const { ledger, registry } = await networkHelpers.loadFixture(twoBatches);
    await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Suspended);
    await registry.setAgencyMetadata(AGENCY_A, id("moved"));
    const { leaf, index, proof } = early.certificate(0);
    const v = await ledger.verifyLeaf(AGENCY_A, early.root, leaf, index, proof);
    expect(v.agencyStatus).to.equal(AgencyStatus.Suspended);
    expect(v.agencyMetadataHash).to.equal(id("moved"));
  });

  it("keeps a removed officer's batches valid", async () => {
    const { ledger, registry, adminA, officerA } = await networkHelpers.loadFixture(twoBatches);
    await registry.connect(adminA).removeOfficer(officerA.address);
    const { leaf, index, proof } = late.certificate(0);
    expect((await ledger.verifyLeaf(AGENCY_A, late.root, leaf, index, proof)).issuerAuthorized).to.be.true;
  });

  describe("officer compromised since T", () => {
    it("voids batches anchored at or after T and keeps earlier ones", async () => {
      const { ledger, registry, adminA, officerA, lateAt } = await networkHelpers.loadFixture(twoBatches);
      await registry.connect(adminA).declareOfficerCompromised(officerA.address, lateAt - HOUR / 2);
      const before = early.certificate(3);
      const after = late.certificate(3);
      const earlier = await ledger.verifyLeaf(AGENCY_A, early.root, before.leaf, before.index, before.proof);
      const later = await ledger.verifyLeaf(AGENCY_A, late.root, after.leaf, after.index, after.proof);
      expect(earlier.issuerAuthorized).to.be.true;
      expect(later.issuerAuthorized).to.be.false;
      for (const v of [earlier, later]) expect(v.officerCompromisedSince).to.equal(BigInt(lateAt - HOUR / 2));
      expect(later.proofValid).to.be.true;
    });

    it("voids a batch anchored exactly at T", async () => {
      const { ledger, registry, officerA, lateAt } = await networkHelpers.loadFixture(twoBatches);
      await registry.declareOfficerCompromised(officerA.address, lateAt);
      const { leaf, index, proof } = late.certificate(0);
      expect((await ledger.verifyLeaf(AGENCY_A, late.root, leaf, index, proof)).issuerAuthorized).to.be.false;
      const first = early.certificate(0);
      expect((await ledger.verifyLeaf(AGENCY_A, early.root, first.leaf, first.index, first.proof)).issuerAuthorized).to
        .be.true;
    });

    it("voids earlier batches too once T moves earlier", async () => {
      const { ledger, registry, officerA, earlyAt, lateAt } = await networkHelpers.loadFixture(twoBatches);
      await registry.declareOfficerCompromised(officerA.address, lateAt);
      await registry.declareOfficerCompromised(officerA.address, earlyAt);
      const { leaf, index, proof } = early.certificate(0);
      expect((await ledger.verifyLeaf(AGENCY_A, early.root, leaf, index, proof)).issuerAuthorized).to.be.false;
    });

    it("leaves other officers' batches alone", async () => {
      const { ledger, registry, officerA, officerA2, lateAt } = await networkHelpers.loadFixture(twoBatches);
      const third = new Batch("third", 4);
      await ledger.connect(officerA2).anchor(third.root, DIPLOMA, third.size);
      await registry.declareOfficerCompromised(officerA.address, lateAt);
      const { leaf, index, proof } = third.certificate(1);
      const v = await ledger.verifyLeaf(AGENCY_A, third.root, leaf, index, proof);
      expect(v.issuerAuthorized).to.be.true;
      expect(v.officerCompromisedSince).to.equal(0n);
    });
  });
});
