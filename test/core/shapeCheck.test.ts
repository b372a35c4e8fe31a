import { readdirSync, readFileSync } from "node:fs";
import { expect } from "chai";
import fc from "fast-check";
import { batchedDocumentSchema } from "../../server/core/index.ts";
import type { BatchedDocument } from "../../server/core/index.ts";
import { isWellFormedBatchedDocument } from "../../server/core/document/shapeCheck.ts";

const fixtures = new URL("../fixtures/", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("vectors.json", fixtures), "utf8")) as {
  documents: BatchedDocument[];
  disclosed: { document: BatchedDocument };
};
const adversarial = readdirSync(new URL("adversarial/", fixtures))
  .filter((name) => /^\d\d-.*\.json$/.test(name))
  .map((name) => JSON.parse(readFileSync(new URL(`adversarial/${name}`, fixtures), "utf8")) as { document: unknown });
const valid = [...vectors.documents, vectors.disclosed.document];

const zodAccepts = (value: unknown): boolean => batchedDocumentSchema.safeParse(value).success;

/** Sets `value` at `path` in a deep copy of `document` (undefined deletes the key). */
function mutated(document: unknown, path: readonly string[], value: unknown): unknown {
  const copy = structuredClone(document) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== "object" || next === null) return copy;
    target = next as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  // as JSON can say it: an element leaves a list without a hole
  if (value === undefined && Array.isArray(target)) target.splice(Number(last), 1);
  else if (value === undefined) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return copy;
}

/** Every key path of a JSON value (objects and arrays), the value itself excluded. */
function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...keyPaths(child, [...prefix, key])]);
}

// values near every rule's edge: the shapes the format refuses and the ones it only just accepts
const edgeValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0xffffff,
    0x1000000,
    0xffffffff,
    2 ** 32,
    2 ** 53,
    1.5,
    "",
    "\ud800",
    "110000",
    "11000",
    "0x" + "ab".repeat(32),
    "0x" + "AB".repeat(32),
    "0x" + "ab".repeat(31),
    "ab".repeat(16),
    "0x" + "ab".repeat(20),
    // a wrong digit in either place of a pair, a capital prefix, and code units past ASCII whose
    // low byte is a hex digit's (U+0161, U+FF41) or that look like one (U+0663, fullwidth a)
    "0x" + "ab".repeat(31) + "aG",
    "0x" + "ab".repeat(31) + "Ga",
    "0X" + "ab".repeat(32),
    "0x" + "ab".repeat(31) + "a\u0161",
    "0x" + "\uff41b".repeat(32),
    "ab".repeat(15) + "\u0663a",
    "ab".repeat(15) + "a\u0161",
    "2026-02-29T00:00:00Z",
    "2028-02-29T00:00:00+08:00",
    "01JC8A00000000000000000002",
    "certledger/2",
    [],
    {},
    null,
    true,
  ),
);

describe("core: hand-written shape check of a batched document", () => {
  it("accepts the committed vectors, as the schema does", () => {
    for (const document of valid) {
      expect(isWellFormedBatchedDocument(document)).to.equal(true);
      expect(zodAccepts(document)).to.equal(true);
    }
  });

  it("answers as the schema does on every document of the adversarial corpus", () => {
    expect(adversarial.length).to.be.greaterThan(10);
    for (const { document } of adversarial) {
      expect(isWellFormedBatchedDocument(document)).to.equal(zodAccepts(document));
    }
  });

  it("answers as the schema does when any key of a valid document is changed, removed or added", () => {
    const documents = [...valid, ...adversarial.map(({ document }) => document)];
    const paths = documents.map((document) => keyPaths(document));
    fc.assert(
      fc.property(
        fc.nat(documents.length - 1),
        fc.nat(),
        fc.boolean(),
        fc.oneof(fc.constant(undefined), edgeValue),
        fc.string({ maxLength: 12 }),
        (which, pathChoice, addKey, value, newKey) => {
          const candidates = paths[which]!;
          const path = candidates[pathChoice % candidates.length]!;
          const document = mutated(
            documents[which],
            addKey ? [...path.slice(0, -1), newKey] : path,
            addKey && value === undefined ? "x" : value,
          );
          expect(isWellFormedBatchedDocument(document), JSON.stringify(document)).to.equal(zodAccepts(document));
        },
      ),
      { numRuns: 3000, seed: 15 },
    );
  });

  it("answers as the schema does for near-hex text in every place that holds a hash or a salt", () => {
    const nearHex = [
      "0x" + "ab".repeat(32),
      "0x" + "0f".repeat(32),
      "0x" + "ab".repeat(31) + "aG",
      "0x" + "ab".repeat(31) + "Ga",
      "0x" + "AB".repeat(32),
      "0X" + "ab".repeat(32),
      "1x" + "ab".repeat(32),
      "0x" + "ab".repeat(31) + "a\u0161",
      "0x" + "\uff41b".repeat(32),
      "0x" + "ab".repeat(31) + "a",
      "ab".repeat(16),
      "AB".repeat(16),
      "ab".repeat(15) + "a\u0161",
      "ab".repeat(15) + "\u0663a",
      "ab".repeat(15) + "a",
      "0x" + "ab".repeat(15),
    ];
    const document = vectors.disclosed.document;
    const hidden = Object.keys(document.hidden ?? {})[0]!;
    const places = [
      ["proof", "root"],
      ["proof", "leaf"],
      ["proof", "txHash"],
      ["proof", "proof", "0"],
      ["salts", Object.keys(document.salts)[0]!],
      ["hidden", hidden],
    ];
    for (const place of places) {
      for (const text of nearHex) {
        const changed = mutated(document, place, text);
        expect(isWellFormedBatchedDocument(changed), `${place.join(".")} = ${text}`).to.equal(zodAccepts(changed));
      }
    }
  });

  it("answers as the schema does for a salt or hidden hash moved between maps", () => {
    for (const document of valid) {
      for (const path of Object.keys(document.salts)) {
        const salt = document.salts[path]!;
        const moved = mutated(mutated(document, ["salts", path], undefined), ["hidden", path], "0x" + "11".repeat(32));
        expect(isWellFormedBatchedDocument(moved)).to.equal(zodAccepts(moved));
        const extra = mutated(document, ["salts", `subject.extra${salt.slice(0, 3)}`], salt);
        expect(isWellFormedBatchedDocument(extra)).to.equal(false);
        expect(zodAccepts(extra)).to.equal(false);
      }
    }
  });

  it("refuses objects that are not plain JSON objects, leaving them to the schema", () => {
    const document = valid[0]!;
    const withPrototype = Object.assign(Object.create({ inherited: true }) as object, document);
    expect(isWellFormedBatchedDocument(withPrototype)).to.equal(false);
    expect(isWellFormedBatchedDocument(null)).to.equal(false);
    expect(isWellFormedBatchedDocument([document])).to.equal(false);
  });
});
