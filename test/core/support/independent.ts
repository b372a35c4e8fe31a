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

export function referenceLeaf(fieldHashes: readonly string[]): string {
  return keccak256(concat([...fieldHashes].sort()));
}

export function referenceTree(leaves: readonly string[]): StandardMerkleTree<[string, number]> {
  return StandardMerkleTree.of(
    leaves.map((leaf, index): [string, number] => [leaf, index]),
    ["bytes32", "uint256"],
  );
}
