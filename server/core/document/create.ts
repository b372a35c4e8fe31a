import { randomBytes as cryptoRandomBytes } from "node:crypto";
import { encodeTime } from "ulid";
import { z } from "zod";
import { CertificateValidationError } from "../errors.ts";
import type { FieldIssue } from "../errors.ts";
import { leafFromFields, trustedFieldHash, type BoundField } from "../hashing/fields.ts";
import { toHex32 } from "../hashing/keccak.ts";
import type { Keccak256 } from "../hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../registry/registry.ts";
import { isDateTime } from "../validation/dates.ts";
import { builtinJurisdictions } from "../validation/jurisdictions.ts";
import type { Jurisdictions } from "../validation/jurisdictions.ts";
import { createSubjectValidator } from "../validation/subject.ts";
import type { SubjectValidator } from "../validation/subject.ts";
import { DOCUMENT_VERSION } from "./model.ts";
import type { CertificateDocument, CertificateInput } from "./model.ts";
import { forEachShownField } from "./paths.ts";
import { isPlainObject } from "./plainObject.ts";
import { ULID } from "./schema.ts";

/** 128-bit salts, one per field. */
export const SALT_BYTES = 16;

export interface CreateOptions {
  types: CertificateTypeRegistry;
  keccak: Keccak256;
  /** the clock for ids and `issuedAt` (default: the system clock) */
  now?: () => Date;
  /** the CSPRNG for salts (default: node:crypto randomBytes); tests pass a fixed source */
  randomBytes?: (size: number) => Uint8Array;
  /** reference list of administrative divisions (default: the shipped one) */
  jurisdictions?: Jurisdictions;
}

export interface CreatedDocuments {
  documents: CertificateDocument[];
  /** the certificate hash of each document (bytes32 hex), same order */
  leaves: string[];
}

const INPUT_KEYS = new Set(["id", "type", "issuer", "subject", "validFrom", "validUntil", "issuedAt", "supersedes"]);
const ISSUER_KEYS = new Set(["agencyId", "name", "jurisdiction"]);

/**
 * Whether inputSchema accepts `raw` as it is, decided without zod (a wrap spends a microsecond per
 * certificate in zod's object walk); may refuse more than the schema, never less: a refusal here
 * falls back to the schema, which decides and explains. test/core/validation.test.ts holds the two
 * to the same answers.
 */
export function isPlainInput(raw: unknown): raw is z.infer<typeof inputSchema> {
  return (
    isPlainObject(raw, INPUT_KEYS) &&
    (raw.id === undefined || typeof raw.id === "string") &&
    typeof raw.type === "string" &&
    "validFrom" in raw &&
    isPlainObject(raw.issuer, ISSUER_KEYS) &&
    "agencyId" in raw.issuer &&
    "name" in raw.issuer &&
    "jurisdiction" in raw.issuer &&
    isPlainObject(raw.subject, null)
  );
}

export const inputSchema = z.strictObject({
  id: z.string().optional(),
  type: z.string(),
  issuer: z.strictObject({ agencyId: z.unknown(), name: z.unknown(), jurisdiction: z.unknown() }),
  subject: z.record(z.string(), z.unknown()),
  validFrom: z.unknown(),
  validUntil: z.unknown().optional(),
  issuedAt: z.unknown().optional(),
  supersedes: z.unknown().optional(),
});

/**
 * Validates each input against its certificate type, gives it an id (ULID, sortable, unique),
 * `issuedAt` and a fresh salt per field, and computes its certificate hash. All salts of the call
 * come from one CSPRNG read. Throws CertificateValidationError (with the item index) on the first
 * invalid input, so a batch is all or nothing.
 */
