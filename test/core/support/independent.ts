// An independent implementation of the format, from ethers, canonicalize and OpenZeppelin's
// StandardMerkleTree as published: the tests hold the core's fast paths to it.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import canonicalize from "canonicalize";
import { concat, keccak256, toUtf8Bytes } from "ethers";
import type { FieldValue } from "../../../server/core/index.ts";

export function referenceFieldHash(path: string, salt: string, value: FieldValue): string {
  const json = canonicalize({ path, salt, value });
  if (json === undefined) throw new Error("no JSON form");
  return keccak256(toUtf8Bytes(json));
}

/** The certledger/2 certificate hash from `[path, field hash]` pairs: "certledger/2", then per path in ascending order its length byte, the path and the hash. */
export function referenceLeaf(fields: readonly (readonly [string, string])[]): string {
  const sorted = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return keccak256(
    concat([
      toUtf8Bytes("certledger/2"),
      ...sorted.flatMap(([path, hash]) => [new Uint8Array([path.length]), toUtf8Bytes(path), hash]),
    ]),
  );
}

export function referenceTree(leaves: readonly string[]): StandardMerkleTree<[string, number]> {
  return StandardMerkleTree.of(
    leaves.map((leaf, index): [string, number] => [leaf, index]),
    ["bytes32", "uint256"],
  );
}
