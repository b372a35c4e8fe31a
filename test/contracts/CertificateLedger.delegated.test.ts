// Delegated signing: an officer signs an EIP-712 message, anyone relays it, and the ledger checks it
// exactly as the officer's own call. A relayer can forge nothing: not another message, not a replay,
// not another officer's rights.
import { expect } from "chai";
import { network } from "hardhat";
import { LEAF_STATUS, signAnchor, signStatusChange } from "../../server/chain/delegatedSigning.ts";
import {
  AGENCY_A,
  AGENCY_B,
  AgencyStatus,
  Batch,
  DIPLOMA,
  LeafStatus,
  Reason,
  addOfficer,
  deployWithAgencies,
  type Deployment,
} from "./fixtures.ts";

const { ethers, networkHelpers } = await network.create();
const batch = new Batch("delegated", 8);

async function agencies() {
  return deployWithAgencies(ethers);
}

async function anchoredByA() {
  const deployed = await deployWithAgencies(ethers);
  await deployed.ledger.connect(deployed.officerA).anchor(batch.root, DIPLOMA, batch.size);
  return deployed;
}

describe("CertificateLedger: delegated signing (EIP-712, relayed)", () => {
  async function ledgerRef(ledger: { getAddress(): Promise<string> }) {
    return { address: await ledger.getAddress(), chainId: (await ethers.provider.getNetwork()).chainId };
  }
  const later = async () => (await networkHelpers.time.latest()) + 3600;

  /** A's officer's signature on anchoring the batch, valid for an hour. */
  async function anchorSignedByA({ ledger, officerA }: Deployment) {
    const deadline = await later();
    const signature = await signAnchor(officerA, await ledgerRef(ledger), {
      root: batch.root,
      typeId: DIPLOMA,
      size: batch.size,
      deadline,
    });
    return { deadline, signature };
  }

  /**
   * The batch anchored by A and a suspension of its certificate `n` in `signer`'s name, valid for an
   * hour: what a relayer carries once the named key signed it.
   */
  async function suspensionOf(n: number, signer: (deployed: Deployment) => { address: string }) {
    const deployed = await networkHelpers.loadFixture(anchoredByA);
    const { leaf, index, proof } = batch.certificate(n);
    const hold = {
      officer: signer(deployed).address,
      agencyId: AGENCY_A,
      root: batch.root,
      leaf,
      index,
      status: LEAF_STATUS.suspended,
      reason: Reason.certificateHold,
      deadline: await later(),
    };
    return { ...deployed, ref: await ledgerRef(deployed.ledger), proof, hold };
  }

  describe("anchorBySig", () => {
    it("anchors for the officer when a relayer sends its signature; a replay finds the root taken", async () => {
      const deployed = await networkHelpers.loadFixture(agencies);
      const { ledger, officerA, stranger } = deployed;
      const { deadline, signature } = await anchorSignedByA(deployed);
      await expect(
        ledger.connect(stranger).anchorBySig(officerA.address, batch.root, DIPLOMA, batch.size, deadline, signature),
      )
        .to.emit(ledger, "BatchAnchored")
        .withArgs(batch.root, AGENCY_A, officerA.address, DIPLOMA, batch.size);
      expect((await ledger.batch(AGENCY_A, batch.root)).officer).to.equal(officerA.address);
      // an anchor carries no nonce: the status changes' nonce is untouched
      expect(await ledger.nonces(officerA.address)).to.equal(0n);
      // the same signature again: the batch record, never deleted, refuses it
      await expect(
        ledger.connect(stranger).anchorBySig(officerA.address, batch.root, DIPLOMA, batch.size, deadline, signature),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerRootExists")
        .withArgs(batch.root);
    });

    it("refuses a changed message, another officer's name, an expired signature and a non-officer signer", async () => {
      const deployed = await networkHelpers.loadFixture(agencies);
      const { ledger, registry, officerA, officerB, stranger } = deployed;
      const ref = await ledgerRef(ledger);
      const { deadline, signature } = await anchorSignedByA(deployed);
      const relayer = ledger.connect(stranger);
      await expect(relayer.anchorBySig(officerA.address, batch.root, DIPLOMA, 1, deadline, signature))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerA.address);
      await expect(relayer.anchorBySig(officerB.address, batch.root, DIPLOMA, batch.size, deadline, signature))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerB.address);
      const past = (await networkHelpers.time.latest()) - 1;
      const stale = await signAnchor(officerA, ref, {
        root: batch.root,
        typeId: DIPLOMA,
        size: batch.size,
        deadline: past,
      });
      await expect(relayer.anchorBySig(officerA.address, batch.root, DIPLOMA, batch.size, past, stale))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerSignatureExpired")
        .withArgs(officerA.address, past);
      const byStranger = await signAnchor(stranger, ref, {
        root: batch.root,
        typeId: DIPLOMA,
        size: batch.size,
        deadline,
      });
      await expect(relayer.anchorBySig(stranger.address, batch.root, DIPLOMA, batch.size, deadline, byStranger))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryUnknownOfficer")
        .withArgs(stranger.address);
    });

    it("checks the officer's rights as for its own call: a suspended agency's officer anchors nothing", async () => {
      const deployed = await networkHelpers.loadFixture(agencies);
      const { ledger, registry, officerA, stranger } = deployed;
      await registry.setAgencyStatus(AGENCY_A, AgencyStatus.Suspended);
      const { deadline, signature } = await anchorSignedByA(deployed);
      await expect(
        ledger.connect(stranger).anchorBySig(officerA.address, batch.root, DIPLOMA, batch.size, deadline, signature),
      )
        .to.be.revertedWithCustomError(registry, "AgencyRegistryAgencyNotActive")
        .withArgs(AGENCY_A, AgencyStatus.Suspended);
    });
  });

  describe("changeStatusBySig", () => {
    it("revokes, suspends and reinstates for the officer; the events name the officer, not the relayer", async () => {
      const { ledger, officerA, stranger, ref, proof, hold } = await suspensionOf(5, (d) => d.officerA);
      const { leaf, index } = hold;
      const change = (status: 0 | 1 | 2, reason: number) => ({ ...hold, status, reason });
      const send = async (status: 0 | 1 | 2, reason: number) => {
        const nonce = await ledger.nonces(officerA.address);
        const signature = await signStatusChange(officerA, ref, { ...change(status, reason), nonce });
        return ledger.connect(stranger).changeStatusBySig(change(status, reason), proof, signature);
      };
      await expect(send(LEAF_STATUS.suspended, Reason.certificateHold))
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(leaf, batch.root, officerA.address, AGENCY_A, index, Reason.certificateHold);
      await expect(send(LEAF_STATUS.active, 0))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(leaf, batch.root, officerA.address, AGENCY_A, index);
      await expect(send(LEAF_STATUS.revoked, Reason.keyCompromise))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(leaf, batch.root, officerA.address, AGENCY_A, index, Reason.keyCompromise);
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
        LeafStatus.Revoked,
        BigInt(Reason.keyCompromise),
      ]);
    });

    it("refuses a replay, a changed certificate and another agency's officer", async () => {
      const {
        ledger,
        registry,
        officerA,
        officerB,
        stranger,
        ref,
        proof,
        hold: change,
      } = await suspensionOf(2, (d) => d.officerA);
      const signature = await signStatusChange(officerA, ref, { ...change, nonce: 0 });
      const relayer = ledger.connect(stranger);
      const other = batch.certificate(3);
      await expect(
        relayer.changeStatusBySig({ ...change, leaf: other.leaf, index: other.index }, other.proof, signature),
      )
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerA.address);
      await relayer.changeStatusBySig(change, proof, signature);
      await expect(relayer.changeStatusBySig(change, proof, signature)).to.be.revertedWithCustomError(
        ledger,
        "CertificateLedgerInvalidSignature",
      );

      const byB = { ...change, officer: officerB.address, status: LEAF_STATUS.revoked, reason: Reason.keyCompromise };
      const signatureB = await signStatusChange(officerB, ref, { ...byB, nonce: 0 });
      await expect(relayer.changeStatusBySig(byB, proof, signatureB))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority")
        .withArgs(officerB.address, AGENCY_A);
      // B's signature for its own agency names B's batch key, never A's
      const forB = { ...byB, agencyId: AGENCY_B };
      await expect(relayer.changeStatusBySig(forB, proof, await signStatusChange(officerB, ref, { ...forB, nonce: 0 })))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot")
        .withArgs(batch.root);
    });

    it("keeps a signer's nonce when its key is bound as an officer later: no earlier signature replays", async () => {
      // governance signs a suspension for a relayer; its nonce lives where an officer's word would
      const { ledger, registry, adminA, governance, stranger, ref, proof, hold } = await suspensionOf(
        4,
        (d) => d.governance,
      );
      const { leaf, index } = hold;
      const signature = await signStatusChange(governance, ref, { ...hold, nonce: 0 });
      await ledger.connect(stranger).changeStatusBySig(hold, proof, signature);
      await ledger.reinstate(AGENCY_A, batch.root, leaf, index, proof);
      await addOfficer(registry, adminA, AGENCY_A, governance);
      expect(await ledger.nonces(governance.address)).to.equal(1n);
      await expect(ledger.connect(stranger).changeStatusBySig(hold, proof, signature))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(governance.address);
      expect((await ledger.leafStatus(AGENCY_A, batch.root, index))[0]).to.equal(LeafStatus.Active);
    });
  });
});
