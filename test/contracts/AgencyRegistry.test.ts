import { expect } from "chai";
import { AbiCoder, ZeroAddress, ZeroHash, id, keccak256 } from "ethers";
import { network } from "hardhat";
import {
  AGENCY_A,
  AGENCY_B,
  AgencyStatus,
  BEIJING,
  DIPLOMA,
  LICENCE,
  OfficerStatus,
  TIANJIN,
  UNDEFINED_TYPE,
  COMPROMISE_WINDOW,
  GOVERNANCE_TRANSFER_DELAY,
  addOfficer,
  deployContracts,
  deployWithAgencies,
  metadataHash,
  schemaHash,
  typeBit,
} from "./fixtures.ts";

const { ethers, networkHelpers } = await network.create();
const GOVERNANCE_ROLE = ZeroHash;
const statusName = (status: bigint): string => ["None", "Active", "Suspended", "Retired"][Number(status)] ?? "?";
const adminRoleOf = (agencyId: number): string =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["string", "uint32"], ["certledger.agency.admin", agencyId]));

async function bare() {
  const [governance, other, admin] = await ethers.getSigners();
  return { ...(await deployContracts(ethers)), governance: governance!, other: other!, admin: admin! };
}

async function withTypes() {
  const deployed = await bare();
  await deployed.registry.defineCertificateType(DIPLOMA, schemaHash(DIPLOMA));
  await deployed.registry.defineCertificateType(LICENCE, schemaHash(LICENCE));
  return deployed;
}

/** Agencies whose officers joined a day ago: compromise times may lie before now. */
async function agencies() {
  const deployed = await deployWithAgencies(ethers);
  await networkHelpers.time.increase(24 * 3600);
  return deployed;
}

