import { z } from "zod";
import { isDateTime } from "../validation/dates.ts";
import { DOCUMENT_VERSION } from "./model.ts";
import type { CertificateDocument, FieldValue } from "./model.ts";
import { FIELD_PATH, forEachShownField } from "./paths.ts";

// A lone UTF-16 surrogate has no UTF-8 form, so RFC 8785 refuses it: refuse it at the edge.
export const LONE_SURROGATE = /\p{Cs}/u;

export const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const BYTES32 = /^0x[0-9a-f]{64}$/;

const text = z.string().refine((value) => !LONE_SURROGATE.test(value), "contains a lone surrogate");
const dateTime = z.string().refine(isDateTime, "not an RFC 3339 date-time with offset");
const ulid = z.string().regex(ULID, "not a ULID");
const bytes32 = z.string().regex(BYTES32, "not a lowercase 0x-prefixed bytes32");
export const FIELD_NAME = /^[a-z][A-Za-z0-9]{0,63}$/;
export const TYPE_NAME = /^[a-z][a-z0-9-]{0,63}$/;
export const JURISDICTION = /^\d{6}$/;
export const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
export const MAX_PROOF_LENGTH = 64;
export const MAX_LEAF_INDEX = 0xffffff;
export const MAX_AGENCY_ID = 0xffffffff;
// Every UTF-16 code unit's value as a lowercase hex digit, -1 for anything else. A verifier checks
// a dozen hashes and ten salts per document, and a table lookup a pair of digits at a time takes
// half the time of the equivalent regular expression.
const HEX_DIGIT = new Int8Array(0x10000).fill(-1);
for (let i = 0; i < 16; i++) HEX_DIGIT["0123456789abcdef".charCodeAt(i)] = i;

/** Whether `text` from `start` (an even number of characters away from its end) is lowercase hex. */
function isLowerHexFrom(text: string, start: number): boolean {
  for (let i = start; i < text.length; i += 2) {
    if (((HEX_DIGIT[text.charCodeAt(i)] ?? -1) | (HEX_DIGIT[text.charCodeAt(i + 1)] ?? -1)) < 0) return false;
  }
  return true;
}

/** BYTES32 as a predicate. */
export const isBytes32 = (v: unknown): boolean =>
  typeof v === "string" && v.length === 66 && v.startsWith("0x") && isLowerHexFrom(v, 2);
/** 32 lowercase hex digits (128 bits). */
export const isSalt = (v: unknown): boolean => typeof v === "string" && v.length === 32 && isLowerHexFrom(v, 0);

// Maps and lists are checked in one pass each rather than element by element through zod: a
// verifier checks tens of thousands of documents a second and zod's per-element cost is most of it.
export function isFieldValue(value: unknown): boolean {
  switch (typeof value) {
    case "string":
      return !LONE_SURROGATE.test(value);
    case "number":
      return Number.isFinite(value);
    case "boolean":
      return true;
    default:
      return false;
  }
}

/** More fields than any certificate type has: bounds the work one document can cause. */
export const MAX_FIELDS = 256;

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length <= MAX_FIELDS
  );
}

const subject = z.custom<Record<string, FieldValue>>(
  (value) => isPlainRecord(value) && Object.entries(value).every(([key, v]) => FIELD_NAME.test(key) && isFieldValue(v)),
  `subject must map at most ${MAX_FIELDS} camelCase field names to strings, finite numbers or booleans`,
);
const salts = z.custom<Record<string, string>>(
  (value) => isPlainRecord(value) && Object.values(value).every(isSalt),
  "every salt must be 32 lowercase hex digits (128 bits)",
);
const hidden = z.custom<Record<string, string>>(
  (value) => isPlainRecord(value) && Object.values(value).every(isBytes32),
  "every hidden field hash must be a lowercase 0x-prefixed bytes32",
);
const proofPath = z.custom<string[]>(
  (value) => Array.isArray(value) && value.length <= MAX_PROOF_LENGTH && value.every(isBytes32),
  "the proof must be a list of lowercase 0x-prefixed bytes32",
);

export const proofBlockSchema = z.strictObject({
  root: bytes32,
  proof: proofPath,
  leaf: bytes32,
  index: z.int().min(0).max(MAX_LEAF_INDEX),
  chainId: z.int().min(1).optional(),
  ledger: z.string().regex(ADDRESS, "not an address").optional(),
  txHash: bytes32.optional(),
});

const documentShape = {
  version: z.literal(DOCUMENT_VERSION),
  id: ulid,
  type: z.string().regex(TYPE_NAME, "not a type name"),
  issuer: z.strictObject({
    agencyId: z.int().min(1).max(MAX_AGENCY_ID),
    name: text,
    jurisdiction: z.string().regex(JURISDICTION, "not a six-digit division code"),
  }),
  subject,
  validFrom: dateTime,
  validUntil: dateTime.optional(),
  issuedAt: dateTime.optional(),
  supersedes: ulid.optional(),
  salts,
  hidden: hidden.optional(),
};

/**
 * Salts exactly for the fields shown; hidden hashes under field paths, never for a field shown.
 * Which paths a type lets a holder hide is a rule of the type, checked after the hash (offline.ts).
 */
function checkFieldSets(document: CertificateDocument, ctx: z.RefinementCtx): void {
  const shown = new Set<string>();
  forEachShownField(document, (path) => {
    shown.add(path);
    if (document.salts[path] === undefined) {
      ctx.addIssue({ code: "custom", path: ["salts", path], message: "field shown without its salt" });
    }
  });
  for (const path of Object.keys(document.salts)) {
    if (!shown.has(path)) ctx.addIssue({ code: "custom", path: ["salts", path], message: "salt for no shown field" });
  }
  for (const path of Object.keys(document.hidden ?? {})) {
    if (!FIELD_PATH.test(path)) {
      ctx.addIssue({ code: "custom", path: ["hidden", path], message: "not a field path" });
    } else if (shown.has(path)) {
      ctx.addIssue({ code: "custom", path: ["hidden", path], message: "field both shown and hidden" });
    }
  }
}

/** A certificate document, batched or not. */
export const certificateDocumentSchema = z
  .strictObject({ ...documentShape, proof: proofBlockSchema.optional() })
  .superRefine(checkFieldSets);

/** A document as holders receive it: with its proof block. */
export const batchedDocumentSchema = z
  .strictObject({ ...documentShape, proof: proofBlockSchema })
  .superRefine(checkFieldSets);
