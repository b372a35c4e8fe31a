// The operations of the gas benchmark, measured on a fresh Hardhat in-process network: shared by
// `npm run bench:gas` (which writes bench/results/gas.json) and the budget check in `npm test`.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { ContractTransactionResponse } from "ethers";
import { network } from "hardhat";
import { DEFAULT_COMPROMISE_WINDOW, DEFAULT_GOVERNANCE_TRANSFER_DELAY } from "../../server/chain/contracts.ts";
import { LEAF_STATUS, compactSignature, signAnchor, signStatusChange } from "../../server/chain/delegatedSigning.ts";
import { signOfficerConsent } from "../../server/chain/officerConsent.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";

const TYPE_ID = 1;
const AGENCY_ID = 1;
const BEIJING = 110_000;
const KEY_COMPROMISE = 1;
const CERTIFICATE_HOLD = 6;
const BATCH_SIZE = 1_000;
const BULK_COUNT = 100;

/** Gas used by each benchmarked operation, by metric name (bulk operations per certificate). */
export async function measureGas(): Promise<Record<string, number>> {
  const { ethers } = await network.create();
  const [governance, admin, signer] = await ethers.getSigners();
  if (governance === undefined || admin === undefined || signer === undefined) {
    throw new Error("the in-process network has too few accounts");
  }
  const officer = signer;

  const results: Record<string, number> = {};

  async function gasOf(
    metric: string,
    sent: Promise<ContractTransactionResponse | null> | ContractTransactionResponse | null,
    per = 1,
  ): Promise<void> {
    const receipt = await (await sent)?.wait();
    if (receipt == null) throw new Error(`${metric}: no receipt`);
    results[metric] = Math.round(Number(receipt.gasUsed) / per);
  }

  function certificateTree(label: string, size: number): StandardMerkleTree<[string, bigint]> {
    const values = Array.from({ length: size }, (_, i): [string, bigint] => [ethers.id(`${label}-${i}`), BigInt(i)]);
    return StandardMerkleTree.of(values, ["bytes32", "uint256"]);
  }

  /** The leaf and proof of the certificate labelled `index` (its position in the tree differs). */
  function proofFor(tree: StandardMerkleTree<[string, bigint]>, index: number): { leaf: string; proof: string[] } {
    for (const [position, [leaf, label]] of tree.entries()) {
      if (label === BigInt(index)) return { leaf, proof: tree.getProof(position) };
    }
    throw new Error(`no certificate ${index}`);
  }

  // Registry and ledger are one contract: `registry` names its registry half.
  const ledger = await ethers.deployContract("CertificateLedger", [
    governance.address,
    DEFAULT_GOVERNANCE_TRANSFER_DELAY,
    DEFAULT_COMPROMISE_WINDOW,
  ]);
  await gasOf("deploy CertificateLedger", ledger.deploymentTransaction());
  const registry = ledger;

  await gasOf("defineCertificateType", registry.defineCertificateType(TYPE_ID, ethers.id("schema")));
  await gasOf(
    "registerAgency",
    registry.registerAgency(AGENCY_ID, BEIJING, ethers.id("metadata"), admin.address, 1n << BigInt(TYPE_ID)),
  );
  const latest = await ethers.provider.getBlock("latest");
  const consent = await signOfficerConsent(officer, {
    registry: await registry.getAddress(),
    chainId: (await ethers.provider.getNetwork()).chainId,
    agencyId: AGENCY_ID,
    deadline: (latest?.timestamp ?? 0) + 3600,
  });
  await gasOf(
    "addOfficer",
    registry.connect(admin).addOfficer(AGENCY_ID, officer.address, consent.deadline, consent.signature),
  );
  const asOfficer = ledger.connect(officer);

  const single = certificateTree("single", BATCH_SIZE);
  await gasOf(`anchor (size ${BATCH_SIZE})`, asOfficer.anchor(single.root, TYPE_ID, BATCH_SIZE));
  await gasOf("anchor (size 100000)", asOfficer.anchor(ethers.id("large batch"), TYPE_ID, 100_000));

  // Each certificate sits in a status word no earlier operation touched: the first write to a word.
  const revoked = proofFor(single, 500);
  await gasOf(
    `revoke (1 of ${BATCH_SIZE}, proof included)`,
    asOfficer.revoke(single.root, revoked.leaf, statusTarget(AGENCY_ID, 500, KEY_COMPROMISE), revoked.proof),
  );
  // The same status word as certificate 500: what most revocations of a batch cost once a word is in use.
  const neighbour = proofFor(single, 501);
  await gasOf(
    "revoke (1, status word already written)",
    asOfficer.revoke(single.root, neighbour.leaf, statusTarget(AGENCY_ID, 501, KEY_COMPROMISE), neighbour.proof),
  );
  const held = proofFor(single, 700);
  await gasOf(
    "suspend (1, proof included)",
    asOfficer.suspend(single.root, held.leaf, statusTarget(AGENCY_ID, 700, CERTIFICATE_HOLD), held.proof),
  );
  await gasOf(
    "reinstate (1, proof included)",
    asOfficer.reinstate(single.root, held.leaf, statusTarget(AGENCY_ID, 700, 0), held.proof),
  );

  // Delegated: a relayer (governance's account here) sends the officer's signature. An anchor carries
  // no nonce (its root refuses a replay); a status change names its status word's version.
  const relayer = ledger.connect(governance);
  const ref = { address: await ledger.getAddress(), chainId: (await ethers.provider.getNetwork()).chainId };
  const deadline = (latest?.timestamp ?? 0) + 365 * 24 * 3600;
  async function anchorBySig(metric: string, label: string): Promise<StandardMerkleTree<[string, bigint]>> {
    const tree = certificateTree(label, BATCH_SIZE);
    const signature = await signAnchor(officer, ref, { root: tree.root, typeId: TYPE_ID, size: BATCH_SIZE, deadline });
    await gasOf(metric, relayer.anchorBySig(officer.address, tree.root, TYPE_ID, BATCH_SIZE, deadline, signature));
    return tree;
  }
  const delegated = await anchorBySig(`anchorBySig (size ${BATCH_SIZE})`, "delegated");
  const target = proofFor(delegated, 500);
  const change = {
    officer: officer.address,
    agencyId: AGENCY_ID,
    root: delegated.root,
    leaf: target.leaf,
    index: 500,
    status: LEAF_STATUS.revoked,
    reason: KEY_COMPROMISE,
    version: await ledger.statusVersion(AGENCY_ID, delegated.root, 500),
    deadline,
  };
  const { r, vs } = compactSignature(await signStatusChange(officer, ref, change));
  await gasOf(
    `changeStatusBySig revoke (1 of ${BATCH_SIZE}, proof included)`,
    relayer.changeStatusBySig(change, target.proof, r, vs),
  );

  const { leaf: probeLeaf, proof: probeProof } = proofFor(single, 900);
  results["verifyLeaf (eth_estimateGas)"] = Number(
    await ledger.verifyLeaf.estimateGas(AGENCY_ID, single.root, probeLeaf, 900, probeProof),
  );

  // Every tenth certificate: spread over all 32 status words, the costly case for bulk operations.
  async function bulk(label: string, operation: "revokeMany" | "suspendMany"): Promise<void> {
    const tree = certificateTree(label, BATCH_SIZE);
    await (await asOfficer.anchor(tree.root, TYPE_ID, BATCH_SIZE)).wait();
    const positions = [...tree.entries()].filter(([, [, index]]) => index % 10n === 0n).map(([position]) => position);
    const multi = tree.getMultiProof(positions);
    const certificates = {
      leaves: multi.leaves.map(([leaf]) => leaf),
      indices: multi.leaves.map(([, index]) => index),
      proof: multi.proof,
      proofFlags: multi.proofFlags,
    };
    const reason = operation === "revokeMany" ? KEY_COMPROMISE : CERTIFICATE_HOLD;
    const sent = asOfficer[operation](AGENCY_ID, tree.root, certificates, reason);
    await gasOf(`${operation} (${BULK_COUNT} of ${BATCH_SIZE}, per certificate)`, sent, BULK_COUNT);
  }
  await bulk("bulk-revoke", "revokeMany");
  await bulk("bulk-suspend", "suspendMany");

  const condemned = certificateTree("condemned", BATCH_SIZE);
  await (await asOfficer.anchor(condemned.root, TYPE_ID, BATCH_SIZE)).wait();
  await gasOf("revokeBatch", asOfficer.revokeBatch(AGENCY_ID, condemned.root, KEY_COMPROMISE));
  return results;
}
