import canonicalize from "canonicalize";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import {
  BUILTIN_TYPE_DEFINITIONS,
  CertificateTypeRegistry,
  Keccak256,
  builtinJurisdictions,
  builtinTypes,
  isCoreError,
  schemaHash,
} from "../../server/core/index.ts";

describe("core: certificate type registry", () => {
  let keccak: Keccak256;
  before(async () => {
    keccak = await Keccak256.create();
  });

  it("ships the five realistic types with distinct on-chain type ids and bilingual labels", () => {
    const types = builtinTypes();
    expect(types.list().map((t) => t.name)).to.have.members([
      "business-licence",
      "food-business-permit",
      "professional-qualification",
      "diploma",
      "driving-licence",
    ]);
    const ids = types.list().map((t) => t.typeId);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const type of types.list()) {
      expect(types.byTypeId(type.typeId)).to.equal(type);
      for (const field of type.fields) expect(field.labels.zh).to.not.equal(field.labels.en);
    }
    expect(types.get("food-business-permit").validUntilRequired).to.equal(true);
    expect(types.get("business-licence").fields.map((f) => f.name)).to.include.members([
      "companyName",
      "uscc",
      "legalRepresentative",
      "registeredCapital",
      "businessScope",
      "address",
      "establishmentDate",
      "entityType",
    ]);
  });

  it("schemaHash is keccak256 of the definition's RFC 8785 JSON, whatever the key order", () => {
    const types = builtinTypes();
    for (const definition of BUILTIN_TYPE_DEFINITIONS) {
      const type = types.get((definition as { name: string }).name);
      expect(schemaHash(type, keccak)).to.equal(keccak256(toUtf8Bytes(canonicalize(definition)!)));
    }
    const reordered = Object.fromEntries(Object.entries(BUILTIN_TYPE_DEFINITIONS[0] as object).reverse());
    const again = CertificateTypeRegistry.fromDefinitions([reordered]).list()[0]!;
    expect(schemaHash(again, keccak)).to.equal(schemaHash(builtinTypes().get(again.name), keccak));
  });

  it("refuses bad definitions with INVALID_TYPE_DEFINITION", () => {
    const base = BUILTIN_TYPE_DEFINITIONS[3] as { fields: object[] } & Record<string, unknown>;
    const bad: unknown[] = [
      { ...base, typeId: 128 },
      { ...base, name: "Diploma" },
      { ...base, fields: [...base.fields, base.fields[0]] },
      { ...base, fields: [{ name: "x", type: "colour", required: true, labels: { zh: "颜色", en: "Colour" } }] },
      {
        ...base,
        fields: [
          { name: "x", type: "string", maxLength: 5, pattern: "(", required: true, labels: { zh: "x", en: "x" } },
        ],
      },
      { ...base, extra: true },
      { ...base, labels: { en: "Diploma" } },
    ];
    for (const definition of bad) {
      expect(() => CertificateTypeRegistry.fromDefinitions([definition]))
        .to.throw()
        .that.satisfies((e: unknown) => isCoreError(e, "INVALID_TYPE_DEFINITION"));
    }
    expect(() => CertificateTypeRegistry.fromDefinitions([base, { ...base, name: "diploma-2" }])).to.throw(/type id 4/);
    expect(() => builtinTypes().get("passport"))
      .to.throw()
      .that.satisfies((e: unknown) => isCoreError(e, "UNKNOWN_CERTIFICATE_TYPE"));
  });

  it("knows the shipped administrative divisions", () => {
    const divisions = builtinJurisdictions();
    expect(divisions.get("110000")).to.include({ zh: "北京市", en: "Beijing" });
    expect(divisions.has("120000")).to.equal(true);
    expect(divisions.has("130000")).to.equal(true);
    expect(divisions.has("999999")).to.equal(false);
    expect(divisions.hasProvinceOf("110105")).to.equal(true);
  });
});