describe("AgencyRegistry", () => {
  describe("deployment and roles", () => {
    it("grants governance the default admin role, held by one account, with the deployment's settings", async () => {
      const { registry, governance } = await networkHelpers.loadFixture(bare);
      expect(await registry.GOVERNANCE_ROLE()).to.equal(GOVERNANCE_ROLE);
      expect(await registry.hasRole(GOVERNANCE_ROLE, governance.address)).to.be.true;
      expect(await registry.defaultAdmin()).to.equal(governance.address);
      expect(await registry.defaultAdminDelay()).to.equal(BigInt(GOVERNANCE_TRANSFER_DELAY));
      expect(await registry.compromiseWindow()).to.equal(BigInt(COMPROMISE_WINDOW));
    });

    it("refuses a zero governance address and a zero compromise window", async () => {
      const { registry, governance } = await networkHelpers.loadFixture(bare);
      await expect(
        ethers.deployContract("CertificateLedger", [ZeroAddress, GOVERNANCE_TRANSFER_DELAY, COMPROMISE_WINDOW]),
      )
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidGovernance")
        .withArgs(ZeroAddress);
      await expect(ethers.deployContract("CertificateLedger", [governance.address, GOVERNANCE_TRANSFER_DELAY, 0]))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidCompromiseWindow")
        .withArgs(0);
    });

    it("derives each agency's admin role from its id, administered by governance", async () => {
      const { registry, adminA } = await networkHelpers.loadFixture(agencies);
      expect(await registry.agencyAdminRole(AGENCY_A)).to.equal(adminRoleOf(AGENCY_A));
      expect(await registry.agencyAdminRole(AGENCY_B)).to.not.equal(adminRoleOf(AGENCY_A));
      expect(await registry.getRoleAdmin(adminRoleOf(AGENCY_A))).to.equal(GOVERNANCE_ROLE);
      expect(await registry.hasRole(adminRoleOf(AGENCY_A), adminA.address)).to.be.true;
    });

    it("lets governance, not an agency admin, appoint further agency admins", async () => {
      const { registry, adminA, stranger } = await networkHelpers.loadFixture(agencies);
      const role = adminRoleOf(AGENCY_A);
      await expect(registry.connect(adminA).grantRole(role, stranger.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(adminA.address, GOVERNANCE_ROLE);
      await registry.grantRole(role, stranger.address);
      expect(await registry.hasRole(role, stranger.address)).to.be.true;
    });
  });

  describe("defineCertificateType", () => {
    it("records the schema hash and emits CertificateTypeDefined", async () => {
      const { registry, governance } = await networkHelpers.loadFixture(bare);
      await expect(registry.defineCertificateType(127, schemaHash(127)))
        .to.emit(registry, "CertificateTypeDefined")
        .withArgs(127, schemaHash(127), governance.address);
      expect(await registry.certificateType(127)).to.equal(schemaHash(127));
      expect(await registry.definedCertificateTypes()).to.equal(typeBit(127));
    });

    it("keeps the set of defined types", async () => {
      const { registry } = await networkHelpers.loadFixture(withTypes);
      expect(await registry.definedCertificateTypes()).to.equal(typeBit(DIPLOMA) | typeBit(LICENCE));
      expect(await registry.certificateType(UNDEFINED_TYPE)).to.equal(ZeroHash);
      expect(await registry.certificateType(200)).to.equal(ZeroHash);
    });

    it("is for governance only", async () => {
      const { registry, other } = await networkHelpers.loadFixture(bare);
      await expect(registry.connect(other).defineCertificateType(DIPLOMA, schemaHash(DIPLOMA)))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, GOVERNANCE_ROLE);
    });

    it("refuses type ids from 128 and a zero schema hash", async () => {
      const { registry } = await networkHelpers.loadFixture(bare);
      await expect(registry.defineCertificateType(128, schemaHash(128)))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidCertificateType")
        .withArgs(128);
      await expect(registry.defineCertificateType(DIPLOMA, ZeroHash))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidCertificateType")
        .withArgs(DIPLOMA);
    });

    it("defines a type once", async () => {
      const { registry } = await networkHelpers.loadFixture(withTypes);
      await expect(registry.defineCertificateType(DIPLOMA, id("another schema")))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryCertificateTypeExists")
        .withArgs(DIPLOMA);
    });
  });

  describe("registerAgency", () => {
    it("records an active agency, grants its admin role and emits AgencyRegistered", async () => {
      const { registry, governance, admin } = await networkHelpers.loadFixture(withTypes);
      const types = typeBit(DIPLOMA) | typeBit(LICENCE);
      const sent = registry.registerAgency(AGENCY_A, BEIJING, metadataHash(AGENCY_A), admin.address, types);
      await expect(sent)
        .to.emit(registry, "AgencyRegistered")
        .withArgs(AGENCY_A, BEIJING, metadataHash(AGENCY_A), types, admin.address, governance.address);
      await expect(sent)
        .to.emit(registry, "RoleGranted")
        .withArgs(adminRoleOf(AGENCY_A), admin.address, governance.address);
      await expect(sent)
        .to.emit(registry, "RoleAdminChanged")
        .withArgs(adminRoleOf(AGENCY_A), ZeroHash, GOVERNANCE_ROLE);
      const [record, metadata] = await registry.agency(AGENCY_A);
      expect(record.status).to.equal(AgencyStatus.Active);
      expect(record.jurisdiction).to.equal(BigInt(BEIJING));
      expect(record.registeredAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(record.certificateTypes).to.equal(types);
      expect(metadata).to.equal(metadataHash(AGENCY_A));
    });

    it("accepts the first and last six-digit jurisdiction codes and no types at all", async () => {
      const { registry, admin } = await networkHelpers.loadFixture(withTypes);
      await registry.registerAgency(10, 100_000, ZeroHash, admin.address, 0n);
      await registry.registerAgency(11, 999_999, ZeroHash, admin.address, 0n);
      expect((await registry.agency(10))[0].jurisdiction).to.equal(100_000n);
      expect((await registry.agency(11))[0].jurisdiction).to.equal(999_999n);
    });

    it("is for governance only", async () => {
      const { registry, other } = await networkHelpers.loadFixture(withTypes);
      await expect(registry.connect(other).registerAgency(AGENCY_A, BEIJING, ZeroHash, other.address, 0n))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, GOVERNANCE_ROLE);
    });

    it("refuses agency id 0", async () => {
      const { registry, admin } = await networkHelpers.loadFixture(withTypes);
      await expect(registry.registerAgency(0, BEIJING, ZeroHash, admin.address, 0n))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidAgencyId")
        .withArgs(0);
    });

    for (const jurisdiction of [0, 99_999, 1_000_000, 4_294_967_295]) {
      it(`refuses jurisdiction ${jurisdiction}`, async () => {
        const { registry, admin } = await networkHelpers.loadFixture(withTypes);
        await expect(registry.registerAgency(AGENCY_A, jurisdiction, ZeroHash, admin.address, 0n))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidJurisdiction")
          .withArgs(jurisdiction);
      });
    }

    it("refuses a zero admin", async () => {
      const { registry } = await networkHelpers.loadFixture(withTypes);
      await expect(registry.registerAgency(AGENCY_A, BEIJING, ZeroHash, ZeroAddress, 0n))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidAdmin")
        .withArgs(ZeroAddress);
    });

    it("refuses undefined certificate types, naming the lowest", async () => {
      const { registry, admin } = await networkHelpers.loadFixture(withTypes);
      const types = typeBit(DIPLOMA) | typeBit(9) | typeBit(5) | typeBit(127);
      await expect(registry.registerAgency(AGENCY_A, BEIJING, ZeroHash, admin.address, types))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownCertificateType")
        .withArgs(5);
    });

    it("registers an id once", async () => {
      const { registry, adminB } = await networkHelpers.loadFixture(agencies);
      await expect(registry.registerAgency(AGENCY_A, TIANJIN, ZeroHash, adminB.address, 0n))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryAgencyExists")
        .withArgs(AGENCY_A);
    });
  });

  describe("setAgencyStatus", () => {
    const allowed: [bigint, bigint][] = [
      [AgencyStatus.Active, AgencyStatus.Suspended],
      [AgencyStatus.Active, AgencyStatus.Retired],
      [AgencyStatus.Suspended, AgencyStatus.Active],
      [AgencyStatus.Suspended, AgencyStatus.Retired],
    ];
    for (const [from, to] of allowed) {
      it(`moves an agency from ${statusName(from)} to ${statusName(to)} and emits AgencyStatusChanged`, async () => {
        const { registry, governance } = await networkHelpers.loadFixture(agencies);
        if (from !== AgencyStatus.Active) await registry.setAgencyStatus(AGENCY_A, from);
        await expect(registry.setAgencyStatus(AGENCY_A, to))
          .to.emit(registry, "AgencyStatusChanged")
          .withArgs(AGENCY_A, from, to, governance.address);
        expect((await registry.agency(AGENCY_A))[0].status).to.equal(to);
      });
    }

    const refused: [bigint, bigint][] = [
      [AgencyStatus.Active, AgencyStatus.Active],
      [AgencyStatus.Active, AgencyStatus.None],
      [AgencyStatus.Suspended, AgencyStatus.Suspended],
      [AgencyStatus.Retired, AgencyStatus.Active],
      [AgencyStatus.Retired, AgencyStatus.Suspended],
      [AgencyStatus.Retired, AgencyStatus.Retired],
    ];
    for (const [from, to] of refused) {
      it(`refuses ${statusName(from)} -> ${statusName(to)}`, async () => {
        const { registry } = await networkHelpers.loadFixture(agencies);
        if (from !== AgencyStatus.Active) await registry.setAgencyStatus(AGENCY_A, from);
        await expect(registry.setAgencyStatus(AGENCY_A, to))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidStatusChange")
          .withArgs(AGENCY_A, from, to);
      });
    }

    it("refuses an unknown agency", async () => {
      const { registry } = await networkHelpers.loadFixture(agencies);
      await expect(registry.setAgencyStatus(99, AgencyStatus.Suspended))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownAgency")
        .withArgs(99);
    });

    it("is for governance only, not the agency's admin", async () => {
      const { registry, adminA } = await networkHelpers.loadFixture(agencies);
      await expect(registry.connect(adminA).setAgencyStatus(AGENCY_A, AgencyStatus.Suspended))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(adminA.address, GOVERNANCE_ROLE);
    });
  });

  describe("setAgencyCertificateTypes", () => {
    it("replaces the set and emits AgencyCertificateTypesChanged", async () => {
      const { registry, governance } = await networkHelpers.loadFixture(agencies);
      await expect(registry.setAgencyCertificateTypes(AGENCY_B, typeBit(LICENCE)))
        .to.emit(registry, "AgencyCertificateTypesChanged")
        .withArgs(AGENCY_B, typeBit(LICENCE), governance.address);
      expect((await registry.agency(AGENCY_B))[0].certificateTypes).to.equal(typeBit(LICENCE));
    });

    it("refuses undefined types and unknown agencies", async () => {
      const { registry } = await networkHelpers.loadFixture(agencies);
      await expect(registry.setAgencyCertificateTypes(AGENCY_B, typeBit(UNDEFINED_TYPE)))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownCertificateType")
        .withArgs(UNDEFINED_TYPE);
      await expect(registry.setAgencyCertificateTypes(99, typeBit(DIPLOMA)))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownAgency")
        .withArgs(99);
    });

    it("is for governance only", async () => {
      const { registry, adminB } = await networkHelpers.loadFixture(agencies);
      await expect(registry.connect(adminB).setAgencyCertificateTypes(AGENCY_B, typeBit(LICENCE)))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(adminB.address, GOVERNANCE_ROLE);
    });
  });

  describe("setAgencyMetadata", () => {
    it("replaces the hash and emits AgencyMetadataChanged", async () => {
      const { registry, governance } = await networkHelpers.loadFixture(agencies);
      await expect(registry.setAgencyMetadata(AGENCY_A, id("new metadata")))
        .to.emit(registry, "AgencyMetadataChanged")
        .withArgs(AGENCY_A, id("new metadata"), governance.address);
      expect((await registry.agency(AGENCY_A))[1]).to.equal(id("new metadata"));
    });

    it("refuses unknown agencies and non-governance callers", async () => {
      const { registry, adminA } = await networkHelpers.loadFixture(agencies);
      await expect(registry.setAgencyMetadata(99, ZeroHash))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownAgency")
        .withArgs(99);
      await expect(registry.connect(adminA).setAgencyMetadata(AGENCY_A, ZeroHash))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(adminA.address, GOVERNANCE_ROLE);
    });
  });

  describe("addOfficer", () => {
    it("lets the agency's admin add an officer and emits OfficerAdded", async () => {
      const { registry, adminA, stranger } = await networkHelpers.loadFixture(agencies);
      await expect(addOfficer(registry, adminA, AGENCY_A, stranger))
        .to.emit(registry, "OfficerAdded")
        .withArgs(AGENCY_A, stranger.address, adminA.address);
      const record = await registry.officer(stranger.address);
      expect(record.status).to.equal(OfficerStatus.Active);
      expect(record.agencyId).to.equal(BigInt(AGENCY_A));
      expect(record.addedAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(record.removedAt).to.equal(0n);
      expect(record.compromisedSince).to.equal(0n);
    });

    it("lets governance add an officer", async () => {
      const { registry, governance, stranger } = await networkHelpers.loadFixture(agencies);
      await expect(addOfficer(registry, null, AGENCY_B, stranger))
        .to.emit(registry, "OfficerAdded")
        .withArgs(AGENCY_B, stranger.address, governance.address);
    });

    it("adds officers to a suspended agency", async () => {
      const { registry, adminA, stranger } = await networkHelpers.loadFixture(agencies);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Suspended);
      await expect(addOfficer(registry, adminA, AGENCY_A, stranger)).to.emit(registry, "OfficerAdded");
    });

    it("refuses another agency's admin and strangers", async () => {
      const { registry, adminB, officerA, stranger } = await networkHelpers.loadFixture(agencies);
      await expect(addOfficer(registry, adminB, AGENCY_A, stranger))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotAgencyAdmin")
        .withArgs(adminB.address, AGENCY_A);
      await expect(addOfficer(registry, officerA, AGENCY_A, stranger))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotAgencyAdmin")
        .withArgs(officerA.address, AGENCY_A);
    });

    it("refuses the zero address", async () => {
      const { registry, adminA } = await networkHelpers.loadFixture(agencies);
      await expect(registry.connect(adminA).addOfficer(AGENCY_A, ZeroAddress, 0, "0x"))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidOfficer")
        .withArgs(ZeroAddress);
    });

    it("refuses an unknown agency", async () => {
      const { registry, stranger } = await networkHelpers.loadFixture(agencies);
      await expect(addOfficer(registry, null, 99, stranger))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownAgency")
        .withArgs(99);
    });

    it("refuses a retired agency", async () => {
      const { registry, stranger } = await networkHelpers.loadFixture(agencies);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Retired);
      await expect(addOfficer(registry, null, AGENCY_A, stranger))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryAgencyNotActive")
        .withArgs(AGENCY_A, AgencyStatus.Retired);
    });

    it("keeps an address in one agency forever, removed or not", async () => {
      const { registry, adminA, adminB, officerA, officerB } = await networkHelpers.loadFixture(agencies);
      await expect(addOfficer(registry, adminA, AGENCY_A, officerB))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryOfficerExists")
        .withArgs(officerB.address);
      await registry.connect(adminA).removeOfficer(officerA.address);
      await expect(addOfficer(registry, adminA, AGENCY_A, officerA))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryOfficerExists")
        .withArgs(officerA.address);
      await expect(addOfficer(registry, adminB, AGENCY_B, officerA))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryOfficerExists")
        .withArgs(officerA.address);
    });
  });

  describe("removeOfficer", () => {
    it("lets the agency's admin remove an officer and emits OfficerRemoved", async () => {
      const { registry, adminA, officerA } = await networkHelpers.loadFixture(agencies);
      await expect(registry.connect(adminA).removeOfficer(officerA.address))
        .to.emit(registry, "OfficerRemoved")
        .withArgs(AGENCY_A, officerA.address, adminA.address);
      const record = await registry.officer(officerA.address);
      expect(record.status).to.equal(OfficerStatus.Removed);
      expect(record.agencyId).to.equal(BigInt(AGENCY_A));
      expect(record.removedAt).to.equal(BigInt(await networkHelpers.time.latest()));
    });

    it("lets governance remove an officer", async () => {
      const { registry, governance, officerB } = await networkHelpers.loadFixture(agencies);
      await expect(registry.removeOfficer(officerB.address))
        .to.emit(registry, "OfficerRemoved")
        .withArgs(AGENCY_B, officerB.address, governance.address);
    });

    it("refuses unknown officers, other agencies' admins and removed officers", async () => {
      const { registry, adminA, adminB, officerA, stranger } = await networkHelpers.loadFixture(agencies);
      await expect(registry.removeOfficer(stranger.address))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownOfficer")
        .withArgs(stranger.address);
      await expect(registry.connect(adminB).removeOfficer(officerA.address))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotAgencyAdmin")
        .withArgs(adminB.address, AGENCY_A);
      await registry.connect(adminA).removeOfficer(officerA.address);
      await expect(registry.connect(adminA).removeOfficer(officerA.address))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryOfficerNotActive")
        .withArgs(officerA.address);
    });
  });

  describe("declareOfficerCompromised", () => {
    it("records the time, removes the officer and emits OfficerRemoved then OfficerCompromised", async () => {
      const { registry, adminA, officerA } = await networkHelpers.loadFixture(agencies);
      const since = (await networkHelpers.time.latest()) - 3600;
      const sent = registry.connect(adminA).declareOfficerCompromised(officerA.address, since);
      await expect(sent).to.emit(registry, "OfficerRemoved").withArgs(AGENCY_A, officerA.address, adminA.address);
      await expect(sent)
        .to.emit(registry, "OfficerCompromised")
        .withArgs(AGENCY_A, officerA.address, since, adminA.address);
      const record = await registry.officer(officerA.address);
      expect(record.status).to.equal(OfficerStatus.Removed);
      expect(record.compromisedSince).to.equal(BigInt(since));
    });

    it("accepts the current block time", async () => {
      const { registry, officerA } = await networkHelpers.loadFixture(agencies);
      const now = (await networkHelpers.time.latest()) + 10;
      await networkHelpers.time.setNextBlockTimestamp(now);
      await registry.declareOfficerCompromised(officerA.address, now);
      expect((await registry.officer(officerA.address)).compromisedSince).to.equal(BigInt(now));
    });

    it("declares a removed officer without removing it again", async () => {
      const { registry, governance, adminA, officerA } = await networkHelpers.loadFixture(agencies);
      await registry.connect(adminA).removeOfficer(officerA.address);
      const removedAt = (await registry.officer(officerA.address)).removedAt;
      const since = (await networkHelpers.time.latest()) - 10;
      const sent = registry.declareOfficerCompromised(officerA.address, since);
      await expect(sent).to.not.emit(registry, "OfficerRemoved");
      await expect(sent)
        .to.emit(registry, "OfficerCompromised")
        .withArgs(AGENCY_A, officerA.address, since, governance.address);
      expect((await registry.officer(officerA.address)).removedAt).to.equal(removedAt);
    });

    it("moves the time earlier only", async () => {
      const { registry, officerA } = await networkHelpers.loadFixture(agencies);
      const now = await networkHelpers.time.latest();
      await registry.declareOfficerCompromised(officerA.address, now - 100);
      for (const later of [now - 100, now - 50]) {
        await expect(registry.declareOfficerCompromised(officerA.address, later))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidCompromiseTime")
          .withArgs(officerA.address, later);
      }
      await expect(registry.declareOfficerCompromised(officerA.address, now - 200)).to.emit(
        registry,
        "OfficerCompromised",
      );
      expect((await registry.officer(officerA.address)).compromisedSince).to.equal(BigInt(now - 200));
    });

    it("refuses time zero and times in the future", async () => {
      const { registry, officerA } = await networkHelpers.loadFixture(agencies);
      const future = (await networkHelpers.time.latest()) + 1000;
      for (const since of [0, future]) {
        await expect(registry.declareOfficerCompromised(officerA.address, since))
          .to.be.revertedWithCustomError(registry, "AgencyRegistryInvalidCompromiseTime")
          .withArgs(officerA.address, since);
      }
    });

    it("refuses unknown officers and other agencies' admins", async () => {
      const { registry, adminB, officerA, stranger } = await networkHelpers.loadFixture(agencies);
      await expect(registry.declareOfficerCompromised(stranger.address, 1))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownOfficer")
        .withArgs(stranger.address);
      await expect(registry.connect(adminB).declareOfficerCompromised(officerA.address, 1))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotAgencyAdmin")
        .withArgs(adminB.address, AGENCY_A);
    });
  });

  // Anchors and status changes read only the officer's authorisation word, which copies its agency's
  // status and types: every change of those must reach every active officer's word.
  describe("officer authorisation word", () => {
    const root = id("authorisation");

    it("authorises an active officer of an active agency for its types only, ids from 128 included", async () => {
      const { ledger, officerA, officerB } = await networkHelpers.loadFixture(agencies);
      await ledger.connect(officerA).anchor(root, LICENCE, 1);
      expect((await ledger.batch(AGENCY_A, root)).officer).to.equal(officerA.address);
      for (const typeId of [LICENCE, UNDEFINED_TYPE, 127, 128, 255]) {
        await expect(ledger.connect(officerB).anchor(root, typeId, 1))
          .to.be.revertedWithCustomError(ledger, "AgencyRegistryTypeNotAuthorized")
          .withArgs(AGENCY_B, typeId);
      }
    });

    it("refuses unknown and removed officers", async () => {
      const { ledger, registry, adminA, officerA, stranger } = await networkHelpers.loadFixture(agencies);
      await expect(ledger.connect(stranger).anchor(root, DIPLOMA, 1))
        .to.be.revertedWithCustomError(ledger, "AgencyRegistryUnknownOfficer")
        .withArgs(stranger.address);
      await registry.connect(adminA).removeOfficer(officerA.address);
      await expect(ledger.connect(officerA).anchor(root, DIPLOMA, 1))
        .to.be.revertedWithCustomError(ledger, "AgencyRegistryOfficerNotActive")
        .withArgs(officerA.address);
    });

    it("follows the agency's status for every active officer, both ways", async () => {
      const { ledger, registry, officerA, officerA2 } = await networkHelpers.loadFixture(agencies);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Suspended);
      for (const officer of [officerA, officerA2]) {
        await expect(ledger.connect(officer).anchor(root, DIPLOMA, 1))
          .to.be.revertedWithCustomError(ledger, "AgencyRegistryAgencyNotActive")
          .withArgs(AGENCY_A, AgencyStatus.Suspended);
      }
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Active);
      await ledger.connect(officerA2).anchor(root, DIPLOMA, 1);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Retired);
      await expect(ledger.connect(officerA).anchor(id("after retirement"), DIPLOMA, 1))
        .to.be.revertedWithCustomError(ledger, "AgencyRegistryAgencyNotActive")
        .withArgs(AGENCY_A, AgencyStatus.Retired);
    });

    it("follows the agency's types, for officers added before and after the change", async () => {
      const { ledger, registry, adminB, officerB, stranger } = await networkHelpers.loadFixture(agencies);
      await registry.setAgencyCertificateTypes(AGENCY_B, typeBit(DIPLOMA) | typeBit(LICENCE));
      await ledger.connect(officerB).anchor(root, LICENCE, 1);
      await registry.setAgencyCertificateTypes(AGENCY_B, typeBit(LICENCE));
      await expect(ledger.connect(officerB).anchor(id("diploma"), DIPLOMA, 1))
        .to.be.revertedWithCustomError(ledger, "AgencyRegistryTypeNotAuthorized")
        .withArgs(AGENCY_B, DIPLOMA);
      await addOfficer(registry, adminB, AGENCY_B, stranger);
      await expect(ledger.connect(stranger).anchor(id("diploma"), DIPLOMA, 1))
        .to.be.revertedWithCustomError(ledger, "AgencyRegistryTypeNotAuthorized")
        .withArgs(AGENCY_B, DIPLOMA);
    });

    it("keeps the words of the officers left in step after one is removed", async () => {
      const { ledger, registry, adminA, officerA, officerA2 } = await networkHelpers.loadFixture(agencies);
      // officerA is first in the agency's list: removing it moves officerA2 into its place
      await registry.connect(adminA).removeOfficer(officerA.address);
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Suspended);
      await expect(ledger.connect(officerA2).anchor(root, DIPLOMA, 1))
        .to.be.revertedWithCustomError(ledger, "AgencyRegistryAgencyNotActive")
        .withArgs(AGENCY_A, AgencyStatus.Suspended);
    });

    it("bounds an agency's active officers, and a removal frees a place", async () => {
      const { registry, adminB, officerB } = await networkHelpers.loadFixture(agencies);
      const max = Number(await registry.MAX_ACTIVE_OFFICERS());
      // officerB holds one place already; consent signatures need keys, not funded accounts
      const keys = Array.from({ length: max }, () => ethers.Wallet.createRandom(ethers.provider));
      for (const key of keys.slice(0, max - 1)) await addOfficer(registry, adminB, AGENCY_B, key);
      const last = keys[max - 1]!;
      await expect(addOfficer(registry, adminB, AGENCY_B, last))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryTooManyOfficers")
        .withArgs(AGENCY_B);
      await registry.connect(adminB).removeOfficer(officerB.address);
      await addOfficer(registry, adminB, AGENCY_B, last);
      expect((await registry.officer(last.address)).status).to.equal(OfficerStatus.Active);
    });
  });

  describe("views", () => {
    it("answers zero records for unknown agencies and officers", async () => {
      const { registry, stranger } = await networkHelpers.loadFixture(agencies);
      const [record, metadata] = await registry.agency(99);
      expect(record.status).to.equal(AgencyStatus.None);
      expect(metadata).to.equal(ZeroHash);
      expect((await registry.officer(stranger.address)).status).to.equal(OfficerStatus.None);
    });

    it("supports the AccessControl interface", async () => {
      const { registry } = await networkHelpers.loadFixture(bare);
      expect(await registry.supportsInterface("0x7965db0b")).to.be.true;
    });
  });
});
