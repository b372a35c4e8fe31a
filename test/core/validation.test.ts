import { expect } from "chai";
import { decodeTime } from "ulid";
import {
  CertificateValidationError,
  Keccak256,
  builtinJurisdictions,
  builtinTypes,
  checkResidentId,
  checkUscc,
  createDocument,
  createDocuments,
  createSubjectValidator,
  isCalendarDate,
  isDateTime,
  residentIdCheckChar,
  usccCheckChar,
} from "../../server/core/index.ts";
import type { CertificateInput, FieldIssue } from "../../server/core/index.ts";
import { inputSchema, isPlainInput } from "../../server/core/document/create.ts";
import { sampleInputs, sampleResidentId, sampleUscc } from "../../scripts/support/samples.ts";

const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/** The code with its last (check) character replaced by another one. */
function wrongCheck(code: string): string {
  return code.slice(0, 17) + (code.endsWith("0") ? "1" : "0");
}

function issuesOf(run: () => unknown): FieldIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof CertificateValidationError) {
      expect(error.code).to.equal("INVALID_CERTIFICATE");
      return [...error.issues];
    }
    throw error;
  }
  throw new Error("expected a CertificateValidationError");
}

describe("core: identifiers with check characters", () => {
  it("accepts unified social credit codes with the right check character (GB 32100-2015)", () => {
    // the example code of the standard's explanatory material, and generated ones
    expect(checkUscc("91350100M000100Y43")).to.equal(null);
    for (let n = 0; n < 200; n++) expect(checkUscc(sampleUscc(n * 7919))).to.equal(null);
    // a check value of 0 (31 - 0) must map to "0", not past the alphabet
    const zeroCheck = Array.from({ length: 2000 }, (_, n) => sampleUscc(n)).find((code) => code.endsWith("0"));
    expect(zeroCheck).to.be.a("string");
  });

  it("refuses codes with a wrong check character, a wrong shape or letters outside the alphabet", () => {
    const valid = sampleUscc(42);
    for (const other of USCC_ALPHABET) {
      if (other !== valid.charAt(17)) expect(checkUscc(valid.slice(0, 17) + other)).to.equal("check");
    }
    // one changed character anywhere is caught
    const swapped = valid.charAt(9) === "1" ? "2" : "1";
    expect(checkUscc(valid.slice(0, 9) + swapped + valid.slice(10))).to.equal("check");
    for (const bad of [
      valid.slice(0, 17),
      valid + "0",
      valid.toLowerCase(),
      "9111010800000042IO",
      "91A101080000004200",
      "",
    ]) {
      expect(checkUscc(bad), bad).to.equal("format");
    }
    expect(() => usccCheckChar("91110108000000I2M")).to.throw(RangeError);
  });

  it("accepts citizen identity numbers with a valid birth date and MOD 11-2 check character (GB 11643-1999)", () => {
    for (let n = 0; n < 1000; n++) expect(checkResidentId(sampleResidentId(n))).to.equal(null);
    const withX = Array.from({ length: 1000 }, (_, n) => sampleResidentId(n)).find((id) => id.endsWith("X"));
    expect(withX, "some check character is X").to.be.a("string");
    expect(checkResidentId(sampleResidentId(1, "20000229"))).to.equal(null);
  });

  it("refuses identity numbers with a wrong check character, an impossible birth date or a wrong shape", () => {
    const valid = sampleResidentId(5);
    for (const other of "0123456789X") {
      if (other !== valid.charAt(17)) expect(checkResidentId(valid.slice(0, 17) + other)).to.equal("check");
    }
    for (const birth of ["19900230", "19901301", "18991231", "19000000", "21000101"]) {
      const first17 = `110101${birth}123`;
      expect(checkResidentId(first17 + residentIdCheckChar(first17), "2026-11-26"), birth).to.equal("birthDate");
    }
    expect(checkResidentId(sampleResidentId(5, "20261127"), "2026-11-26")).to.equal("birthDate");
    expect(checkResidentId(sampleResidentId(5, "20261126"), "2026-11-26")).to.equal(null);
    const withX = Array.from({ length: 1000 }, (_, n) => sampleResidentId(n)).find((id) => id.endsWith("X"))!;
    for (const bad of [
      withX.slice(0, 17) + "x",
      valid.slice(0, 17),
      valid + "1",
      "0" + valid.slice(1),
      "11010A199003071230",
    ]) {
      expect(checkResidentId(bad)).to.equal("format");
    }
  });

  it("calendar dates, alone and in date-times, agree with the JavaScript calendar over five centuries", () => {
    for (let y = 1896; y <= 2404; y += 1) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const text = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          const real = m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          if (isCalendarDate(text) !== real) expect.fail(`${text}: expected ${real}`);
          if (isDateTime(`${text}T12:00:00+08:00`) !== real) expect.fail(`${text}T12:00:00+08:00: expected ${real}`);
        }
      }
    }
  });

  it("dates and date-times are real calendar dates", () => {
    expect(isCalendarDate("2024-02-29")).to.equal(true);
    expect(isCalendarDate("2023-02-29")).to.equal(false);
    expect(isCalendarDate("2023-04-31")).to.equal(false);
    expect(isCalendarDate("2023-4-1")).to.equal(false);
    expect(isDateTime("2024-01-01T00:00:00+08:00")).to.equal(true);
    expect(isDateTime("2024-01-01T00:00:00.123Z")).to.equal(true);
    expect(isDateTime("2024-01-01T00:00:00")).to.equal(false);
    expect(isDateTime("2024-02-30T00:00:00Z")).to.equal(false);
    expect(isDateTime("2024-01-01T24:00:00Z")).to.equal(false);
  });
});

