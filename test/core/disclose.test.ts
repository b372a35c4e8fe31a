import { expect } from "chai";
import {
  Keccak256,
  REQUIRED_VISIBLE_PATHS,
  attachAnchor,
  builtinTypes,
  computeLeaf,
  disclose,
  fieldHashes,
  hideFields,
  isCoreError,
  verifyOffline,
  wrapBatch,
} from "../../server/core/index.ts";
import type { BatchedDocument, FieldValue } from "../../server/core/index.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";

/** Every primitive value in a JSON tree, except those under `skip` keys. */
function primitives(value: unknown, skip: ReadonlySet<string>, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => primitives(v, skip, out));
  else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) if (!skip.has(key)) primitives(v, skip, out);
  } else out.push(value);
  return out;
}

function hiddenValuesAppearNowhere(disclosed: BatchedDocument, hiddenValues: [string, FieldValue][]): void {
  const text = JSON.stringify(disclosed);
  const values = primitives(JSON.parse(text), new Set(["proof"]));
  for (const [path, hidden] of hiddenValues) {
    expect(values.includes(hidden), `the value of ${path} appears`).to.equal(false);
    // Inside other text only a value of eight characters or more: a short one such as "C1" turns up
    // by chance in the random part of a ULID or in hex (one run in forty, for "C1").
    if (typeof hidden === "string" && hidden.length >= 8) {
      expect(text.includes(JSON.stringify(hidden).slice(1, -1)), `the value of ${path} appears`).to.equal(false);
    }
  }
}

const types = builtinTypes();

describe("core: selective disclosure", () => {
  let keccak: Keccak256;
  let documents: BatchedDocument[];
  before(async () => {
    keccak = await Keccak256.create();
    documents = wrapBatch(Object.values(sampleInputs(9)), { types: builtinTypes(), keccak }).documents;
  });

  it("a document of each type keeping one subject field verifies, keeps its leaf, and hides every other value and salt", () => {
    for (const document of documents) {
      const [kept, ...others] = Object.keys(document.subject);
      const disclosed = disclose(document, [`subject.${kept!}`], keccak);
      expect(verifyOffline(disclosed, keccak, types).status, document.type).to.equal(null);
      expect(computeLeaf(disclosed, keccak)).to.equal(document.proof.leaf);
      expect(Object.keys(disclosed.subject)).to.deep.equal([kept]);
      expect(disclosed.issuer.name).to.equal(document.issuer.name);
      expect(disclosed.issuedAt).to.equal(undefined);
      const hiddenPaths = [...others.map((name) => `subject.${name}`), "issuedAt"];
      expect(Object.keys(disclosed.hidden ?? {})).to.have.members(
        document.supersedes === undefined ? hiddenPaths : [...hiddenPaths, "supersedes"],
      );
      for (const path of hiddenPaths) expect(disclosed.salts).to.not.have.property(path);
      hiddenValuesAppearNowhere(disclosed, [
        // a university issuing its own diploma names itself as the institution: that value stays shown as the issuer
        ...others
          .filter((name) => document.subject[name] !== document.issuer.name)
          .map((name): [string, FieldValue] => [`subject.${name}`, document.subject[name]!]),
        ["issuedAt", document.issuedAt!],
        ...hiddenPaths.map((path): [string, FieldValue] => [`salt of ${path}`, document.salts[path]!]),
      ]);
      const hashes = fieldHashes(document, keccak);
      for (const [path, hash] of Object.entries(disclosed.hidden ?? {})) expect(hash).to.equal(hashes[path]);
    }
  });

  it("keeps the fields a verifier needs whatever the keep list says", () => {
    const document = documents[1]!;
    const disclosed = disclose(document, [], keccak);
    for (const path of REQUIRED_VISIBLE_PATHS) {
      if (path === "validUntil" && document.validUntil === undefined) continue;
      expect(disclosed.salts, path).to.have.property(path);
    }
    expect(disclosed.subject).to.deep.equal({});
    expect(verifyOffline(disclosed, keccak, types).status).to.equal(null);
  });

  it("a disclosed document can be disclosed further and still verifies", () => {
    const document = documents[3]!;
    const first = disclose(document, ["subject.institution", "subject.major", "subject.educationLevel"], keccak);
    const second = disclose(first, ["subject.major"], keccak);
    expect(Object.keys(second.subject)).to.deep.equal(["major"]);
    expect(verifyOffline(second, keccak, types).status).to.equal(null);
    expect(() => disclose(second, ["subject.institution"], keccak))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "UNKNOWN_FIELD"));
  });

  it("refuses to hide the fields a verifier needs, with a clear error", () => {
    const document = documents[1]!;
    for (const path of [
      "id",
      "type",
      "issuer.agencyId",
      "issuer.name",
      "issuer.jurisdiction",
      "validFrom",
      "validUntil",
    ]) {
      expect(() => hideFields(document, [path], keccak))
        .to.throw(/cannot be hidden/)
        .that.satisfies((e: unknown) => isCoreError(e, "FIELD_NOT_HIDEABLE"));
    }
    expect(() => hideFields(document, ["proof"], keccak))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "FIELD_NOT_HIDEABLE"));
    expect(() => hideFields(document, ["subject.nope"], keccak))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "UNKNOWN_FIELD"));
    const hidden = hideFields(document, ["subject.uscc", "issuedAt"], keccak);
    expect(hidden.subject).to.not.have.property("uscc");
    expect(verifyOffline(hidden, keccak, types).status).to.equal(null);
  });

  it("an anchored document keeps its anchor through disclosure, and the input is never modified", () => {
    const anchored = attachAnchor(documents[0]!, {
      chainId: 31337,
      ledger: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      txHash: "0x" + "ab".repeat(32),
    });
    const before = JSON.stringify(anchored);
    const disclosed = disclose(anchored, ["subject.companyName"], keccak);
    expect(JSON.stringify(anchored)).to.equal(before);
    expect(disclosed.proof).to.deep.equal(anchored.proof);
    expect(verifyOffline(disclosed, keccak, types).status).to.equal(null);
  });
});
