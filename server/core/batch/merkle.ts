import { getMultiProof } from "@openzeppelin/merkle-tree/dist/core.js";
import { CoreError } from "../errors.ts";
import { writeHex32, type Keccak256 } from "../hashing/keccak.ts";

/** Multiproof arguments for the ledger's bulk operations, in the order the contract expects. */
export interface BatchMultiProof {
  leaves: string[];
  indices: number[];
  proof: string[];
  proofFlags: boolean[];
}

const NODE = 32;

/**
 * The tree node of certificate `leaf` at `index`: keccak256(keccak256(abi.encode(leaf, index))),
 * OpenZeppelin's StandardMerkleTree leaf for ["bytes32", "uint256"], as the ledger computes it.
 */
export function treeNode(keccak: Keccak256, leaf: Uint8Array | string, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffffffff) {
    throw new CoreError("INVALID_BATCH", `bad leaf index ${index}`);
  }
  const input = keccak.scratch;
  if (typeof leaf === "string") writeHex32(input, 0, leaf);
  else input.set(leaf, 0);
  input.fill(0, 32, 58);
  input.writeUIntBE(index, 58, 6);
  keccak.digestScratch(2 * NODE);
  // the inner digest is left at the start of the scratch buffer
  return keccak.digestScratch(NODE);
}

/**
 * Folds `proof` onto `node` with OpenZeppelin's commutative node hash (keccak256 of the two nodes in
 * ascending byte order); the result is the root it proves. One call into the hasher for the whole
 * path: a proof step is one hash and little else.
 */
export function processProof(keccak: Keccak256, node: Uint8Array, proof: readonly string[]): Uint8Array {
  return keccak.foldProof(node, proof);
}

/**
 * The Merkle tree of one batch, laid out exactly as OpenZeppelin's StandardMerkleTree lays out
 * `[leaf, index]` values (nodes sorted, array-heap order, commutative pair hash), so its root and
 * proofs are the library's; tests hold it to that. It is written over one contiguous buffer
 * rather than with the library's hex-string tree because the library validates and re-encodes
 * hex at every node and every proof step, ~40 µs per certificate at 100,000, nearly the whole
 * 50 µs budget. Proofs are O(log n) by tree position; the library still builds multiproofs.
 */
export class CertificateBatchTree {
  readonly root: string;
  readonly size: number;
  /** node p at bytes [32p, 32p + 32): root at 0, children of p at 2p + 1 and 2p + 2 */
  readonly #nodes: Buffer;
  /** tree position of the node of batch index i */
  readonly #position: Uint32Array;
  readonly #leaves: readonly string[];
  /**
   * Hex of each node, made once: the nodes near the root are in most proofs, so the proofs of a
   * batch share their strings (about 2n strings for n proofs instead of n log n).
   */
  readonly #hexCache: (string | undefined)[];

  private constructor(nodes: Buffer, position: Uint32Array, leaves: readonly string[]) {
    this.#nodes = nodes;
    this.#position = position;
    this.#leaves = leaves;
    this.#hexCache = new Array<string | undefined>(nodes.length / NODE);
    this.size = leaves.length;
    this.root = this.#hex(0);
  }

