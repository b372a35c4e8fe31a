import { expect } from "chai";
import { ZeroAddress, id } from "ethers";
import { network } from "hardhat";
import {
  AGENCY_A,
  AgencyStatus,
  Batch,
  DIPLOMA,
  LICENCE,
  LeafStatus,
  Reason,
  VALID_REASONS,
  deployWithAgencies,
} from "./fixtures.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";

const { ethers, networkHelpers } = await network.create();
// 70 certificates: three status words (32 per word), so word boundaries are exercised.
const batch = new Batch("status", 70);
const other = new Batch("other", 70);

/** Agency A's officer anchored `batch` (licences) and `other`; agency B exists beside it. */
async function anchored() {
  const deployed = await deployWithAgencies(ethers);
  await deployed.ledger.connect(deployed.officerA).anchor(batch.root, LICENCE, batch.size);
  await deployed.ledger.connect(deployed.officerA).anchor(other.root, DIPLOMA, other.size);
  return deployed;
}

describe("CertificateLedger: status of certificates", () => {
  describe("revoke", () => {
    it("revokes with a reason and emits CertificateRevoked", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(33);
      await expect(
        ledger.connect(officerA).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.superseded), proof),
      )
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(leaf, batch.root, officerA.address, statusTarget(AGENCY_A, index, Reason.superseded));
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
        LeafStatus.Revoked,
        BigInt(Reason.superseded),
      ]);
    });

    it("leaves every other certificate's status alone, across word boundaries", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const touched = [0, 31, 32, 63, 64, 69];
      for (const i of touched) {
        const { leaf, index, proof } = batch.certificate(i);
        await ledger
          .connect(officerA)
          .revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.aACompromise), proof);
      }
      for (let i = 0; i < batch.size; i++) {
        const expected = touched.includes(i)
          ? [LeafStatus.Revoked, BigInt(Reason.aACompromise)]
          : [LeafStatus.Active, 0n];
        expect(await ledger.leafStatus(AGENCY_A, batch.root, i)).to.deep.equal(expected);
      }
      expect(await ledger.leafStatus(AGENCY_A, other.root, 0)).to.deep.equal([LeafStatus.Active, 0n]);
    });

    it("accepts every RFC 5280 reason code", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      for (const reason of VALID_REASONS) {
        const { leaf, index, proof } = batch.certificate(reason + 20);
        await ledger.connect(officerA).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, reason), proof);
        expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
          LeafStatus.Revoked,
          BigInt(reason),
        ]);
      }
    });

    for (const reason of [7, 11, 15, 255]) {
      it(`refuses reason code ${reason}`, async () => {
        const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
        const { leaf, index, proof } = batch.certificate(1);
        await expect(ledger.connect(officerA).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, reason), proof))
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidReason")
          .withArgs(reason);
      });
    }

    it("lets any active officer of the issuing agency revoke", async () => {
      const { ledger, officerA2 } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(2);
      await expect(
        ledger.connect(officerA2).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof),
      )
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(leaf, batch.root, officerA2.address, statusTarget(AGENCY_A, index, Reason.keyCompromise));
    });

    it("refuses the officers of a suspended or retired agency; governance still acts", async () => {
      const { ledger, registry, officerA, governance } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(3);
      for (const status of [AgencyStatus.Suspended, AgencyStatus.Retired]) {
        await registry.setAgencyStatus(AGENCY_A, status);
        await expect(
          ledger.connect(officerA).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.unspecified), proof),
        )
          .to.be.revertedWithCustomError(registry, "AgencyRegistryAgencyNotActive")
          .withArgs(AGENCY_A, status);
      }
      await expect(
        ledger.connect(governance).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.unspecified), proof),
      ).to.emit(ledger, "CertificateRevoked");
    });

    it("lets governance revoke in an emergency", async () => {
      const { ledger, governance } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(5);
      await expect(
        ledger.connect(governance).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof),
      )
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(leaf, batch.root, governance.address, statusTarget(AGENCY_A, index, Reason.keyCompromise));
    });

    it("refuses another agency's officer, removed officers, admins and strangers", async () => {
      const { ledger, registry, adminA, officerA2, officerB, stranger } = await networkHelpers.loadFixture(anchored);
      await registry.connect(adminA).removeOfficer(officerA2.address);
      const { leaf, index, proof } = batch.certificate(6);
      for (const account of [officerB, officerA2, adminA, stranger]) {
        await expect(
          ledger.connect(account).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof),
        )
          .to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority")
          .withArgs(account.address, AGENCY_A);
      }
    });

    it("refuses an unknown root", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(7);
      await expect(
        ledger
          .connect(officerA)
          .revoke(id("unknown"), leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot")
        .withArgs(id("unknown"));
    });

    it("refuses an index outside the batch", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, proof } = batch.certificate(8);
      for (const index of [BigInt(batch.size), 2n ** 32n - 1n]) {
        await expect(
          ledger.connect(officerA).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof),
        )
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidIndex")
          .withArgs(batch.root, index);
      }
    });

    it("refuses a target word with bits above the agency id, and a reason code when reinstating", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(1);
      const dirty = statusTarget(AGENCY_A, index, Reason.keyCompromise) | (1n << 72n);
      await expect(ledger.connect(officerA).revoke(batch.root, leaf, dirty, proof))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTarget")
        .withArgs(dirty);
      await ledger
        .connect(officerA)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      await expect(
        ledger
          .connect(officerA)
          .reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.removeFromCRL), proof),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidReason")
        .withArgs(Reason.removeFromCRL);
    });

    it("refuses a leaf, index or proof that the batch does not prove", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const genuine = batch.certificate(9);
      const foreign = other.certificate(9);
      const attempts: [string, bigint, string[]][] = [
        [id("forged"), genuine.index, genuine.proof],
        [genuine.leaf, genuine.index + 1n, genuine.proof],
        [genuine.leaf, genuine.index, genuine.proof.slice(1)],
        [foreign.leaf, foreign.index, foreign.proof],
      ];
      for (const [leaf, index, proof] of attempts) {
        await expect(
          ledger.connect(officerA).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof),
        )
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidProof")
          .withArgs(batch.root, leaf);
      }
    });

    it("is final: revoked twice, suspended or reinstated, it stays revoked", async () => {
      const { ledger, officerA, governance } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(10);
      await ledger
        .connect(officerA)
        .revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.keyCompromise), proof);
      for (const actor of [officerA, governance]) {
        await expect(
          ledger.connect(actor).revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.superseded), proof),
        )
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
          .withArgs(leaf, LeafStatus.Revoked, LeafStatus.Revoked);
        await expect(
          ledger.connect(actor).suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof),
        )
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
          .withArgs(leaf, LeafStatus.Revoked, LeafStatus.Suspended);
        await expect(ledger.connect(actor).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof))
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
          .withArgs(leaf, LeafStatus.Revoked, LeafStatus.Active);
      }
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
        LeafStatus.Revoked,
        BigInt(Reason.keyCompromise),
      ]);
    });

    it("revokes a suspended certificate, replacing the reason", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(11);
      await ledger
        .connect(officerA)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      await expect(
        ledger
          .connect(officerA)
          .revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.affiliationChanged), proof),
      )
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(leaf, batch.root, officerA.address, statusTarget(AGENCY_A, index, Reason.affiliationChanged));
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
        LeafStatus.Revoked,
        BigInt(Reason.affiliationChanged),
      ]);
    });

    it("works on a one-certificate batch with an empty proof", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const single = new Batch("single", 1);
      await ledger.connect(officerA).anchor(single.root, DIPLOMA, 1);
      const { leaf, index, proof } = single.certificate(0);
      expect(proof).to.deep.equal([]);
      await expect(
        ledger.connect(officerA).revoke(single.root, leaf, statusTarget(AGENCY_A, index, Reason.superseded), proof),
      ).to.emit(ledger, "CertificateRevoked");
    });
  });

  describe("suspend", () => {
    it("suspends an active certificate and emits CertificateSuspended", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(12);
      await expect(
        ledger
          .connect(officerA)
          .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof),
      )
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(leaf, batch.root, officerA.address, statusTarget(AGENCY_A, index, Reason.certificateHold));
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
        LeafStatus.Suspended,
        BigInt(Reason.certificateHold),
      ]);
    });

    it("refuses a suspended certificate", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(13);
      await ledger
        .connect(officerA)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      await expect(
        ledger
          .connect(officerA)
          .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
        .withArgs(leaf, LeafStatus.Suspended, LeafStatus.Suspended);
    });

    it("checks reason, root, index, authority and proof like revoke", async () => {
      const { ledger, registry, officerA, officerB } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(14);
      const asA = ledger.connect(officerA);
      await expect(
        asA.suspend(batch.root, leaf, statusTarget(AGENCY_A, index, 7), proof),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidReason");
      await expect(
        asA.suspend(id("unknown"), leaf, statusTarget(AGENCY_A, index, 6), proof),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot");
      await expect(asA.suspend(batch.root, leaf, statusTarget(AGENCY_A, 70, 6), proof)).to.be.revertedWithCustomError(
        ledger,
        "CertificateLedgerInvalidIndex",
      );
      await expect(
        ledger.connect(officerB).suspend(batch.root, leaf, statusTarget(AGENCY_A, index, 6), proof),
      ).to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority");
      await expect(
        asA.suspend(batch.root, id("forged"), statusTarget(AGENCY_A, index, 6), proof),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidProof");
    });
  });

  describe("reinstate", () => {
    it("lifts a suspension and emits CertificateReinstated", async () => {
      const { ledger, officerA, officerA2 } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(15);
      await ledger
        .connect(officerA)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      await expect(ledger.connect(officerA2).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(leaf, batch.root, officerA2.address, statusTarget(AGENCY_A, index));
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([LeafStatus.Active, 0n]);
    });

    it("refuses an active certificate", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(16);
      await expect(ledger.connect(officerA).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
        .withArgs(leaf, LeafStatus.Active, LeafStatus.Active);
    });

    it("refuses another agency's officer; governance may", async () => {
      const { ledger, registry, officerA, officerB, governance } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(17);
      await ledger
        .connect(officerA)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      await expect(ledger.connect(officerB).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority")
        .withArgs(officerB.address, AGENCY_A);
      await expect(ledger.connect(governance).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(leaf, batch.root, governance.address, statusTarget(AGENCY_A, index));
    });
  });

  describe("leafStatus", () => {
    it("refuses unknown roots and indices outside the batch", async () => {
      const { ledger } = await networkHelpers.loadFixture(anchored);
      await expect(ledger.leafStatus(AGENCY_A, id("unknown"), 0))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot")
        .withArgs(id("unknown"));
      await expect(ledger.leafStatus(AGENCY_A, batch.root, batch.size))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidIndex")
        .withArgs(batch.root, batch.size);
    });
  });

  describe("revokeBatch", () => {
    it("revokes the whole batch and emits BatchRevoked", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      await expect(ledger.connect(officerA).revokeBatch(AGENCY_A, batch.root, Reason.keyCompromise))
        .to.emit(ledger, "BatchRevoked")
        .withArgs(batch.root, AGENCY_A, officerA.address, Reason.keyCompromise);
      const at = BigInt(await networkHelpers.time.latest());
      expect(await ledger.batchRevocation(AGENCY_A, batch.root)).to.deep.equal([
        at,
        BigInt(Reason.keyCompromise),
        officerA.address,
      ]);
      // The batch record itself is unchanged: the revocation flag never shows in the type id.
      const record = await ledger.batch(AGENCY_A, batch.root);
      expect(record.typeId).to.equal(BigInt(LICENCE));
      expect(record.size).to.equal(BigInt(batch.size));
      expect(await ledger.batchRevocation(AGENCY_A, other.root)).to.deep.equal([0n, 0n, ZeroAddress]);
    });

    it("lets governance revoke a batch in an emergency", async () => {
      const { ledger, governance } = await networkHelpers.loadFixture(anchored);
      await expect(ledger.connect(governance).revokeBatch(AGENCY_A, batch.root, Reason.unspecified))
        .to.emit(ledger, "BatchRevoked")
        .withArgs(batch.root, AGENCY_A, governance.address, Reason.unspecified);
    });

    it("is final: no second batch revocation, no per-certificate change afterwards", async () => {
      const { ledger, officerA, governance } = await networkHelpers.loadFixture(anchored);
      const { leaf, index, proof } = batch.certificate(18);
      await ledger
        .connect(officerA)
        .suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof);
      await ledger.connect(officerA).revokeBatch(AGENCY_A, batch.root, Reason.keyCompromise);
      const many = batch.many([19, 20]);
      const asA = ledger.connect(officerA);
      const attempts = [
        () => ledger.connect(governance).revokeBatch(AGENCY_A, batch.root, Reason.superseded),
        () => asA.revoke(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.superseded), proof),
        () => asA.suspend(batch.root, leaf, statusTarget(AGENCY_A, index, Reason.certificateHold), proof),
        () => asA.reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof),
        () => asA.revokeMany(AGENCY_A, batch.root, many, Reason.superseded),
        () => asA.suspendMany(AGENCY_A, batch.root, many, 6),
        () => asA.reinstateMany(AGENCY_A, batch.root, many),
      ];
      for (const attempt of attempts) {
        await expect(attempt())
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerBatchRevoked")
          .withArgs(batch.root);
      }
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
        LeafStatus.Suspended,
        BigInt(Reason.certificateHold),
      ]);
    });

    it("refuses invalid reasons, unknown roots and other agencies", async () => {
      const { ledger, registry, officerA, officerB } = await networkHelpers.loadFixture(anchored);
      await expect(ledger.connect(officerA).revokeBatch(AGENCY_A, batch.root, 7))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidReason")
        .withArgs(7);
      await expect(ledger.connect(officerA).revokeBatch(AGENCY_A, id("unknown"), Reason.keyCompromise))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot")
        .withArgs(id("unknown"));
      await expect(ledger.connect(officerB).revokeBatch(AGENCY_A, batch.root, Reason.keyCompromise))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority")
        .withArgs(officerB.address, AGENCY_A);
    });
  });
});
