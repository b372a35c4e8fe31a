// The library's tree functions, without SimpleMerkleTree's wrapper: that wrapper ABI-encodes every
// value through @metamask/abi-utils (which builds an Error with a stack trace per call), about
// 150 µs per certificate, far over the 50 µs budget. The functions below are what it calls inside.
import { getMultiProof, getProof, makeMerkleTree } from "@openzeppelin/merkle-tree/dist/core.js";
import type { BytesLike, HexString } from "@openzeppelin/merkle-tree/dist/bytes.js";
import { CoreError } from "../errors.ts";
import { fromHex32, toHex32 } from "../hashing/keccak.ts";
import type { Keccak256 } from "../hashing/keccak.ts";

/** Multiproof arguments for the ledger's bulk operations, in the order the contract expects. */
export interface BatchMultiProof {
  leaves: string[];
  indices: number[];
  proof: string[];
  proofFlags: boolean[];
}

/**
 * The tree node of certificate `leaf` at `index`: keccak256(keccak256(abi.encode(leaf, index))),
 * OpenZeppelin's StandardMerkleTree leaf for ["bytes32", "uint256"], as the ledger computes it.
 */
export function treeNode(keccak: Keccak256, leaf: Uint8Array, index: number, scratch = Buffer.alloc(64)): Buffer {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffffffff) {
    throw new CoreError("INVALID_BATCH", `bad leaf index ${index}`);
  }
  scratch.set(leaf, 0);
  scratch.fill(0, 32, 58);
  scratch.writeUIntBE(index, 58, 6);
  return keccak.digest(keccak.digest(scratch));
}

/** OpenZeppelin's commutative node hash (keccak256 of the sorted pair), over hex strings. */
export function commutativeNodeHash(keccak: Keccak256): (a: BytesLike, b: BytesLike) => HexString {
  const pair = Buffer.alloc(64);
  return (a, b) => {
    const left = asLowerHex(a);
    const right = asLowerHex(b);
    // equal-length lowercase hex sorts like the bytes it encodes
    const [low, high] = left <= right ? [left, right] : [right, left];
    pair.write(low.slice(2), 0, 32, "hex");
    pair.write(high.slice(2), 32, 32, "hex");
    return toHex32(keccak.digest(pair));
  };
}

function asLowerHex(value: BytesLike): string {
  if (typeof value === "string") return value.toLowerCase();
  return "0x" + Buffer.from(value).toString("hex");
}

/** Folds `proof` onto `node` with the commutative node hash; the result is the root it proves. */
export function processProof(keccak: Keccak256, node: Uint8Array, proof: readonly string[]): Buffer {
  const pair = Buffer.alloc(64);
  const sibling = Buffer.alloc(32);
  let current: Buffer = Buffer.from(node);
  for (const hex of proof) {
    sibling.write(hex.slice(2), 0, 32, "hex");
    if (Buffer.compare(current, sibling) <= 0) {
      pair.set(current, 0);
      pair.set(sibling, 32);
    } else {
      pair.set(sibling, 0);
      pair.set(current, 32);
    }
    current = keccak.digest(pair);
  }
  return current;
}

/**
 * The Merkle tree of one batch: certificate hashes with their index labels, nodes sorted like
 * StandardMerkleTree's (so its root and proofs are the same), proofs in O(log n) by tree position.
 */
export class CertificateBatchTree {
  readonly root: string;
  readonly size: number;
  readonly #tree: readonly string[];
  /** tree position of the node of batch index i */
  readonly #treeIndex: Uint32Array;
  readonly #leaves: readonly string[];

  private constructor(tree: string[], treeIndex: Uint32Array, leaves: readonly string[]) {
    this.#tree = tree;
    this.#treeIndex = treeIndex;
    this.#leaves = leaves;
    this.size = leaves.length;
    this.root = tree[0] ?? "";
  }

  /** `leaves[i]` is the certificate hash labelled with index i. */
  static of(leaves: readonly string[], keccak: Keccak256): CertificateBatchTree {
    if (leaves.length === 0 || leaves.length > 0xffffff) {
      throw new CoreError("INVALID_BATCH", `a batch holds 1 to 16777215 certificates, not ${leaves.length}`);
    }
    const scratch = Buffer.alloc(64);
    const nodes = leaves.map((leaf, index) => ({ node: toHex32(treeNode(keccak, fromHex32(leaf), index, scratch)), index }));
    nodes.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
    const tree = makeMerkleTree(
      nodes.map((entry) => entry.node),
      commutativeNodeHash(keccak),
    );
    const treeIndex = new Uint32Array(leaves.length);
    nodes.forEach((entry, position) => {
      treeIndex[entry.index] = tree.length - 1 - position;
    });
    return new CertificateBatchTree(tree, treeIndex, leaves);
  }

  /** The sibling path of the certificate at `index`, leaf to root. */
  proof(index: number): string[] {
    return getProof(this.#tree as string[], this.#position(index));
  }

  /** One multiproof for several certificates of the batch (the ledger's revokeMany / suspendMany). */
  multiProof(indices: readonly number[]): BatchMultiProof {
    if (new Set(indices).size !== indices.length) throw new CoreError("INVALID_BATCH", "duplicate index in multiproof");
    const byPosition = new Map<number, number>();
    for (const index of indices) byPosition.set(this.#position(index), index);
    const multi = getMultiProof(this.#tree as string[], [...byPosition.keys()]);
    const nodeToIndex = new Map<string, number>();
    for (const [position, index] of byPosition) nodeToIndex.set(this.#tree[position] ?? "", index);
    const ordered = multi.leaves.map((node) => {
      const index = nodeToIndex.get(node);
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

  #position(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new CoreError("INVALID_BATCH", `index ${index} is outside the batch of ${this.size}`);
    }
    return this.#treeIndex[index] ?? 0;
  }
}
