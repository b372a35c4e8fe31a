import { readFileSync } from "node:fs";
import { expect } from "chai";
import {
  BUILTIN_TYPE_DEFINITIONS,
  CertificateTypeRegistry,
  Keccak256,
  builtinTypes,
  computeLeaf,
  fieldHashes,
  verifyOffline,
  wrapBatch,
} from "../../server/core/index.ts";
import type { BatchedDocument } from "../../server/core/index.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";

const types = builtinTypes();

/** The shipped types with `change` applied to the definition called `name`. */
function typesWith(
  name: string,
  change: (definition: Record<string, unknown>) => Record<string, unknown>,
): CertificateTypeRegistry {
  return CertificateTypeRegistry.fromDefinitions(
    BUILTIN_TYPE_DEFINITIONS.map((d) =>
      (d as { name: string }).name === name ? change(structuredClone(d) as Record<string, unknown>) : d,
    ),
  );
}

/** Moves `path`'s field out of view: value and salt gone, its hash listed in `hidden` under `as`. */
function hideAs(document: BatchedDocument, path: string, as: string, keccak: Keccak256): BatchedDocument {
  const hash = fieldHashes(document, keccak)[path]!;
  const [head, tail] = path.split(".") as [string, string | undefined];
  const without = (record: object, key: string): Record<string, unknown> =>
    Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
  const doctored = (tail === undefined
    ? without(document, head)
    : {
        ...document,
        [head]: without((document as unknown as Record<string, object>)[head]!, tail),
      }) as unknown as BatchedDocument;
  return {
    ...doctored,
    salts: without(document.salts, path) as Record<string, string>,
    hidden: { ...document.hidden, [as]: hash },
  };
}

describe("core: certledger/2 binds every field's name, and the verifier holds documents to their type", () => {
  let keccak: Keccak256;
  let licence: BatchedDocument;

  before(async () => {
    keccak = await Keccak256.create();
    const input = {
      ...sampleInputs(3)["driving-licence"]!,
      validUntil: "2021-05-10T00:00:00+08:00",
      validFrom: "2015-05-10T00:00:00+08:00",
    };
    licence = wrapBatch([input], { types, keccak }).documents[0]!;
    expect(verifyOffline(licence, keccak, types).status).to.equal(null);
  });

  const integrityFailure = (document: unknown, registry = types) => {
    const result = verifyOffline(document, keccak, registry);
    expect(result.checks.at(-1)).to.include({ name: "integrity", passed: false });
    return result;
  };

  it("an expired licence whose validUntil was moved into `hidden` under another name is TAMPERED (certledger/1 said VALID)", () => {
    const doctored = hideAs(licence, "validUntil", "subject.note", keccak);
    expect(integrityFailure(doctored).status).to.equal("TAMPERED");
    expect(computeLeaf(doctored, keccak)).to.not.equal(licence.proof.leaf);
  });

  it("a hidden field relabelled as another field of the type is TAMPERED", () => {
    const hidden = hideAs(licence, "subject.address", "subject.address", keccak);
    expect(verifyOffline(hidden, keccak, types).status).to.equal(null);
    const relabelled = hideAs(licence, "subject.address", "subject.nationality", keccak);
    relabelled.subject.nationality = licence.subject.address!;
    relabelled.salts["subject.nationality"] = licence.salts["subject.address"]!;
    expect(verifyOffline(relabelled, keccak, types).status).to.equal("MALFORMED");
    const hashes = fieldHashes(licence, keccak);
    const swapped = hideAs(
      hideAs(licence, "subject.address", "subject.address", keccak),
      "subject.holderName",
      "subject.holderName",
      keccak,
    );
    swapped.hidden = {
      ...swapped.hidden,
      "subject.address": hashes["subject.holderName"]!,
      "subject.holderName": hashes["subject.address"]!,
    };
    expect(integrityFailure(swapped).status).to.equal("TAMPERED");
  });

  it("validUntil hidden under its own name (its hash intact, so the hash still matches) is TAMPERED: it may never be hidden", () => {
    const result = integrityFailure(hideAs(licence, "validUntil", "validUntil", keccak));
    expect(result.status).to.equal("TAMPERED");
    expect(result.checks.at(-1)?.detail).to.include("validUntil is hidden, and it may never be hidden");
  });

  for (const path of ["validFrom", "id", "type", "issuer.name", "issuer.agencyId", "issuer.jurisdiction"]) {
    it(`${path} hidden under its own name is MALFORMED: every document shows it`, () => {
      const result = verifyOffline(hideAs(licence, path, path, keccak), keccak, types);
      expect(result.status).to.equal("MALFORMED");
      expect(result.checks[0]).to.include({ name: "format", passed: false });
    });
  }

  it("a hidden path the type does not define is TAMPERED, even when an issuer's own software hashed it", () => {
    const extended = typesWith("driving-licence", (d) => ({
      ...d,
      fields: [
        ...(d.fields as unknown[]),
        { name: "note", type: "string", maxLength: 50, required: false, labels: { zh: "备注", en: "Note" } },
      ],
    }));
    const input = {
      ...sampleInputs(4)["driving-licence"]!,
      subject: { ...sampleInputs(4)["driving-licence"]!.subject, note: "x" },
    };
    const rogue = wrapBatch([input], { types: extended, keccak }).documents[0]!;
    const hidden = hideAs(rogue, "subject.note", "subject.note", keccak);
    expect(verifyOffline(hidden, keccak, extended).status).to.equal(null);
    const result = integrityFailure(hidden);
    expect(result.status).to.equal("TAMPERED");
    expect(result.checks.at(-1)?.detail).to.include("subject.note is hidden, and a driving-licence has no such field");
    expect(integrityFailure(rogue).checks.at(-1)?.detail).to.include(
      "subject.note is shown, and a driving-licence has no such field",
    );
  });

  it("a document without a field its type requires is TAMPERED (validUntil where validUntilRequired)", () => {
    const lenient = typesWith("food-business-permit", (d) => ({ ...d, validUntilRequired: false }));
    const input = { ...sampleInputs(5)["food-business-permit"]!, validUntil: undefined };
    const permit = wrapBatch([input], { types: lenient, keccak }).documents[0]!;
    expect(verifyOffline(permit, keccak, lenient).status).to.equal(null);
    const result = integrityFailure(permit);
    expect(result.status).to.equal("TAMPERED");
    expect(result.checks.at(-1)?.detail).to.include("validUntil is missing");
  });

  it("refuses a certledger/1 document with a message that says why and what to do", () => {
    const legacy = JSON.parse(
      readFileSync(new URL("../fixtures/certledger-1-document.json", import.meta.url), "utf8"),
    ) as unknown;
    const result = verifyOffline(legacy, keccak, types);
    expect(result.status).to.equal("MALFORMED");
    expect(result.checks).to.have.length(1);
    expect(result.checks[0]?.detail).to.match(/certledger\/1 is no longer accepted/);
    expect(result.checks[0]?.detail).to.include("Ask the issuing agency for the certledger/2 document");
  });
});
