import { expect } from "chai";
import { network } from "hardhat";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { CertificateBatchTree } from "../../server/core/batch/merkle.ts";
import type { CertificateInput } from "../../server/core/document/model.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { trustOnly } from "../../server/core/verification/trust.ts";
import { verifyDocument } from "../../server/core/verification/verifyDocument.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { DEV_ROLE_KEYS, byAgency, deployOnChain, issue, ledgerAs, type OnChainCertledger } from "./support/onChain.ts";
import { expectStatus } from "./support/results.ts";

const connection = await network.create();
const provider = connection.ethers.provider;
const NOW = new Date("2026-06-01T00:00:00Z");
const KEY_COMPROMISE = 1;
const CERTIFICATE_HOLD = 6;

describe("TypeScript proofs against the ledger contract", function () {
  this.timeout(120_000);

  let chain: OnChainCertledger;
  let view: EthersLedgerView;

  const inputs = (count: number, from = 0): CertificateInput[] =>
    Array.from({ length: count }, (_, i) => byAgency(sampleInputs(from + i)["business-licence"]!, chain.agency));

  before(async () => {
    chain = await deployOnChain(provider, DEV_ROLE_KEYS, builtinTypes());
    view = new EthersLedgerView(provider, chain.ledger);
  });

  after(async () => {
    await connection.close();
  });

  it("the contract's verifyLeaf accepts CertificateBatchTree.proof of every certificate, and nothing else", async () => {
    for (const size of [1, 2, 3, 37]) {
      const batch = await issue(chain, inputs(size, size * 100));
      const tree = CertificateBatchTree.of(batch.leaves, chain.keccak);
      expect(tree.root).to.equal(batch.root);
      for (let index = 0; index < size; index++) {
        const proof = tree.proof(index);
        expect(batch.documents[index]!.proof.proof).to.deep.equal(proof);
        const accepted = await view.verifyLeaf(chain.agency.agencyId, batch.root, batch.leaves[index]!, index, proof);
        expect(accepted, `size ${size} index ${index}`).to.include({ anchored: true, proofValid: true });
      }
      const wrongIndex = await view.verifyLeaf(
        chain.agency.agencyId,
        batch.root,
        batch.leaves[0]!,
        size,
        tree.proof(0),
      );
      expect(wrongIndex.proofValid).to.equal(false);
      if (size > 1) {
        const swapped = await view.verifyLeaf(chain.agency.agencyId, batch.root, batch.leaves[0]!, 0, tree.proof(1));
        expect(swapped.proofValid).to.equal(false);
      }
    }
  });

  it("revokeMany with CertificateBatchTree.multiProof revokes exactly the chosen certificates", async () => {
    const batch = await issue(chain, inputs(37, 5_000));
    const chosen = [36, 3, 17, 30, 0];
    const multi = batch.tree.multiProof(chosen);
    expect(multi.indices).to.have.members(chosen);
    await (
      await ledgerAs(chain, chain.officers[0]!).revokeMany(chain.agency.agencyId, batch.root, multi, KEY_COMPROMISE)
    ).wait();
    for (const [index, document] of batch.documents.entries()) {
      const result = await verifyDocument(
        document,
        { keccak: chain.keccak, types: chain.types, trust: trustOnly(view, chain.chainId) },
        { now: NOW },
      );
      if (chosen.includes(index)) {
        expectStatus(result, "REVOKED", "status");
        expect(result.revocation).to.include({ scope: "certificate", reason: "keyCompromise" });
      } else {
        expectStatus(result, "VALID");
      }
    }
  });

  it("suspendMany and reinstateMany with one multiproof move certificates out of and back into VALID", async () => {
    const batch = await issue(chain, inputs(9, 7_000));
    const chosen = [1, 4, 8];
    const multi = batch.tree.multiProof(chosen);
    const ledger = ledgerAs(chain, chain.officers[0]!);
    const statusOf = async (index: number) =>
      (
        await verifyDocument(
          batch.documents[index]!,
          { keccak: chain.keccak, types: chain.types, trust: trustOnly(view, chain.chainId) },
          { now: NOW },
        )
      ).status;

    await (await ledger.suspendMany(chain.agency.agencyId, batch.root, multi, CERTIFICATE_HOLD)).wait();
    for (let index = 0; index < 9; index++)
      expect(await statusOf(index), `index ${index}`).to.equal(chosen.includes(index) ? "SUSPENDED" : "VALID");

    await (await ledger.reinstateMany(chain.agency.agencyId, batch.root, multi)).wait();
    for (let index = 0; index < 9; index++) expect(await statusOf(index), `index ${index}`).to.equal("VALID");
  });
});
