import { readFileSync } from "node:fs";
import { expect } from "chai";
import fc from "fast-check";
import {
  Keccak256,
  builtinTypes,
  computeLeaf,
  disclose,
  fieldHashes,
  fieldHash,
  fieldPreimage,
  leafFromFields,
  schemaHash,
  toHex32,
  verifyOffline,
  wrapBatch,
} from "../../server/core/index.ts";
import type { BatchedDocument, CertificateInput, FieldValue } from "../../server/core/index.ts";
import { trustedFieldHash } from "../../server/core/hashing/fields.ts";
import { fixedSaltSource } from "./support/fixedSalts.ts";
import { referenceFieldHash, referenceLeaf, referenceTree } from "./support/independent.ts";

interface Vectors {
  preimages: { path: string; salt: string; value: FieldValue; canonical: string; hash: string }[];
  schemaHashes: Record<string, string>;
  inputs: CertificateInput[];
  fieldHashes: Record<string, string>[];
  leaves: string[];
  root: string;
  documents: BatchedDocument[];
  disclosed: { from: number; keep: string[]; document: BatchedDocument };
}

const vectors = JSON.parse(readFileSync(new URL("../fixtures/vectors.json", import.meta.url), "utf8")) as Vectors;

const types = builtinTypes();

describe("core: committed test vectors (the certledger/2 format must not drift)", () => {
  let keccak: Keccak256;
  before(async () => {
    keccak = await Keccak256.create();
  });

  it("field preimages and hashes match the vectors and an independent canonicalize + ethers implementation", () => {
    for (const { path, salt, value, canonical, hash } of vectors.preimages) {
      expect(fieldPreimage(path, salt, value)).to.equal(canonical);
      expect(toHex32(fieldHash(keccak, path, salt, value))).to.equal(hash);
      expect(referenceFieldHash(path, salt, value)).to.equal(hash);
    }
  });

  it("a field preimage is refused for a salt or path that would not serialise as itself", () => {
    const salt = "ab".repeat(16);
    expect(fieldPreimage("subject.note", salt, "x")).to.equal(`{"path":"subject.note","salt":"${salt}","value":"x"}`);
    // upper case, one digit short or long, a non-hex letter, a quote that would end the string early
    for (const bad of ["AB".repeat(16), salt.slice(1), salt + "a", "g" + salt.slice(1), '"' + salt.slice(1)]) {
      expect(() => fieldPreimage("subject.note", bad, "x"), bad).to.throw(/malformed/);
    }
    for (const bad of ['subject."note', "subject.note\\", "1subject", ""]) {
      expect(() => fieldPreimage(bad, salt, "x"), bad).to.throw(/malformed/);
    }
  });

  it("any string, number or boolean hashes as the independent implementation hashes it", () => {
    const value = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme" }),
      // any UTF-16 code units, so lone surrogates too
      fc.array(fc.integer({ min: 0, max: 0xffff })).map((units) => String.fromCharCode(...units)),
      fc.double(),
      fc.constantFrom(-0, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2),
      fc.boolean(),
    );
    fc.assert(
      fc.property(value, (v) => {
        let reference: string | null = null;
        try {
          reference = referenceFieldHash("subject.note", "00".repeat(16), v);
        } catch {
          // the canonicalizer refuses lone surrogates, NaN and infinities: so must the core
        }
        if (reference === null) expect(() => fieldHash(keccak, "subject.note", "00".repeat(16), v)).to.throw();
        else expect(toHex32(fieldHash(keccak, "subject.note", "00".repeat(16), v))).to.equal(reference);
      }),
      { numRuns: 5000, seed: 15 },
    );
  });

  it("the preimage written straight into the hasher hashes as the independent implementation does", () => {
    // short and long (past the scratch buffer, which falls back to the string), plain and escaped
    const value = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme", maxLength: 1500 }),
      fc.array(fc.integer({ min: 0, max: 0xffff })).map((units) => String.fromCharCode(...units)),
      fc.constantFrom("北".repeat(1340), "北".repeat(1341), "a".repeat(4000), 'x"y', "a\\b", "\u2028", "😀"),
      fc.double(),
      fc.boolean(),
    );
    const path = fc.constantFrom("id", "issuer.name", "validFrom", "subject.note", "subject." + "a".repeat(63));
    fc.assert(
      fc.property(path, value, (fieldPath, v) => {
        let reference: string | null = null;
        try {
          reference = referenceFieldHash(fieldPath, "0f".repeat(16), v);
        } catch {
          // refused by the canonicalizer: refused here too
        }
        if (reference === null) expect(() => trustedFieldHash(keccak, fieldPath, "0f".repeat(16), v)).to.throw();
        else expect(toHex32(trustedFieldHash(keccak, fieldPath, "0f".repeat(16), v))).to.equal(reference);
      }),
      { numRuns: 3000, seed: 16 },
    );
  });

  it("wrapping the vector inputs with the fixed salts gives the committed documents, leaves and root", () => {
    const batch = wrapBatch(vectors.inputs, { types: builtinTypes(), keccak, randomBytes: fixedSaltSource });
    expect(batch.leaves).to.deep.equal(vectors.leaves);
    expect(batch.root).to.equal(vectors.root);
    expect(JSON.parse(JSON.stringify(batch.documents))).to.deep.equal(vectors.documents);
    batch.documents.forEach((document, i) => {
      expect(fieldHashes(document, keccak)).to.deep.equal(vectors.fieldHashes[i]);
    });
  });

  it("the committed field hashes, leaves, root and proofs agree with the independent implementation", () => {
    vectors.documents.forEach((document, i) => {
      const hashes = Object.entries(vectors.fieldHashes[i]!);
      for (const [path, hash] of hashes) {
        expect(referenceFieldHash(path, document.salts[path]!, valueAt(document, path))).to.equal(hash);
      }
      expect(referenceLeaf(hashes)).to.equal(vectors.leaves[i]);
    });
    const tree = referenceTree(vectors.leaves);
    expect(tree.root).to.equal(vectors.root);
    vectors.documents.forEach((document, i) => {
      expect(document.proof.proof).to.deep.equal(tree.getProof(i));
      expect(document.proof.index).to.equal(i);
    });
  });

  it("the certificate hash of any set of fields, in any order, equals the independent implementation's, past the hasher's scratch buffer too", () => {
    const field = fc.tuple(
      fc.stringMatching(/^subject\.[a-z][A-Za-z0-9]{0,63}$/),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
    );
    const agrees = (fields: [string, Uint8Array][]) => {
      const expected = referenceLeaf(fields.map(([path, hash]) => [path, toHex32(hash)]));
      const bound = fields.map(([path, hash]) => ({ path, hash }));
      expect(toHex32(leafFromFields(keccak, bound))).to.equal(expected);
    };
    fc.assert(fc.property(fc.uniqueArray(field, { selector: ([path]) => path, minLength: 1, maxLength: 80 }), agrees), {
      numRuns: 300,
    });
    // 64 paths of 72 characters: a preimage of 6,732 bytes, beyond the 4,096 of the scratch buffer
    const long = Array.from({ length: 64 }, (_, i): [string, Uint8Array] => [
      `subject.f${String(63 - i).padStart(63, "0")}`,
      new Uint8Array(32).fill(i),
    ]);
    expect(12 + 64 * (1 + 72 + 32)).to.be.greaterThan(Keccak256.SCRATCH_BYTES);
    agrees(long);
  });

  it("fields keep their own names past the cache of subject paths: 5,000 names, more than it keeps", () => {
    const salt = "ab".repeat(16);
    for (let batch = 0; batch < 25; batch++) {
      const names = Array.from({ length: 200 }, (_, i) => `n${batch}x${i}`);
      const document = structuredClone(vectors.documents[0]!);
      document.subject = Object.fromEntries(names.map((name) => [name, name]));
      document.salts = Object.fromEntries(
        Object.keys(vectors.fieldHashes[0]!)
          .filter((path) => !path.startsWith("subject."))
          .concat(names.map((name) => `subject.${name}`))
          .map((path) => [path, salt]),
      );
      const hashes = fieldHashes(document, keccak);
      for (const name of names) {
        expect(hashes[`subject.${name}`]).to.equal(referenceFieldHash(`subject.${name}`, salt, name));
      }
    }
  });

  it("the committed documents and the committed disclosed document verify offline", () => {
    for (const document of [...vectors.documents, vectors.disclosed.document]) {
      const result = verifyOffline(document, keccak, types);
      expect(result.status, JSON.stringify(result.checks)).to.equal(null);
      expect(computeLeaf(document, keccak)).to.equal(document.proof.leaf);
    }
    const source = vectors.documents[vectors.disclosed.from]!;
    expect(disclose(source, vectors.disclosed.keep, keccak)).to.deep.equal(vectors.disclosed.document);
  });

  it("type schema hashes match the vectors (the registry contract stores them)", () => {
    const types = builtinTypes();
    for (const [name, hash] of Object.entries(vectors.schemaHashes)) {
      expect(schemaHash(types.get(name), keccak)).to.equal(hash);
    }
    expect(Object.keys(vectors.schemaHashes)).to.have.length(types.list().length);
  });
});

function valueAt(document: BatchedDocument, path: string): FieldValue {
  const [head, tail] = path.split(".") as [string, string | undefined];
  const container: unknown = tail === undefined ? document : (document as unknown as Record<string, unknown>)[head];
  const value = (container as Record<string, FieldValue | undefined>)[tail ?? head];
  if (value === undefined) throw new Error(`no value at ${path}`);
  return value;
}