  /** `leaves[i]` is the certificate hash (bytes32 hex) labelled with index i. */
  static of(leaves: readonly string[], keccak: Keccak256): CertificateBatchTree {
    const n = leaves.length;
    if (n === 0 || n > 0xffffff) {
      throw new CoreError("INVALID_BATCH", `a batch holds 1 to 16777215 certificates, not ${n}`);
    }
    // One certificate, one label: with (X, 0) and (X, 1) in one tree, revoking X at 0 would leave it
    // valid at 1. Labels are 0..n-1 by construction, so only a repeated leaf can cause that.
    const seen = new Set<string>();
    for (const leaf of leaves) {
      const key = leaf.toLowerCase();
      if (seen.has(key)) throw new CoreError("INVALID_BATCH", `certificate ${leaf} appears twice in the batch`);
      seen.add(key);
    }
    const unsorted = Buffer.allocUnsafe(n * NODE);
    leaves.forEach((leaf, index) => {
      unsorted.set(treeNode(keccak, leaf, index), index * NODE);
    });
    const order = Array.from({ length: n }, (_, index) => index);
    // Each node's first four bytes decide nearly every comparison without a call into Buffer;
    // buf.compare(target, targetStart, targetEnd, sourceStart, sourceEnd) settles ties.
    const head = new Uint32Array(n);
    for (let index = 0; index < n; index++) head[index] = unsorted.readUInt32BE(index * NODE);
    order.sort(
      (a, b) =>
        (head[a] ?? 0) - (head[b] ?? 0) ||
        unsorted.compare(unsorted, b * NODE, b * NODE + NODE, a * NODE, a * NODE + NODE),
    );

    const nodes = Buffer.alloc((2 * n - 1) * NODE);
    const position = new Uint32Array(n);
    order.forEach((index, rank) => {
      // like the library: the k-th smallest node sits at position length - 1 - k
      const p = 2 * n - 2 - rank;
      position[index] = p;
      unsorted.copy(nodes, p * NODE, index * NODE, index * NODE + NODE);
    });
    const pair = keccak.scratch;
    for (let p = n - 2; p >= 0; p--) {
      const left = (2 * p + 1) * NODE;
      const right = left + NODE;
      // the children are adjacent, so in ascending order they are already the pair to hash
      if (nodes.compare(nodes, right, right + NODE, left, right) <= 0) {
        nodes.copy(pair, 0, left, right + NODE);
      } else {
        nodes.copy(pair, 0, right, right + NODE);
        nodes.copy(pair, NODE, left, right);
      }
      nodes.set(keccak.digestScratch(2 * NODE), p * NODE);
    }
    return new CertificateBatchTree(nodes, position, leaves);
  }

  /** The sibling path of the certificate at `index`, leaf to root (the ledger's `proof`). */
  proof(index: number): string[] {
    const proof: string[] = [];
    for (let p = this.#positionOf(index); p > 0; p = (p - 1) >> 1) {
      proof.push(this.#hex(p % 2 === 1 ? p + 1 : p - 1));
    }
    return proof;
  }

  /**
   * One multiproof for several certificates of the batch (the ledger's revokeMany and
   * suspendMany), built by the library: O(n) to lay the tree out as hex, fine for bulk operations.
   */
  multiProof(indices: readonly number[]): BatchMultiProof {
    if (new Set(indices).size !== indices.length) throw new CoreError("INVALID_BATCH", "duplicate index in multiproof");
    const byPosition = new Map<number, number>();
    for (const index of indices) byPosition.set(this.#positionOf(index), index);
    const tree = Array.from({ length: this.#nodes.length / NODE }, (_, p) => this.#hex(p));
    const multi = getMultiProof(tree, [...byPosition.keys()]);
    const byNode = new Map<string, number>();
    for (const [p, index] of byPosition) byNode.set(this.#hex(p), index);
    const ordered = multi.leaves.map((node) => {
      const index = byNode.get(node);
      if (index === undefined) throw new Error("unreachable: multiproof leaf outside the request");
      return index;
    });
    return {
      leaves: ordered.map((index) => this.#leaves[index] ?? ""),
      indices: ordered,
      proof: multi.proof,
      proofFlags: multi.proofFlags,
    };
  }

  #hex(p: number): string {
    let hex = this.#hexCache[p];
    if (hex === undefined) {
      hex = "0x" + this.#nodes.toString("hex", p * NODE, p * NODE + NODE);
      this.#hexCache[p] = hex;
    }
    return hex;
  }

  #positionOf(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new CoreError("INVALID_BATCH", `index ${index} is outside the batch of ${this.size}`);
    }
    return this.#position[index] ?? 0;
  }
}

/**
 * The multiproof for `indices` of the batch whose certificate hashes are `leaves` (index order),
 * for the ledger's revokeMany and suspendMany.
 */
export function batchMultiProof(
  leaves: readonly string[],
  indices: readonly number[],
  keccak: Keccak256,
): BatchMultiProof {
  return CertificateBatchTree.of(leaves, keccak).multiProof(indices);
}
