import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { keccak256, toBeHex } from "ethers";
import {
  CertificateBatchTree,
  Keccak256,
  batchMultiProof,
  isCoreError,
  processProof,
  toHex32,
  treeNode,
} from "../../server/core/index.ts";
import { referenceTree } from "./support/independent.ts";

function leavesOf(size: number, label = "leaf"): string[] {
  return Array.from({ length: size }, (_, i) => keccak256(toBeHex(i + 1, 32) + Buffer.from(label).toString("hex")));
}

describe("core: batch Merkle tree", () => {
  let keccak: Keccak256;
  before(async () => {
    keccak = await Keccak256.create();
  });

  for (const size of [1, 2, 3, 4, 5, 7, 8, 13, 100, 257]) {
    it(`root and every proof equal StandardMerkleTree.of([leaf, index], ["bytes32", "uint256"]) for ${size} leaves`, () => {
      const leaves = leavesOf(size);
      const tree = CertificateBatchTree.of(leaves, keccak);
      const reference = referenceTree(leaves);
      expect(tree.root).to.equal(reference.root);
      expect(tree.size).to.equal(size);
      for (let i = 0; i < size; i++) {
        const proof = tree.proof(i);
        expect(proof).to.deep.equal(reference.getProof(i));
        expect(toHex32(processProof(keccak, treeNode(keccak, leaves[i]!, i), proof))).to.equal(tree.root);
      }
    });
  }

  it("tree nodes equal the library's leaf hash of abi.encode(leaf, index), index as uint256", () => {
    const leaf = leavesOf(1)[0]!;
    for (const index of [0, 1, 255, 256, 65_535, 16_777_215, 2 ** 40 + 3]) {
      const reference = StandardMerkleTree.of([[leaf, index]], ["bytes32", "uint256"]).root;
      expect(toHex32(treeNode(keccak, leaf, index))).to.equal(reference);
    }
  });

  it("a proof does not verify for another index, another leaf or a changed sibling", () => {
    const leaves = leavesOf(9);
    const tree = CertificateBatchTree.of(leaves, keccak);
    const proof = tree.proof(4);
    const rootFor = (leaf: string, index: number, path: string[]) =>
      toHex32(processProof(keccak, treeNode(keccak, leaf, index), path));
    expect(rootFor(leaves[4]!, 4, proof)).to.equal(tree.root);
    expect(rootFor(leaves[4]!, 5, proof)).to.not.equal(tree.root);
    expect(rootFor(leaves[5]!, 4, proof)).to.not.equal(tree.root);
    const changed = [...proof];
    changed[0] = leaves[0]!;
    expect(rootFor(leaves[4]!, 4, changed)).to.not.equal(tree.root);
  });

  it("multiproofs equal the library's and verify with its processMultiProof order", () => {
    const leaves = leavesOf(50);
    const tree = CertificateBatchTree.of(leaves, keccak);
    const reference = referenceTree(leaves);
    for (const subset of [[0], [3, 17], [49, 0, 25, 12], Array.from({ length: 50 }, (_, i) => i), [7, 8, 9, 10, 11]]) {
      const multi = tree.multiProof(subset);
      const expected = reference.getMultiProof(subset);
      expect(multi.leaves).to.deep.equal(expected.leaves.map(([leaf]) => leaf));
      expect(multi.indices).to.deep.equal(expected.leaves.map(([, index]) => index));
      expect(multi.proof).to.deep.equal(expected.proof);
      expect(multi.proofFlags).to.deep.equal(expected.proofFlags);
      expect(multi.indices.map((i) => leaves[i])).to.deep.equal(multi.leaves);
      expect(batchMultiProof(leaves, subset, keccak)).to.deep.equal(multi);
      expect(
        StandardMerkleTree.verifyMultiProof(tree.root, ["bytes32", "uint256"], {
          leaves: multi.leaves.map((leaf, k): [string, number] => [leaf, multi.indices[k]!]),
          proof: multi.proof,
          proofFlags: multi.proofFlags,
        }),
      ).to.equal(true);
    }
  });

  it("refuses empty batches, indices outside the batch and duplicate multiproof indices", () => {
    expect(() => CertificateBatchTree.of([], keccak))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "INVALID_BATCH"));
    const tree = CertificateBatchTree.of(leavesOf(3), keccak);
    expect(() => tree.proof(3))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "INVALID_BATCH"));
    expect(() => tree.proof(-1))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "INVALID_BATCH"));
    expect(() => tree.multiProof([1, 1]))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "INVALID_BATCH"));
  });

  it("refuses a certificate twice in one batch (its second label would outlive a revocation of the first)", () => {
    const leaf = `0x${"ab".repeat(32)}`;
    const other = `0x${"cd".repeat(32)}`;
    expect(() => CertificateBatchTree.of([leaf, other, leaf.toUpperCase().replace("0X", "0x")], keccak))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "INVALID_BATCH"));
  });

  it("the cost of a proof does not grow with the batch (no search through the leaves)", () => {
    const small = CertificateBatchTree.of(leavesOf(64), keccak);
    const large = CertificateBatchTree.of(leavesOf(16_384), keccak);
    const time = (tree: CertificateBatchTree) => {
      const started = process.hrtime.bigint();
      for (let round = 0; round < 5; round++) for (let i = 0; i < 64; i++) tree.proof(i);
      return Number(process.hrtime.bigint() - started) / 64 / 5;
    };
    time(small);
    time(large);
    // 14 siblings against 6: a linear search would be ~250 times slower, a path walk ~3 times
    expect(time(large)).to.be.lessThan(time(small) * 20 + 50_000);
  });
});
