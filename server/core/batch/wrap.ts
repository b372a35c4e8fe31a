import { CoreError } from "../errors.ts";
import { createDocuments } from "../document/create.ts";
import type { CreateOptions } from "../document/create.ts";
import type { BatchedDocument, CertificateDocument, ProofBlock } from "../document/model.ts";
import type { Keccak256 } from "../hashing/keccak.ts";
import { CertificateBatchTree } from "./merkle.ts";

export interface WrappedBatch {
  root: string;
  /** each with its proof block (root, proof, leaf, index); chainId, ledger, txHash come with anchoring */
  documents: BatchedDocument[];
  leaves: string[];
  tree: CertificateBatchTree;
}

/** Certificates to documents to one Merkle root: index i of the batch is input i. */
export function wrapBatch(inputs: readonly unknown[], options: CreateOptions): WrappedBatch {
  const { documents, leaves } = createDocuments(inputs, options);
  const tree = CertificateBatchTree.of(leaves, options.keccak);
  // These documents are this call's own, so each gets its proof block in place rather than on a
  // copy: at 100,000 certificates the copies doubled what the garbage collector had to trace.
  const batched = documents.map((document, index): BatchedDocument => {
    document.proof = proofBlock(tree, leaves, index);
    return document as BatchedDocument;
  });
  return { root: tree.root, documents: batched, leaves, tree };
}

function proofBlock(tree: CertificateBatchTree, leaves: readonly string[], index: number): ProofBlock {
  return { root: tree.root, proof: tree.proof(index), leaf: leaves[index] ?? "", index };
}

/**
 * Batches documents created earlier (the service creates them at issuance and batches later):
 * `leaves[i]` must be the certificate hash of `documents[i]`.
 */
export function batchDocuments(
  documents: readonly CertificateDocument[],
  leaves: readonly string[],
  keccak: Keccak256,
): { root: string; documents: BatchedDocument[]; tree: CertificateBatchTree } {
  if (documents.length !== leaves.length) {
    throw new CoreError("INVALID_BATCH", `${documents.length} documents but ${leaves.length} leaves`);
  }
  const tree = CertificateBatchTree.of(leaves, keccak);
  const batched = documents.map((document, index) => withProof(document, proofBlock(tree, leaves, index)));
  return { root: tree.root, documents: batched, tree };
}

/** The document with `block` as its proof block (replacing any earlier one). */
export function withProof(document: CertificateDocument, block: ProofBlock): BatchedDocument {
  return { ...document, proof: block };
}

/** The document with where its batch was anchored filled in. */
export function attachAnchor(
  document: BatchedDocument,
  anchor: { chainId: number; ledger: string; txHash: string },
): BatchedDocument {
  return {
    ...document,
    proof: { ...document.proof, chainId: anchor.chainId, ledger: anchor.ledger, txHash: anchor.txHash },
  };
}
