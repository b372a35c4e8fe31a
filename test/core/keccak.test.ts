import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { getBytes, keccak256, toUtf8Bytes } from "ethers";
import fc from "fast-check";
import { CoreError, Keccak256, toHex32 } from "../../server/core/index.ts";
import { processProof } from "../../server/core/batch/merkle.ts";

const ROOT = new URL("../../", import.meta.url);
const run = (command: string, args: string[]) => promisify(execFile)(command, args, { cwd: ROOT });

/** The commutative pair fold of OpenZeppelin's MerkleProof, from ethers' keccak. */
function referenceFold(node: string, proof: readonly string[]): string {
  return proof.reduce((current, sibling) => {
    const [first, second] = current <= sibling ? [current, sibling] : [sibling, current];
    return keccak256(new Uint8Array([...getBytes(first), ...getBytes(second)]));
  }, node);
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex32(b));

describe("core: keccak256 (the project's WebAssembly module)", () => {
  let keccak: Keccak256;
  before(async () => {
    keccak = await Keccak256.create();
  });

  it("the committed keccak.wasm is what wasm/keccak.ts compiles to", async function () {
    this.timeout(60_000);
    const dir = await mkdtemp(join(tmpdir(), "certledger-wasm-"));
    try {
      // the compiler's command line, not its API: asc's type declarations redefine the global Array
      await run(process.execPath, [
        "node_modules/assemblyscript/bin/asc.js",
        "wasm/keccak.ts",
        "--config",
        "wasm/asconfig.json",
        "--target",
        "release",
        "--outFile",
        join(dir, "keccak.wasm"),
      ]);
      const built = await readFile(join(dir, "keccak.wasm"));
      const committed = await readFile(new URL("server/core/hashing/keccak.wasm", ROOT));
      expect(built.equals(committed), "run `npm run build:wasm` and commit the result").to.equal(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("hashes every length across the rate, the scratch buffer and its chunks as ethers does", () => {
    const lengths = [
      ...Array.from({ length: 300 }, (_, n) => n),
      4095,
      4096,
      4097,
      4096 + 135,
      4096 + 136,
      4096 + 137,
      8192,
      3 * 4096 + 1,
      20_000,
    ];
    for (const length of lengths) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 151 + length) & 0xff);
      expect(toHex32(keccak.digest(data)), `${length} bytes`).to.equal(keccak256(data));
    }
  });

  it("hashes random bytes and text (UTF-8, short and past the scratch buffer) as ethers does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), (data) => {
        expect(toHex32(keccak.digest(data))).to.equal(keccak256(data));
      }),
      { numRuns: 300, seed: 41 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 2000 }), fc.string({ maxLength: 300 })), (text) => {
        expect(toHex32(keccak.digest(text))).to.equal(keccak256(toUtf8Bytes(text)));
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(toHex32(keccak.digest("北".repeat(1366)))).to.equal(keccak256(toUtf8Bytes("北".repeat(1366))));
    expect(toHex32(keccak.digest("北".repeat(1367)))).to.equal(keccak256(toUtf8Bytes("北".repeat(1367))));
  });

  it("a digest is a copy, and the digest left in scratch hashes again without a write", () => {
    const first = keccak.digest("certledger");
    keccak.scratch.write("certledger", 0, "latin1");
    const second = keccak.digestScratch(10);
    expect(toHex32(first)).to.equal(toHex32(second));
    const again = keccak.digestScratch(32);
    expect(toHex32(first), "the copy handed out is not overwritten").to.equal(keccak256(toUtf8Bytes("certledger")));
    expect(toHex32(again)).to.equal(keccak256(first));
    keccak.scratch.fill(7, 0, 100);
    expect(toHex32(keccak.digest(keccak.scratch.subarray(0, 100)))).to.equal(keccak256(new Uint8Array(100).fill(7)));
  });

  it("folds a proof of any depth as OpenZeppelin's MerkleProof does, nodes that share a prefix included", () => {
    // siblings that agree with the node on their first bytes, so the order is settled late
    const nearby = fc
      .tuple(bytes32, fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 255 }))
      .map(([node, at, byte]) => {
        const b = getBytes(node);
        b[at] = byte;
        return toHex32(b);
      });
    fc.assert(
      fc.property(bytes32, fc.array(fc.oneof(bytes32, nearby), { maxLength: 64 }), (node, proof) => {
        expect(toHex32(processProof(keccak, getBytes(node), proof))).to.equal(referenceFold(node, proof));
      }),
      { numRuns: 500, seed: 43 },
    );
    const node = keccak256(toUtf8Bytes("a node"));
    expect(toHex32(processProof(keccak, getBytes(node), [node]))).to.equal(referenceFold(node, [node]));
  });

  it("refuses a proof node that is not 32 bytes of hex, and a proof longer than the module holds", () => {
    const node = getBytes(keccak256(toUtf8Bytes("a node")));
    const good = keccak256(toUtf8Bytes("a sibling"));
    for (const bad of [good.slice(0, 64), `${good.slice(0, 40)}zz${good.slice(42)}`, "0x", ""]) {
      expect(() => processProof(keccak, node, [good, bad]), bad).to.throw(CoreError, /bytes32/);
    }
    expect(() =>
      processProof(
        keccak,
        node,
        Array.from({ length: 128 }, () => good),
      ),
    ).to.throw(CoreError, /too long/);
    expect(
      toHex32(
        processProof(
          keccak,
          node,
          Array.from({ length: 127 }, () => good),
        ),
      ),
    ).to.equal(
      referenceFold(
        toHex32(node),
        Array.from({ length: 127 }, () => good),
      ),
    );
  });

  it("instances do not share state", async () => {
    const other = await Keccak256.create();
    keccak.scratch.fill(1, 0, 64);
    other.scratch.fill(2, 0, 64);
    expect(toHex32(keccak.digestScratch(64))).to.equal(keccak256(new Uint8Array(64).fill(1)));
    expect(toHex32(other.digestScratch(64))).to.equal(keccak256(new Uint8Array(64).fill(2)));
  });
});