export function createDocuments(inputs: readonly unknown[], options: CreateOptions): CreatedDocuments {
  const now = options.now ?? (() => new Date());
  const jurisdictions = options.jurisdictions ?? builtinJurisdictions();
  const randomBytes = options.randomBytes ?? cryptoRandomBytes;
  const validators = new Map<string, SubjectValidator>();
  const issuedAtDefault = now();
  const today = issuedAtDefault.toISOString().slice(0, 10);

  const givenIds = new Set<string>();
  const issuedAtText = issuedAtDefault.toISOString();
  // Each input becomes its document as soon as it is checked, so the checked copy dies young
  // instead of living through the batch (at 100,000 certificates the collector's work is most of
  // the difference from 1,000). Ids come after, from one CSPRNG read sized by the inputs without one.
  const withoutId: CertificateDocument[] = [];
  const unsalted = inputs.map((raw, index) => {
    const { input, issues } = checkInput(raw, options.types, jurisdictions, validators, today);
    if (input?.id !== undefined) {
      if (givenIds.has(input.id))
        issues.push({ path: "id", code: "INVALID_ID", message: "the same id twice in one batch" });
      givenIds.add(input.id);
    }
    if (input === null || issues.length > 0)
      throw new CertificateValidationError(issues, inputs.length > 1 ? index : undefined);
    const document = toDocument(input, input.id ?? "", input.issuedAt ?? issuedAtText);
    if (input.id === undefined) withoutId.push(document);
    return document;
  });
  const nextId = idSource(issuedAtDefault.getTime(), withoutId.length, randomBytes);
  for (const document of withoutId) document.id = nextId();

  let fieldCount = 0;
  for (const document of unsalted) forEachShownField(document, () => fieldCount++);
  const saltBytes = randomBytes(fieldCount * SALT_BYTES);
  if (saltBytes.byteLength !== fieldCount * SALT_BYTES) throw new RangeError("salt source returned too few bytes");
  const saltHex = Buffer.from(saltBytes.buffer, saltBytes.byteOffset, saltBytes.byteLength).toString("hex");

  let offset = 0;
  const leaves: string[] = [];
  for (const document of unsalted) {
    const fields: BoundField[] = [];
    forEachShownField(document, (path, value) => {
      const salt = saltHex.slice(offset, offset + SALT_BYTES * 2);
      offset += SALT_BYTES * 2;
      document.salts[path] = salt;
      // paths come from validated field names, salts from our own hex
      fields.push({ path, hash: trustedFieldHash(options.keccak, path, salt, value) });
    });
    leaves.push(toHex32(leafFromFields(options.keccak, fields)));
  }
  return { documents: unsalted, leaves };
}

/** One document; see createDocuments. */
export function createDocument(
  input: unknown,
  options: CreateOptions,
): { document: CertificateDocument; leaf: string } {
  const { documents, leaves } = createDocuments([input], options);
  const document = documents[0];
  const leaf = leaves[0];
  if (document === undefined || leaf === undefined) throw new Error("unreachable: one input gives one document");
  return { document, leaf };
}

/** Crockford's base 32, the alphabet of ULIDs. */
const CROCKFORD = Buffer.from("0123456789ABCDEFGHJKMNPQRSTVWXYZ", "latin1");
const TIME_CHARACTERS = 10;
const RANDOM_CHARACTERS = 16;

/**
 * ULIDs for `count` new certificates: the issuance time, then 80 random bits each (a character from
 * the top five bits of each of 16 bytes), all drawn from one CSPRNG read. The time part is encoded
 * once per call by the ulid package; the package would read the CSPRNG once per character and encode
 * the time again for every id. Not monotonic on purpose: one certificate's id says nothing about its
 * neighbours' in the batch.
 */
function idSource(time: number, count: number, randomBytes: (size: number) => Uint8Array): () => string {
  const random = count === 0 ? new Uint8Array(0) : randomBytes(count * RANDOM_CHARACTERS);
  if (random.byteLength !== count * RANDOM_CHARACTERS) throw new RangeError("id source returned too few bytes");
  // Written into a buffer and read out as one string: built a character at a time, an id was
  // sixteen concatenations (a tree of sixteen strings for the collector, flattened again when
  // serialised), about 2 µs of a certificate's 25 against 0.25.
  const id = Buffer.alloc(TIME_CHARACTERS + RANDOM_CHARACTERS);
  id.write(encodeTime(time), 0, TIME_CHARACTERS, "latin1");
  let next = 0;
  return () => {
    for (let i = 0; i < RANDOM_CHARACTERS; i++) id[TIME_CHARACTERS + i] = CROCKFORD[(random[next++] ?? 0) >> 3] ?? 0;
    return id.toString("latin1");
  };
}

