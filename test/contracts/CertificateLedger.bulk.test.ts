import { expect } from "chai";
import { id } from "ethers";
import { network } from "hardhat";
import { AGENCY_A, Batch, LICENCE, LeafStatus, Reason, deployWithAgencies } from "./fixtures.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";

const { ethers, networkHelpers } = await network.create();
const batch = new Batch("bulk", 100);
const chosen = [0, 3, 31, 32, 47, 64, 99];

async function anchored() {
  const deployed = await deployWithAgencies(ethers);
  await deployed.ledger.connect(deployed.officerA).anchor(batch.root, LICENCE, batch.size);
  return deployed;
}

async function statuses(
  ledger: Awaited<ReturnType<typeof anchored>>["ledger"],
): Promise<Map<number, [bigint, bigint]>> {
  const result = new Map<number, [bigint, bigint]>();
  for (let i = 0; i < batch.size; i++) {
    const [status, reason] = await ledger.leafStatus(AGENCY_A, batch.root, i);
    result.set(i, [status, reason]);
  }
  return result;
}

describe("CertificateLedger: bulk status changes by multiproof", () => {
  describe("revokeMany", () => {
    it("revokes every proven certificate, one CertificateRevoked each, and nothing else", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      const sent = ledger.connect(officerA).revokeMany(AGENCY_A, batch.root, many, Reason.superseded);
      for (const [i, leaf] of many.leaves.entries()) {
        await expect(sent)
          .to.emit(ledger, "CertificateRevoked")
          .withArgs(leaf, batch.root, officerA.address, statusTarget(AGENCY_A, many.indices[i]!, Reason.superseded));
      }
      const receipt = await (await sent).wait();
      expect(receipt!.logs).to.have.length(chosen.length);
      for (const [i, [status, reason]] of await statuses(ledger)) {
        const expected = chosen.includes(i) ? [LeafStatus.Revoked, BigInt(Reason.superseded)] : [LeafStatus.Active, 0n];
        expect([status, reason]).to.deep.equal(expected);
      }
    });

    it("lets governance revoke in bulk; refuses other agencies", async () => {
      const { ledger, registry, governance, officerB } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      await expect(ledger.connect(officerB).revokeMany(AGENCY_A, batch.root, many, Reason.superseded))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority")
        .withArgs(officerB.address, AGENCY_A);
      await expect(ledger.connect(governance).revokeMany(AGENCY_A, batch.root, many, Reason.superseded))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(
          many.leaves[0],
          batch.root,
          governance.address,
          statusTarget(AGENCY_A, many.indices[0]!, Reason.superseded),
        );
    });

    it("is all or nothing: one certificate already revoked reverts the whole call", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const single = batch.certificate(47);
      await ledger
        .connect(officerA)
        .revoke(batch.root, single.leaf, statusTarget(AGENCY_A, single.index, Reason.keyCompromise), single.proof);
      const many = batch.many(chosen);
      await expect(ledger.connect(officerA).revokeMany(AGENCY_A, batch.root, many, Reason.superseded))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
        .withArgs(single.leaf, LeafStatus.Revoked, LeafStatus.Revoked);
      expect(await ledger.leafStatus(AGENCY_A, batch.root, 0)).to.deep.equal([LeafStatus.Active, 0n]);
    });

    it("refuses mismatched and empty lists", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      const asA = ledger.connect(officerA);
      await expect(
        asA.revokeMany(
          AGENCY_A,
          batch.root,
          { leaves: many.leaves, indices: many.indices.slice(1), proof: many.proof, proofFlags: many.proofFlags },
          0,
        ),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerLengthMismatch");
      await expect(
        asA.revokeMany(AGENCY_A, batch.root, { leaves: [], indices: [], proof: [batch.root], proofFlags: [] }, 0),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerNoLeaves");
    });

    it("refuses a forged leaf, a foreign index and an inconsistent multiproof", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      const asA = ledger.connect(officerA);
      const forged = [id("forged"), ...many.leaves.slice(1)];
      await expect(
        asA.revokeMany(
          AGENCY_A,
          batch.root,
          { leaves: forged, indices: many.indices, proof: many.proof, proofFlags: many.proofFlags },
          0,
        ),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidProof")
        .withArgs(batch.root, forged[0]);
      const shifted = [many.indices[0]! + 1n, ...many.indices.slice(1)];
      await expect(
        asA.revokeMany(
          AGENCY_A,
          batch.root,
          { leaves: many.leaves, indices: shifted, proof: many.proof, proofFlags: many.proofFlags },
          0,
        ),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidProof");
      await expect(
        asA.revokeMany(
          AGENCY_A,
          batch.root,
          { leaves: many.leaves, indices: many.indices, proof: many.proof.slice(1), proofFlags: many.proofFlags },
          0,
        ),
      ).to.be.revertedWithCustomError(ledger, "MerkleProofInvalidMultiproof");
      const excess = [...many.proof, id("extra")];
      await expect(
        asA.revokeMany(
          AGENCY_A,
          batch.root,
          { leaves: many.leaves, indices: many.indices, proof: excess, proofFlags: [...many.proofFlags, false] },
          0,
        ),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidProof");
    });

    it("refuses unknown roots, indices outside the batch and invalid reasons", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      const asA = ledger.connect(officerA);
      await expect(asA.revokeMany(AGENCY_A, id("unknown"), many, 0))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot")
        .withArgs(id("unknown"));
      const outside = [...many.indices.slice(0, -1), 100n];
      await expect(
        asA.revokeMany(
          AGENCY_A,
          batch.root,
          { leaves: many.leaves, indices: outside, proof: many.proof, proofFlags: many.proofFlags },
          0,
        ),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidIndex")
        .withArgs(batch.root, 100n);
      await expect(asA.revokeMany(AGENCY_A, batch.root, many, 7))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidReason")
        .withArgs(7);
    });

    it("revokes the whole batch by one multiproof", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(Array.from({ length: batch.size }, (_, i) => i));
      expect(many.proof).to.deep.equal([]);
      // waited for: a node may answer the send before the block that holds it is queryable
      await (await ledger.connect(officerA).revokeMany(AGENCY_A, batch.root, many, Reason.superseded)).wait();
      for (const [, [status]] of await statuses(ledger)) expect(status).to.equal(LeafStatus.Revoked);
    });
  });

  describe("suspendMany and reinstateMany", () => {
    it("suspends then reinstates the proven certificates, one event each", async () => {
      const { ledger, officerA, officerA2 } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      const suspended = ledger.connect(officerA).suspendMany(AGENCY_A, batch.root, many, Reason.certificateHold);
      for (const [i, leaf] of many.leaves.entries()) {
        await expect(suspended)
          .to.emit(ledger, "CertificateSuspended")
          .withArgs(
            leaf,
            batch.root,
            officerA.address,
            statusTarget(AGENCY_A, many.indices[i]!, Reason.certificateHold),
          );
      }
      for (const [i, [status, reason]] of await statuses(ledger)) {
        const expected = chosen.includes(i)
          ? [LeafStatus.Suspended, BigInt(Reason.certificateHold)]
          : [LeafStatus.Active, 0n];
        expect([status, reason]).to.deep.equal(expected);
      }
      const reinstated = ledger.connect(officerA2).reinstateMany(AGENCY_A, batch.root, many);
      for (const [i, leaf] of many.leaves.entries()) {
        await expect(reinstated)
          .to.emit(ledger, "CertificateReinstated")
          .withArgs(leaf, batch.root, officerA2.address, statusTarget(AGENCY_A, many.indices[i]!));
      }
      for (const [, entry] of await statuses(ledger)) expect(entry).to.deep.equal([LeafStatus.Active, 0n]);
    });

    it("refuses certificates in the wrong status", async () => {
      const { ledger, officerA } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      const asA = ledger.connect(officerA);
      await expect(asA.reinstateMany(AGENCY_A, batch.root, many))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
        .withArgs(many.leaves[0], LeafStatus.Active, LeafStatus.Active);
      await asA.suspendMany(AGENCY_A, batch.root, many, Reason.certificateHold);
      await expect(asA.suspendMany(AGENCY_A, batch.root, many, 6))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidTransition")
        .withArgs(many.leaves[0], LeafStatus.Suspended, LeafStatus.Suspended);
    });

    it("checks reasons, lists, authority and proofs", async () => {
      const { ledger, registry, officerA, officerB } = await networkHelpers.loadFixture(anchored);
      const many = batch.many(chosen);
      const asA = ledger.connect(officerA);
      await expect(asA.suspendMany(AGENCY_A, batch.root, many, 12)).to.be.revertedWithCustomError(
        ledger,
        "CertificateLedgerInvalidReason",
      );
      await expect(
        asA.reinstateMany(AGENCY_A, batch.root, {
          leaves: [],
          indices: many.indices,
          proof: many.proof,
          proofFlags: many.proofFlags,
        }),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerLengthMismatch");
      await expect(ledger.connect(officerB).reinstateMany(AGENCY_A, batch.root, many)).to.be.revertedWithCustomError(
        registry,
        "AgencyRegistryNotStatusAuthority",
      );
      const forged = [...many.leaves.slice(0, -1), id("forged")];
      await expect(
        asA.suspendMany(
          AGENCY_A,
          batch.root,
          { leaves: forged, indices: many.indices, proof: many.proof, proofFlags: many.proofFlags },
          6,
        ),
      ).to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidProof");
    });
  });
});
