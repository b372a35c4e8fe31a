import { expect } from "chai";
import { Keccak256, builtinTypes, computeLeaf, verifyOffline, wrapBatch } from "../../server/core/index.ts";
import type { BatchedDocument, FieldValue } from "../../server/core/index.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";

type Json = Record<string, unknown>;

function clone(document: BatchedDocument): BatchedDocument {
  return JSON.parse(JSON.stringify(document)) as BatchedDocument;
}

/** A different value of the same shape, so the document stays well formed and only the hash can tell. */
function changed(value: FieldValue): FieldValue {
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(value)) return value.slice(0, -1) + (value.endsWith("Z") ? "Y" : "Z");
  if (/^\d{4}-/.test(value)) return String(Number(value.slice(0, 4)) + 1) + value.slice(4);
  if (/^\d{6}$/.test(value)) return value === "120000" ? "110000" : "120000";
  if (/^[a-z][a-z0-9-]*$/.test(value)) return value + "-x";
  return value + "改";
}

function setField(document: BatchedDocument, path: string, value: FieldValue): void {
  const [head, tail] = path.split(".") as [string, string | undefined];
  if (tail === undefined) (document as unknown as Json)[head] = value;
  else ((document as unknown as Json)[head] as Json)[tail] = value;
}

function shownPaths(document: BatchedDocument): string[] {
  return Object.keys(document.salts);
}

function valueAt(document: BatchedDocument, path: string): FieldValue {
  const [head, tail] = path.split(".") as [string, string | undefined];
  const holder = (tail === undefined ? document : (document as unknown as Json)[head]) as Json;
  return holder[tail ?? head] as FieldValue;
}

/** The same JSON with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  }
  return value;
}

const types = builtinTypes();

describe("core: offline verification detects every change", () => {
  let keccak: Keccak256;
  let documents: BatchedDocument[];
  before(async () => {
    keccak = await Keccak256.create();
    documents = wrapBatch(Object.values(sampleInputs(5)), { types: builtinTypes(), keccak }).documents;
  });

  it("untouched documents of every shipped type pass format, integrity and merkleProof", () => {
    expect(documents.map((d) => d.type)).to.have.members(
      builtinTypes()
        .list()
        .map((t) => t.name),
    );
    for (const document of documents) {
      const result = verifyOffline(document, keccak, types);
      expect(result.passed).to.equal(true);
      expect(result.status).to.equal(null);
      expect(result.checks.map((c) => [c.name, c.passed])).to.deep.equal([
        ["format", true],
        ["integrity", true],
        ["merkleProof", true],
      ]);
    }
  });

  it("changing any field of any shipped type gives TAMPERED at the integrity check", () => {
    let tried = 0;
    for (const document of documents) {
      for (const path of shownPaths(document)) {
        const tampered = clone(document);
        setField(tampered, path, changed(valueAt(document, path)));
        const result = verifyOffline(tampered, keccak, types);
        expect(result.status, `${document.type} ${path}`).to.equal("TAMPERED");
        expect(result.checks.at(-1)).to.include({ name: "integrity", passed: false });
        tried++;
      }
    }
    // every field of every shipped type was present, so every one was tried
    for (const document of documents) {
      const type = builtinTypes().get(document.type);
      expect(Object.keys(document.subject)).to.have.members(type.fields.map((field) => field.name));
    }
    expect(tried).to.be.greaterThan(60);
  });

  it("changing a salt, a hidden hash, the proof, the index, the leaf or the root gives TAMPERED", () => {
    const document = documents[0]!;
    const edits: [string, (d: BatchedDocument) => void][] = [
      [
        "salt",
        (d) => {
          d.salts["subject.uscc"] = "0".repeat(32);
        },
      ],
      [
        "hidden hash",
        (d) => {
          d.hidden = { "subject.extra": "0x" + "11".repeat(32) };
        },
      ],
      [
        "proof sibling",
        (d) => {
          d.proof.proof[0] = "0x" + "22".repeat(32);
        },
      ],
      [
        "proof shortened",
        (d) => {
          d.proof.proof.pop();
        },
      ],
      [
        "index",
        (d) => {
          d.proof.index += 1;
        },
      ],
      [
        "leaf",
        (d) => {
          d.proof.leaf = "0x" + "33".repeat(32);
        },
      ],
      [
        "root",
        (d) => {
          d.proof.root = "0x" + "44".repeat(32);
        },
      ],
    ];
    for (const [label, edit] of edits) {
      const tampered = clone(document);
      edit(tampered);
      expect(verifyOffline(tampered, keccak, types).status, label).to.equal("TAMPERED");
    }
  });

  it("removing a field with its salt, or adding one with a salt, gives TAMPERED", () => {
    const removed = clone(documents[0]!);
    delete removed.subject.registeredCapital;
    delete removed.salts["subject.registeredCapital"];
    expect(verifyOffline(removed, keccak, types).status).to.equal("TAMPERED");
    const added = clone(documents[2]!);
    added.subject.remark = "补充";
    added.salts["subject.remark"] = "ab".repeat(16);
    expect(verifyOffline(added, keccak, types).status).to.equal("TAMPERED");
  });

  it("re-ordering keys and changing whitespace changes nothing", () => {
    for (const document of documents) {
      for (const text of [
        JSON.stringify(reversedKeys(document)),
        JSON.stringify(reversedKeys(document), null, 4),
        JSON.stringify(document, null, "\t").replace(/\n/g, "\r\n"),
        ` \n${JSON.stringify(document)}\n\n`,
      ]) {
        const result = verifyOffline(text, keccak, types);
        expect(result.status).to.equal(null);
        expect(computeLeaf(JSON.parse(text) as BatchedDocument, keccak)).to.equal(document.proof.leaf);
      }
    }
  });

  it("reports MALFORMED for what is not a certledger/2 document, naming where", () => {
    const document = documents[1]!;
    const cases: [string, unknown][] = [
      ["not JSON", "{not json"],
      ["null", null],
      ["wrong version", { ...clone(document), version: "certledger/3" }],
      ["no proof block", (({ proof: _proof, ...rest }) => rest)(clone(document))],
      ["salt missing", { ...clone(document), salts: {} }],
      [
        "upper-case hash",
        {
          ...clone(document),
          proof: { ...document.proof, leaf: document.proof.leaf.toUpperCase().replace("0X", "0x") },
        },
      ],
      ["unknown key", { ...clone(document), extra: 1 }],
      ["validUntil hidden", { ...clone(document), hidden: { validUntil: "0x" + "11".repeat(32) } }],
      ["nested value", { ...clone(document), subject: { ...document.subject, operatorName: { zh: "x" } } }],
      ["lone surrogate", { ...clone(document), subject: { ...document.subject, operatorName: "\ud800" } }],
      ["date without offset", { ...clone(document), validFrom: "2024-01-01T00:00:00" }],
    ];
    for (const [label, input] of cases) {
      const result = verifyOffline(input, keccak, types);
      expect(result.status, label).to.equal("MALFORMED");
      expect(result.checks).to.have.length(1);
      expect(result.checks[0]).to.include({ name: "format", passed: false });
      expect(result.document).to.equal(null);
    }
  });

  it("never quotes field values in check details", () => {
    const tampered = clone(documents[2]!);
    tampered.subject.holderName = "王示例改";
    const details = verifyOffline(tampered, keccak, types)
      .checks.map((c) => c.detail)
      .join(" ");
    expect(details).to.not.include("王示例");
  });
});
