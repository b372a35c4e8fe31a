import { readFileSync } from "node:fs";
import { expect } from "chai";
import { z } from "zod";
import { DOCUMENT_JSON_SCHEMA, batchedDocumentSchema } from "../../server/core/index.ts";
import type { BatchedDocument } from "../../server/core/index.ts";

const vectors = JSON.parse(readFileSync(new URL("../fixtures/vectors.json", import.meta.url), "utf8")) as {
  documents: BatchedDocument[];
  disclosed: { document: BatchedDocument };
};

describe("core: published JSON Schema of certledger/2", () => {
  // zod reads JSON Schema 2020-12 itself: no second validator library needed for this check
  const published = z.fromJSONSchema(DOCUMENT_JSON_SCHEMA);

  it("is a draft 2020-12 schema that accepts the committed documents, disclosed ones included", () => {
    expect(DOCUMENT_JSON_SCHEMA.$schema).to.equal("https://json-schema.org/draft/2020-12/schema");
    for (const document of [...vectors.documents, vectors.disclosed.document]) {
      expect(published.safeParse(document).success).to.equal(true);
      expect(batchedDocumentSchema.safeParse(document).success).to.equal(true);
    }
  });

  it("refuses what the core's own schema refuses (shape rules)", () => {
    const base = vectors.documents[1]!;
    const bad: Record<string, unknown>[] = [
      { ...base, version: "certledger/1" },
      { ...base, issuer: { agencyId: base.issuer.agencyId, jurisdiction: base.issuer.jurisdiction } },
      { ...base, extra: true },
      { ...base, id: "01jc7z0000aaaaaaaaaaaaaaa1" },
      { ...base, validFrom: "2024-01-01" },
      { ...base, issuer: { ...base.issuer, agencyId: 0 } },
      { ...base, issuer: { ...base.issuer, jurisdiction: "11000" } },
      { ...base, subject: { ...base.subject, Bad: "x" } },
      { ...base, subject: { ...base.subject, nested: { a: 1 } } },
      { ...base, salts: { ...base.salts, "subject.uscc": "XYZ" } },
      { ...base, salts: { ...base.salts, proof: "00".repeat(16) } },
      { ...base, hidden: { validUntil: "0x" + "11".repeat(32) } },
      { ...base, proof: { ...base.proof, leaf: "0x12" } },
      { ...base, proof: { ...base.proof, index: -1 } },
      { ...base, proof: { ...base.proof, ledger: "0x1234" } },
      (({ proof: _proof, ...rest }) => rest)(base),
    ];
    bad.forEach((document, i) => {
      expect(published.safeParse(document).success, `published schema, case ${i}`).to.equal(false);
      expect(batchedDocumentSchema.safeParse(document).success, `core schema, case ${i}`).to.equal(false);
    });
  });
});
