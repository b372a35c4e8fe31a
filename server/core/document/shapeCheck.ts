import { isDateTime } from "../validation/dates.ts";
import { DOCUMENT_VERSION } from "./model.ts";
import type { BatchedDocument } from "./model.ts";
import { FIELD_PATH } from "./paths.ts";
import { isPlainObject } from "./plainObject.ts";
import {
  ADDRESS,
  FIELD_NAME,
  JURISDICTION,
  LONE_SURROGATE,
  MAX_AGENCY_ID,
  MAX_FIELDS,
  MAX_LEAF_INDEX,
  MAX_PROOF_LENGTH,
  TYPE_NAME,
  ULID,
  isBytes32,
  isFieldValue,
  isSalt,
} from "./schema.ts";

// batchedDocumentSchema, written out by hand for the verifier's hot path: zod's generic object
// walk was a fifth of an offline verification. It may refuse more than the schema (objects with a
// prototype other than Object's), never less: a refusal here falls back to the schema, which then
// decides and explains. test/core/shapeCheck.test.ts holds the two to the same answers.

const DOCUMENT_KEYS = new Set([
  "version",
  "id",
  "type",
  "issuer",
  "subject",
  "validFrom",
  "validUntil",
  "issuedAt",
  "supersedes",
  "salts",
  "hidden",
  "proof",
]);
const ISSUER_KEYS = new Set(["agencyId", "name", "jurisdiction"]);
const PROOF_KEYS = new Set(["root", "proof", "leaf", "index", "chainId", "ledger", "txHash"]);

const isText = (v: unknown): boolean => typeof v === "string" && !LONE_SURROGATE.test(v);
const isDateTimeText = (v: unknown): boolean => typeof v === "string" && isDateTime(v);
const isUlid = (v: unknown): boolean => typeof v === "string" && ULID.test(v);
const isIntIn = (v: unknown, min: number, max: number): boolean =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);

function isIssuer(v: unknown): boolean {
  return (
    isPlainObject(v, ISSUER_KEYS, ISSUER_KEYS.size) &&
    isIntIn(v.agencyId, 1, MAX_AGENCY_ID) &&
    isText(v.name) &&
    typeof v.jurisdiction === "string" &&
    JURISDICTION.test(v.jurisdiction)
  );
}

function isProofBlock(v: unknown): boolean {
  if (!isPlainObject(v, PROOF_KEYS, PROOF_KEYS.size)) return false;
  const path = v.proof;
  if (!Array.isArray(path) || path.length > MAX_PROOF_LENGTH) return false;
  for (const node of path) if (!isBytes32(node)) return false;
  return (
    isBytes32(v.root) &&
    isBytes32(v.leaf) &&
    isIntIn(v.index, 0, MAX_LEAF_INDEX) &&
    optional(v.chainId, (id) => isIntIn(id, 1, Number.MAX_SAFE_INTEGER)) &&
    optional(v.ledger, (a) => typeof a === "string" && ADDRESS.test(a)) &&
    optional(v.txHash, isBytes32)
  );
}

/**
 * Whether batchedDocumentSchema accepts `value`, decided without zod; when true, `value` is the
 * document the schema would return.
 */
export function isWellFormedBatchedDocument(value: unknown): value is BatchedDocument {
  if (!isPlainObject(value, DOCUMENT_KEYS, DOCUMENT_KEYS.size)) return false;
  const { subject, salts, hidden } = value;
  if (
    value.version !== DOCUMENT_VERSION ||
    !isUlid(value.id) ||
    typeof value.type !== "string" ||
    !TYPE_NAME.test(value.type) ||
    !isIssuer(value.issuer) ||
    !isDateTimeText(value.validFrom) ||
    !optional(value.validUntil, isDateTimeText) ||
    !optional(value.issuedAt, isDateTimeText) ||
    !optional(value.supersedes, isUlid) ||
    !isPlainObject(subject, null, MAX_FIELDS) ||
    !isPlainObject(salts, null, MAX_FIELDS) ||
    (hidden !== undefined && !isPlainObject(hidden, null, MAX_FIELDS)) ||
    !isProofBlock(value.proof)
  ) {
    return false;
  }
  for (const name of Object.keys(subject)) if (!FIELD_NAME.test(name) || !isFieldValue(subject[name])) return false;
  for (const name of Object.keys(salts)) if (!isSalt(salts[name])) return false;

  // salts exactly for the fields shown: each shown path has one, and there are as many as shown paths
  let shown = 6;
  for (const key of ["validUntil", "issuedAt", "supersedes"]) if (value[key] !== undefined) shown++;
  for (const path of ["id", "type", "issuer.agencyId", "issuer.name", "issuer.jurisdiction", "validFrom"]) {
    if (!Object.hasOwn(salts, path)) return false;
  }
  for (const key of ["validUntil", "issuedAt", "supersedes"]) {
    if (value[key] !== undefined && !Object.hasOwn(salts, key)) return false;
  }
  for (const name of Object.keys(subject)) {
    shown++;
    if (!Object.hasOwn(salts, `subject.${name}`)) return false;
  }
  if (Object.keys(salts).length !== shown) return false;

  if (hidden !== undefined) {
    for (const path of Object.keys(hidden)) {
      // a hidden path is never one with a salt, since salts are exactly the shown paths
      if (!isBytes32(hidden[path]) || !FIELD_PATH.test(path) || Object.hasOwn(salts, path)) return false;
    }
  }
  return true;
}
