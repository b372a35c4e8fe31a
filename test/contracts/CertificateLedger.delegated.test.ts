// Delegated signing: an officer signs an EIP-712 message, anyone relays it, and the ledger checks it
// exactly as the officer's own call. A relayer can forge nothing: not another message, not a replay,
// not another officer's rights.
import { expect } from "chai";
import { network } from "hardhat";
import type { Signer } from "ethers";
import {
  LEAF_STATUS,
  compactSignature,
  signAnchor,
  signStatusChange,
  type StatusChangeMessage,
} from "../../server/chain/delegatedSigning.ts";
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
import { statusTarget } from "../../server/chain/statusTarget.ts";

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
    type Change = StatusChangeMessage & { officer: string };
    /** `change` as `signer` signs it, in the compact form the ledger takes: [change, r, vs]. */
    async function signed(ledger: { getAddress(): Promise<string> }, signer: Signer, change: Change) {
      const { r, vs } = compactSignature(await signStatusChange(signer, await ledgerRef(ledger), change));
      return [change, r, vs] as const;
    }

    /** A first suspension (version 0) of certificate `n` in `officer`'s name, valid for an hour. */
    async function firstHold(n: number, officer: string) {
      const { leaf, index, proof } = batch.certificate(n);
      const hold = {
        officer,
        agencyId: AGENCY_A,
        root: batch.root,
        leaf,
        index,
        status: LEAF_STATUS.suspended,
        reason: Reason.certificateHold,
        version: 0,
        deadline: await later(),
      };
      return { leaf, index, proof, hold };
    }

    it("revokes, suspends and reinstates for the officer; the events name the officer, not the relayer", async () => {
      const { ledger, officerA, stranger } = await networkHelpers.loadFixture(anchoredByA);
      const { leaf, index, proof } = batch.certificate(5);
      const deadline = await later();
      const send = async (status: 0 | 1 | 2, reason: number) => {
        const version = await ledger.statusVersion(AGENCY_A, batch.root, index);
        const change = { officer: officerA.address, agencyId: AGENCY_A, root: batch.root, leaf, index };
        const [message, r, vs] = await signed(ledger, officerA, { ...change, status, reason, version, deadline });
        return ledger.connect(stranger).changeStatusBySig(message, proof, r, vs);
      };
      await expect(send(LEAF_STATUS.suspended, Reason.certificateHold))
        .to.emit(ledger, "CertificateSuspended")
        .withArgs(leaf, batch.root, officerA.address, statusTarget(AGENCY_A, index, Reason.certificateHold));
      await expect(send(LEAF_STATUS.active, 0))
        .to.emit(ledger, "CertificateReinstated")
        .withArgs(leaf, batch.root, officerA.address, statusTarget(AGENCY_A, index));
      await expect(send(LEAF_STATUS.revoked, Reason.keyCompromise))
        .to.emit(ledger, "CertificateRevoked")
        .withArgs(leaf, batch.root, officerA.address, statusTarget(AGENCY_A, index, Reason.keyCompromise));
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([
        LeafStatus.Revoked,
        BigInt(Reason.keyCompromise),
      ]);
      // each applied change moved the word's version on; a direct change does not
      expect(await ledger.statusVersion(AGENCY_A, batch.root, index)).to.equal(3n);
    });

    it("refuses a replay, a changed certificate, a wrong signer, an expired signature and another agency's officer", async () => {
      const { ledger, registry, officerA, officerA2, officerB, stranger } =
        await networkHelpers.loadFixture(anchoredByA);
      const { leaf, index, proof, hold: change } = await firstHold(2, officerA.address);
      const [, r, vs] = await signed(ledger, officerA, change);
      const relayer = ledger.connect(stranger);
      const other = batch.certificate(3);
      await expect(relayer.changeStatusBySig({ ...change, leaf: other.leaf, index: other.index }, other.proof, r, vs))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerA.address);
      // another officer of the same agency signed it: it is not officerA's
      const [, r2, vs2] = await signed(ledger, officerA2, change);
      await expect(relayer.changeStatusBySig(change, proof, r2, vs2))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerA.address);
      const past = (await networkHelpers.time.latest()) - 1;
      const [expired, r3, vs3] = await signed(ledger, officerA, { ...change, deadline: past });
      await expect(relayer.changeStatusBySig(expired, proof, r3, vs3))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerSignatureExpired")
        .withArgs(officerA.address, past);

      await relayer.changeStatusBySig(change, proof, r, vs);
      await expect(relayer.changeStatusBySig(change, proof, r, vs))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerStatusVersionMismatch")
        .withArgs(leaf, 0, 1);
      // naming the current version is another message: the signature no longer recovers to officerA
      await expect(relayer.changeStatusBySig({ ...change, version: 1 }, proof, r, vs))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerA.address);

      const byB = { ...change, officer: officerB.address, status: LEAF_STATUS.revoked, reason: Reason.keyCompromise };
      const [, rB, vsB] = await signed(ledger, officerB, { ...byB, version: 1 });
      await expect(relayer.changeStatusBySig({ ...byB, version: 1 }, proof, rB, vsB))
        .to.be.revertedWithCustomError(registry, "AgencyRegistryNotStatusAuthority")
        .withArgs(officerB.address, AGENCY_A);
      // an index wider than a target's field (no batch is that large) is refused, not truncated
      const wide = { ...change, index: 2n ** 32n + index, version: 1 };
      const [, rW, vsW] = await signed(ledger, officerA, wide);
      await expect(relayer.changeStatusBySig(wide, proof, rW, vsW))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidIndex")
        .withArgs(batch.root, wide.index);
      // B's signature for its own agency names B's batch key, never A's
      const [forB, rF, vsF] = await signed(ledger, officerB, { ...byB, agencyId: AGENCY_B });
      await expect(relayer.changeStatusBySig(forB, proof, rF, vsF))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerUnknownRoot")
        .withArgs(batch.root);
    });

    it("never replays a suspension once reinstated, nor after governance restores what a stolen key did", async () => {
      const { ledger, registry, governance, adminA, officerA, officerA2, stranger } =
        await networkHelpers.loadFixture(anchoredByA);
      const { leaf, index, proof, hold } = await firstHold(6, officerA.address);
      const relayer = ledger.connect(stranger);
      const [, r, vs] = await signed(ledger, officerA, hold);
      await relayer.changeStatusBySig(hold, proof, r, vs);
      // back to exactly the state the suspension was signed for: the version tells them apart
      await ledger.connect(officerA).reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof);
      await expect(relayer.changeStatusBySig(hold, proof, r, vs)).to.be.revertedWithCustomError(
        ledger,
        "CertificateLedgerStatusVersionMismatch",
      );

      // a stolen key revokes by signature; governance restores the certificate to Active
      const stolenAt = await networkHelpers.time.latest();
      const theft = { ...hold, officer: officerA2.address, status: LEAF_STATUS.revoked, version: 1 };
      const [, rT, vsT] = await signed(ledger, officerA2, theft);
      await relayer.changeStatusBySig(theft, proof, rT, vsT);
      await registry.connect(adminA).declareOfficerCompromised(officerA2.address, stolenAt);
      await ledger.connect(governance).restoreCertificate(AGENCY_A, batch.root, leaf, index, proof, officerA2.address);
      expect(await ledger.leafStatus(AGENCY_A, batch.root, index)).to.deep.equal([LeafStatus.Active, 0n]);
      expect(await ledger.statusVersion(AGENCY_A, batch.root, index)).to.equal(2n);
      // the honest officer's spent suspension still refers to a version long gone
      await expect(relayer.changeStatusBySig(hold, proof, r, vs))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerStatusVersionMismatch")
        .withArgs(leaf, 0, 2);
      expect((await ledger.leafStatus(AGENCY_A, batch.root, index))[0]).to.equal(LeafStatus.Active);
    });

    it("orders signatures per status word only: another word's signature stays good, the same word's must be signed again", async () => {
      const { ledger, officerA, stranger } = await networkHelpers.loadFixture(anchoredByA);
      const wide = new Batch("two status words", 40);
      await ledger.connect(officerA).anchor(wide.root, DIPLOMA, wide.size);
      const deadline = await later();
      const relayer = ledger.connect(stranger);
      const change = (i: number) => {
        const { leaf, index } = wide.certificate(i);
        const status = LEAF_STATUS.revoked;
        return { officer: officerA.address, agencyId: AGENCY_A, root: wide.root, leaf, index, status, deadline };
      };
      const reason = Reason.superseded;
      // 1 and 2 share word 0, 33 sits in word 1; all three signed against version 0
      const [first, r1, vs1] = await signed(ledger, officerA, { ...change(1), reason, version: 0 });
      const [second, r2, vs2] = await signed(ledger, officerA, { ...change(2), reason, version: 0 });
      const [elsewhere, r3, vs3] = await signed(ledger, officerA, { ...change(33), reason, version: 0 });
      await relayer.changeStatusBySig(first, wide.certificate(1).proof, r1, vs1);
      await expect(relayer.changeStatusBySig(elsewhere, wide.certificate(33).proof, r3, vs3)).to.emit(
        ledger,
        "CertificateRevoked",
      );
      await expect(relayer.changeStatusBySig(second, wide.certificate(2).proof, r2, vs2))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerStatusVersionMismatch")
        .withArgs(second.leaf, 0, 1);
      const [again, r4, vs4] = await signed(ledger, officerA, { ...change(2), reason, version: 1 });
      await expect(relayer.changeStatusBySig(again, wide.certificate(2).proof, r4, vs4)).to.emit(
        ledger,
        "CertificateRevoked",
      );
    });

    it("refuses a high-s (malleable) signature and one that recovers to no key", async () => {
      const { ledger, officerA, stranger } = await networkHelpers.loadFixture(anchoredByA);
      const { leaf, index, proof } = batch.certificate(1);
      const change = {
        officer: officerA.address,
        agencyId: AGENCY_A,
        root: batch.root,
        leaf,
        index,
        status: LEAF_STATUS.revoked,
        reason: Reason.superseded,
        version: 0,
        deadline: await later(),
      };
      const [, r, vs] = await signed(ledger, officerA, change);
      // the same signature's twin (n - s, the other recovery bit): ecrecover would accept it
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const lowS = BigInt(vs) & ((1n << 255n) - 1n);
      const flipped = (BigInt(vs) >> 255n) ^ 1n;
      const twin = ethers.toBeHex((flipped << 255n) | (n - lowS), 32);
      const relayer = ledger.connect(stranger);
      await expect(relayer.changeStatusBySig(change, proof, r, twin))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerA.address);
      await expect(relayer.changeStatusBySig(change, proof, ethers.ZeroHash, ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "CertificateLedgerInvalidSignature")
        .withArgs(officerA.address);
    });

    it("a governance signature spent before its key became an officer does not replay after", async () => {
      const { ledger, registry, adminA, governance, stranger } = await networkHelpers.loadFixture(anchoredByA);
      const { leaf, index, proof, hold } = await firstHold(4, governance.address);
      const [, r, vs] = await signed(ledger, governance, hold);
      await ledger.connect(stranger).changeStatusBySig(hold, proof, r, vs);
      await ledger.reinstate(batch.root, leaf, statusTarget(AGENCY_A, index, 0), proof);
      await addOfficer(registry, adminA, AGENCY_A, governance);
      await expect(ledger.connect(stranger).changeStatusBySig(hold, proof, r, vs)).to.be.revertedWithCustomError(
        ledger,
        "CertificateLedgerStatusVersionMismatch",
      );
      expect((await ledger.leafStatus(AGENCY_A, batch.root, index))[0]).to.equal(LeafStatus.Active);
    });
  });
});