function toDocument(input: CertificateInput, id: string, issuedAt: string): CertificateDocument {
  // Keys assigned one by one in the document's own order rather than spread in from conditional
  // objects, which cost more than the rest of this function.
  const document = {
    version: DOCUMENT_VERSION,
    id,
    type: input.type,
    issuer: { agencyId: input.issuer.agencyId, name: input.issuer.name, jurisdiction: input.issuer.jurisdiction },
    subject: { ...input.subject },
    validFrom: input.validFrom,
  } as CertificateDocument;
  if (input.validUntil !== undefined) document.validUntil = input.validUntil;
  document.issuedAt = issuedAt;
  if (input.supersedes !== undefined) document.supersedes = input.supersedes;
  document.salts = {};
  return document;
}

function checkInput(
  raw: unknown,
  types: CertificateTypeRegistry,
  jurisdictions: Jurisdictions,
  validators: Map<string, SubjectValidator>,
  today: string,
): { input: CertificateInput | null; issues: FieldIssue[] } {
  const shape = isPlainInput(raw) ? { success: true as const, data: raw } : inputSchema.safeParse(raw);
  if (!shape.success) {
    return {
      input: null,
      issues: shape.error.issues.flatMap((issue): FieldIssue[] => {
        const prefix = issue.path.map(String).join(".");
        if (issue.code === "unrecognized_keys") {
          return issue.keys.map((key) => ({
            path: prefix === "" ? key : `${prefix}.${key}`,
            code: "UNKNOWN_FIELD",
            message: "not a field of a certificate",
          }));
        }
        return [{ path: prefix === "" ? "(certificate)" : prefix, code: "INVALID_TYPE", message: issue.message }];
      }),
    };
  }
  const input = shape.data;
  const issues: FieldIssue[] = [];
  const type = types.find(input.type);
  if (type === undefined) {
    issues.push({ path: "type", code: "INVALID_ENUM", message: "unknown certificate type" });
  } else {
    let validate = validators.get(type.name);
    if (validate === undefined) {
      validate = createSubjectValidator(type, { jurisdictions, today });
      validators.set(type.name, validate);
    }
    issues.push(...validate(input.subject));
    if (type.validUntilRequired && input.validUntil === undefined) {
      issues.push({ path: "validUntil", code: "REQUIRED", message: `a ${type.name} must have an expiry` });
    }
  }
  if (input.id !== undefined && !ULID.test(input.id))
    issues.push({ path: "id", code: "INVALID_ID", message: "id must be a ULID" });
  if (input.supersedes !== undefined && (typeof input.supersedes !== "string" || !ULID.test(input.supersedes))) {
    issues.push({ path: "supersedes", code: "INVALID_ID", message: "supersedes must be a certificate id (ULID)" });
  }
  const { agencyId, name, jurisdiction } = input.issuer;
  if (typeof agencyId !== "number" || !Number.isInteger(agencyId) || agencyId < 1 || agencyId > 0xffffffff) {
    issues.push({
      path: "issuer.agencyId",
      code: "INVALID_TYPE",
      message: "agency id must be an integer 1..4294967295",
    });
  }
  if (typeof name !== "string" || name.trim() === "" || name.length > 200) {
    issues.push({
      path: "issuer.name",
      code: "INVALID_TYPE",
      message: "issuer name must be a non-empty string of up to 200 characters",
    });
  }
  if (typeof jurisdiction !== "string" || !jurisdictions.has(jurisdiction)) {
    issues.push({
      path: "issuer.jurisdiction",
      code: "UNKNOWN_JURISDICTION",
      message: "not a known administrative division code",
    });
  }
  for (const path of ["validFrom", "validUntil", "issuedAt"] as const) {
    const value = input[path];
    if (value === undefined && path !== "validFrom") continue;
    if (typeof value !== "string" || !isDateTime(value)) {
      issues.push({ path, code: "INVALID_DATE_TIME", message: `${path} must be an RFC 3339 date-time with offset` });
    }
  }
  if (
    typeof input.validFrom === "string" &&
    typeof input.validUntil === "string" &&
    issues.every((issue) => issue.path !== "validFrom" && issue.path !== "validUntil") &&
    Date.parse(input.validUntil) <= Date.parse(input.validFrom)
  ) {
    issues.push({ path: "validUntil", code: "VALIDITY_WINDOW", message: "validUntil must be after validFrom" });
  }
  return { input: issues.length === 0 ? (input as CertificateInput) : null, issues };
}