describe("core: certificate validation against its type", () => {
  let keccak: Keccak256;
  const types = builtinTypes();
  before(async () => {
    keccak = await Keccak256.create();
  });

  it("accepts a valid sample of every shipped type", () => {
    const { documents } = createDocuments(Object.values(sampleInputs(3)), { types, keccak });
    expect(documents).to.have.length(5);
  });

  it("reports one issue per offending field, with path and code, never the value", () => {
    const input = sampleInputs(1)["business-licence"]!;
    const issues = issuesOf(() =>
      createDocument(
        {
          ...input,
          subject: {
            ...input.subject,
            companyName: "",
            uscc: wrongCheck(input.subject.uscc as string),
            entityType: "corporation",
            registeredCapital: -5,
            establishmentDate: "2019-02-30",
            businessScope: "x".repeat(2001),
            address: 12,
            website: "https://example.org",
          },
        },
        { types, keccak },
      ),
    );
    expect(issues.map((i) => [i.path, i.code])).to.deep.equal([
      ["subject.companyName", "REQUIRED"],
      ["subject.uscc", "USCC_CHECK_MISMATCH"],
      ["subject.entityType", "INVALID_ENUM"],
      ["subject.registeredCapital", "OUT_OF_RANGE"],
      ["subject.establishmentDate", "INVALID_DATE"],
      ["subject.businessScope", "TOO_LONG"],
      ["subject.address", "INVALID_TYPE"],
      ["subject.website", "UNKNOWN_FIELD"],
    ]);
    for (const issue of issues) {
      expect(issue.message).to.be.a("string").and.not.include("example.org");
    }
  });

  it("checks identity numbers, patterns, integers and jurisdictions of the other types", () => {
    const samples = sampleInputs(2);
    const qualification = samples["professional-qualification"]!;
    const validId = qualification.subject.residentId as string;
    expect(
      issuesOf(() =>
        createDocument(
          {
            ...qualification,
            subject: {
              ...qualification.subject,
              residentId: wrongCheck(validId),
              theoryScore: 101,
              skillScore: 1.5,
              certificateNumber: "abc",
            },
          },
          { types, keccak },
        ),
      ).map((i) => [i.path, i.code]),
    ).to.deep.equal([
      ["subject.residentId", "RESIDENT_ID_CHECK_MISMATCH"],
      ["subject.theoryScore", "OUT_OF_RANGE"],
      ["subject.skillScore", "INVALID_TYPE"],
      ["subject.certificateNumber", "PATTERN_MISMATCH"],
    ]);
    const permit = samples["food-business-permit"]!;
    expect(
      issuesOf(() =>
        createDocument(
          { ...permit, subject: { ...permit.subject, premisesJurisdiction: "999999", permitNumber: "JY9" } },
          { types, keccak },
        ),
      ).map((i) => [i.path, i.code]),
    ).to.deep.equal([
      ["subject.premisesJurisdiction", "UNKNOWN_JURISDICTION"],
      ["subject.permitNumber", "PATTERN_MISMATCH"],
    ]);
    const licence = samples["driving-licence"]!;
    const unknownProvince = "990101199502200011".slice(0, 17);
    expect(
      issuesOf(() =>
        createDocument(
          {
            ...licence,
            subject: {
              ...licence.subject,
              licenceNumber: unknownProvince + residentIdCheckChar(unknownProvince),
              vehicleClasses: "C1Z",
            },
          },
          { types, keccak },
        ),
      ).map((i) => [i.path, i.code]),
    ).to.deep.equal([
      ["subject.licenceNumber", "INVALID_RESIDENT_ID"],
      ["subject.vehicleClasses", "PATTERN_MISMATCH"],
    ]);
  });

  it("checks the envelope: type, issuer, dates, validity window, ids", () => {
    const samples = sampleInputs(4);
    const permit = samples["food-business-permit"]!;
    const noExpiry: CertificateInput = { ...permit };
    delete noExpiry.validUntil;
    expect(issuesOf(() => createDocument(noExpiry, { types, keccak })).map((i) => [i.path, i.code])).to.deep.equal([
      ["validUntil", "REQUIRED"],
    ]);
    expect(
      issuesOf(() =>
        createDocument(
          {
            ...permit,
            validFrom: "2030-01-01T00:00:00+08:00",
            issuer: { agencyId: 0, name: " ", jurisdiction: "990000" },
            id: "not-a-ulid",
            supersedes: "x",
          },
          { types, keccak },
        ),
      ).map((i) => [i.path, i.code]),
    ).to.deep.equal([
      ["id", "INVALID_ID"],
      ["supersedes", "INVALID_ID"],
      ["issuer.agencyId", "INVALID_TYPE"],
      ["issuer.name", "INVALID_TYPE"],
      ["issuer.jurisdiction", "UNKNOWN_JURISDICTION"],
      ["validUntil", "VALIDITY_WINDOW"],
    ]);
    expect(
      issuesOf(() =>
        createDocument({ ...permit, validFrom: "2024-01-01", issuedAt: "yesterday" }, { types, keccak }),
      ).map((i) => [i.path, i.code]),
    ).to.deep.equal([
      ["validFrom", "INVALID_DATE_TIME"],
      ["issuedAt", "INVALID_DATE_TIME"],
    ]);
    expect(issuesOf(() => createDocument({ ...permit, type: "passport" }, { types, keccak }))[0]).to.include({
      path: "type",
      code: "INVALID_ENUM",
    });
    expect(issuesOf(() => createDocument({ ...permit, color: "red" }, { types, keccak }))[0]).to.include({
      path: "color",
      code: "UNKNOWN_FIELD",
    });
    expect(issuesOf(() => createDocument("not an object", { types, keccak }))[0]).to.include({ code: "INVALID_TYPE" });
  });

  it("the hand-written input check accepts only what the input schema accepts, as it is", () => {
    const sample = Object.values(sampleInputs(5))[0]!;
    const withPrototype = Object.assign(Object.create({ inherited: true }) as object, sample);
    const nullPrototype = Object.assign(Object.create(null) as object, sample);
    const candidates: unknown[] = [
      sample,
      nullPrototype,
      { ...sample, id: "01JC8A00000000000000000002" },
      { ...sample, id: undefined },
      { ...sample, id: 7 },
      { ...sample, type: 7 },
      { ...sample, type: undefined },
      { ...sample, extra: 1 },
      { ...sample, issuer: { ...sample.issuer, extra: 1 } },
      { ...sample, issuer: {} },
      { ...sample, issuer: [] },
      { ...sample, issuer: null },
      { ...sample, subject: [] },
      { ...sample, subject: null },
      { ...sample, subject: "x" },
      { ...sample, subject: Object.assign(Object.create(null) as object, sample.subject) },
      { ...sample, subject: new Map() },
      { ...sample, validFrom: undefined },
      { ...sample, issuer: { ...sample.issuer, name: undefined } },
      { type: sample.type, issuer: sample.issuer, subject: sample.subject },
      { ...sample, issuer: { agencyId: 1, name: "x" } },
      withPrototype,
      [sample],
      null,
      "x",
    ];
    for (const candidate of candidates) {
      const parsed = inputSchema.safeParse(candidate);
      if (isPlainInput(candidate)) {
        expect(parsed.success, JSON.stringify(candidate)).to.equal(true);
        expect(parsed.data).to.deep.equal({ ...candidate });
      }
    }
    expect(candidates.filter(isPlainInput)).to.have.length(7);
  });

  it("a batch is all or nothing and the error names the item", () => {
    const samples = Object.values(sampleInputs(6));
    const bad: CertificateInput = { ...samples[2]!, subject: { ...samples[2]!.subject, level: "level-9" } };
    try {
      createDocuments([samples[0], samples[1], bad, samples[3]], { types, keccak });
      expect.fail("the batch was accepted");
    } catch (error) {
      expect(error).to.be.instanceOf(CertificateValidationError);
      expect((error as Error).message)
        .to.include("batch item 2")
        .and.include("subject.level");
    }
  });

  it("refuses the same given id twice in one batch", () => {
    const input = { ...sampleInputs(1)["diploma"]!, id: "01JC7Z0000AAAAAAAAAAAAAAA9" };
    expect(() => createDocuments([input, input], { types, keccak })).to.throw(
      CertificateValidationError,
      /batch item 1\): id: INVALID_ID/,
    );
  });

  it("refuses dates of birth after the issuing day", () => {
    const validate = createSubjectValidator(types.get("professional-qualification"), {
      jurisdictions: builtinJurisdictions(),
      today: "2026-11-26",
    });
    const subject = {
      ...sampleInputs(1)["professional-qualification"]!.subject,
      residentId: sampleResidentId(3, "20270101"),
    };
    expect(validate(subject).map((i) => i.code)).to.deep.equal(["INVALID_BIRTH_DATE"]);
  });

  it("gives fresh unpredictable ids (ULID, sortable by issuance time) and fresh 128-bit salts per field", () => {
    const inputs = Array.from({ length: 50 }, () => sampleInputs(1)["diploma"]!);
    const at = (iso: string) => ({ types, keccak, now: () => new Date(iso) });
    const { documents, leaves } = createDocuments(inputs, at("2026-11-26T08:00:00Z"));
    const ids = documents.map((d) => d.id);
    expect(new Set(ids).size).to.equal(50);
    for (const id of ids) expect(decodeTime(id)).to.equal(Date.parse("2026-11-26T08:00:00Z"));
    const later = createDocuments(inputs.slice(0, 1), at("2026-11-26T08:00:00.001Z")).documents[0]!.id;
    for (const id of ids) expect(id < later).to.equal(true);
    // not sequential: the random parts of neighbours differ in many places
    const differing = Array.from({ length: 16 }, (_, i) => 10 + i).filter(
      (i) => ids[0]!.charAt(i) !== ids[1]!.charAt(i),
    ).length;
    expect(differing).to.be.greaterThan(5);
    expect(new Set(leaves).size).to.equal(50);
    const salts = documents.flatMap((d) => Object.values(d.salts));
    expect(new Set(salts).size).to.equal(salts.length);
    for (const salt of salts) expect(salt).to.match(/^[0-9a-f]{32}$/);
    expect(documents[0]!.issuedAt).to.equal("2026-11-26T08:00:00.000Z");
  });

  it("draws salts and ids from the injected random source, one read each per batch", () => {
    const sizes: number[] = [];
    const source = (size: number) => {
      sizes.push(size);
      return new Uint8Array(size).fill(0xab);
    };
    const inputs = Object.values(sampleInputs(2));
    const { documents } = createDocuments(inputs, { types, keccak, randomBytes: source });
    const fields = documents.reduce((sum, d) => sum + Object.keys(d.salts).length, 0);
    expect(sizes).to.deep.equal([16 * inputs.length, 16 * fields]);
    for (const document of documents)
      for (const salt of Object.values(document.salts)) expect(salt).to.equal("ab".repeat(16));
  });
});
