import { expect } from "chai";
import { ZeroAddress, ZeroHash, id } from "ethers";
import { network } from "hardhat";
import {
  AGENCY_A,
  AGENCY_B,
  AgencyStatus,
  Batch,
  DIPLOMA,
  LICENCE,
  UNDEFINED_TYPE,
  deployWithAgencies,
} from "./fixtures.ts";

const { ethers, networkHelpers } = await network.create();
const batch = new Batch("anchor", 8);

async function agencies() {
  return deployWithAgencies(ethers);
}

describe("CertificateLedger: deployment and anchor", () => {
  describe("anchor", () => {
    it("records the batch and emits BatchAnchored", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(agencies);
      await expect(ledger.connect(officerA).anchor(batch.root, LICENCE, batch.size))
        .to.emit(ledger, "BatchAnchored")
        .withArgs(batch.root, AGENCY_A, officerA.address, LICENCE, batch.size);
      const record = await ledger.batch(AGENCY_A, batch.root);
      expect(record.officer).to.equal(officerA.address);
      expect(record.agencyId).to.equal(BigInt(AGENCY_A));
      expect(record.anchoredAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(record.typeId).to.equal(BigInt(LICENCE));
      expect(record.size).to.equal(BigInt(batch.size));
    });

    it("accepts the largest batch size", async () => {
      const { ledger, officerB } = await networkHelpers.loadFixture(agencies);
      await ledger.connect(officerB).anchor(batch.root, DIPLOMA, 2 ** 24 - 1);
      expect((await ledger.batch(AGENCY_B, batch.root)).size).to.equal(BigInt(2 ** 24 - 1));
    });

    it("answers an empty record for an unknown root", async () => {
      const { ledger } = await networkHelpers.loadFixture(agencies);
      const record = await ledger.batch(AGENCY_A, batch.root);
      expect(record.officer).to.equal(ZeroAddress);
      expect(record.size).to.equal(0n);
    });

    it("refuses the zero root", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(agencies);
      await expect(ledger.connect(officerA).anchor(ZeroHash, DIPLOMA, 1)).to.be.revertedWithCustomError(
        ledger,
        "CertificateLedgerZeroRoot",
      );
    });

    it("refuses an empty batch", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(agencies);
      await expect(ledger.connect(officerA).anchor(batch.root, DIPLOMA, 0))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSize")
        .withArgs(0);
    });

    it("refuses a root its agency anchored before, from any of the agency's officers", async () => {
      const { ledger, officerA, officerA2 } = await networkHelpers.loadFixture(agencies);
      await ledger.connect(officerA).anchor(batch.root, DIPLOMA, batch.size);
      for (const officer of [officerA, officerA2]) {
        await expect(ledger.connect(officer).anchor(batch.root, DIPLOMA, batch.size))
          .to.be.revertedWithCustomError(ledger, "CertificateLedgerRootExists")
          .withArgs(batch.root);
      }
    });

    it("refuses accounts that are not officers, governance included", async () => {
      const { ledger, registry, governance, adminA, stranger } = await networkHelpers.loadFixture(agencies);
      for (const account of [governance, adminA, stranger]) {
        await expect(ledger.connect(account).anchor(batch.root, DIPLOMA, batch.size))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownOfficer")
          .withArgs(account.address);
      }
    });

    it("refuses removed and compromised officers", async () => {
      const { ledger, registry, adminA, officerA, officerA2 } = await networkHelpers.loadFixture(agencies);
      await registry.connect(adminA).removeOfficer(officerA.address);
      await registry.connect(adminA).declareOfficerCompromised(officerA2.address, await networkHelpers.time.latest());
      for (const officer of [officerA, officerA2]) {
        await expect(ledger.connect(officer).anchor(batch.root, DIPLOMA, batch.size))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryOfficerNotActive")
          .withArgs(officer.address);
      }
    });

    for (const status of [AgencyStatus.Suspended, AgencyStatus.Retired]) {
      it(`refuses officers of a ${status === AgencyStatus.Suspended ? "suspended" : "retired"} agency`, async () => {
        const { ledger, registry, officerA } = await networkHelpers.loadFixture(agencies);
        await registry.setAgencyStatus(AGENCY_A, status);
        await expect(ledger.connect(officerA).anchor(batch.root, DIPLOMA, batch.size))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryAgencyNotActive")
          .withArgs(AGENCY_A, status);
      });
    }

    it("anchors again once a suspended agency is reactivated", async () => {
      const { ledger, registry, officerA } = await networkHelpers.loadFixture(agencies);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Suspended);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Active);
      await expect(ledger.connect(officerA).anchor(batch.root, DIPLOMA, batch.size)).to.emit(ledger, "BatchAnchored");
    });

    it("refuses types the agency may not issue", async () => {
      const { ledger, registry, officerB } = await networkHelpers.loadFixture(agencies);
      for (const typeId of [LICENCE, UNDEFINED_TYPE, 200]) {
        await expect(ledger.connect(officerB).anchor(batch.root, typeId, batch.size))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryTypeNotAuthorized")
          .withArgs(AGENCY_B, typeId);
      }
    });

    it("follows changes of an agency's authorised types", async () => {
      const { ledger, registry, officerB } = await networkHelpers.loadFixture(agencies);
      await registry.setAgencyCertificateTypes(AGENCY_B, 1n << BigInt(LICENCE));
      await expect(ledger.connect(officerB).anchor(batch.root, DIPLOMA, batch.size)).to.be.revertedWithCustomError(
        registry,
        "AgencyRegistryTypeNotAuthorized",
      );
      await expect(ledger.connect(officerB).anchor(id("other"), LICENCE, 1)).to.emit(ledger, "BatchAnchored");
    });
  });
});
