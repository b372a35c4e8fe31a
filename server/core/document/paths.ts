import type { CertificateType } from "../registry/definition.ts";
import type { CertificateDocument, FieldValue } from "./model.ts";

/**
 * Fields a verifier relies on: they can never be hidden. With them it finds the batch, checks the
 * issuer's authority and the validity window, and tells whoever checks who issued the certificate.
 */
export const REQUIRED_VISIBLE_PATHS = [
  "id",
  "type",
  "issuer.agencyId",
  "issuer.name",
  "issuer.jurisdiction",
  "validFrom",
  "validUntil",
] as const;

/** Envelope fields a holder may hide; the `subject.<name>` fields of the type may be hidden too. */
export const HIDEABLE_ENVELOPE_PATHS = ["issuedAt", "supersedes"] as const;

/** Every field path the format knows outside `subject`. */
export const ENVELOPE_PATHS = [...REQUIRED_VISIBLE_PATHS, ...HIDEABLE_ENVELOPE_PATHS] as const;

/** A syntactically valid field path: an envelope path or `subject.<camelCase name>`. ASCII, at most 72 characters. */
export const FIELD_PATH =
  /^(id|type|issuer\.agencyId|issuer\.name|issuer\.jurisdiction|validFrom|validUntil|issuedAt|supersedes|subject\.[a-z][A-Za-z0-9]{0,63})$/;

const SUBJECT_PATH = /^subject\.([a-z][A-Za-z0-9]{0,63})$/;
const HIDEABLE = new Set<string>(HIDEABLE_ENVELOPE_PATHS);
const REQUIRED = new Set<string>(REQUIRED_VISIBLE_PATHS);

/** Whether a holder may hide `path` at all (whatever the type); see hideablePathsOf for the type's own. */
export function isHideablePath(path: string): boolean {
  return HIDEABLE.has(path) || SUBJECT_PATH.test(path);
}

export function isRequiredVisiblePath(path: string): boolean {
  return REQUIRED.has(path);
}

/** The subject field name of `subject.<name>`, or null. */
export function subjectFieldName(path: string): string | null {
  return SUBJECT_PATH.exec(path)?.[1] ?? null;
}

/**
 * What a document of `type` must satisfy beyond its shape: every path, shown or hidden, is one the
 * type defines, none hidden that may not be, every required field present (shown or hidden).
 * Returns the first problem found, naming paths only (never values), or null. Runs on every
 * verification, so it walks the document's own maps instead of building sets.
 */
export function typeRuleProblem(type: CertificateType, document: CertificateDocument): string | null {
  const defines = (name: string): boolean => type.fields.some((field) => field.name === name);
  const hidden = document.hidden ?? {};
  for (const path of Object.keys(hidden)) {
    if (REQUIRED.has(path)) return `${path} is hidden, and it may never be hidden`;
    const name = subjectFieldName(path);
    if (name !== null ? !defines(name) : !HIDEABLE.has(path))
      return `${path} is hidden, and a ${type.name} has no such field`;
  }
  for (const name of Object.keys(document.subject)) {
    if (!defines(name)) return `subject.${name} is shown, and a ${type.name} has no such field`;
  }
  if (type.validUntilRequired && document.validUntil === undefined)
    return `validUntil is missing, and every ${type.name} must have one`;
  if (document.issuedAt === undefined && !Object.hasOwn(hidden, "issuedAt")) return "issuedAt is missing";
  for (const field of type.fields) {
    if (
      field.required &&
      !Object.hasOwn(document.subject, field.name) &&
      !Object.hasOwn(hidden, `subject.${field.name}`)
    ) {
      return `subject.${field.name} is missing, and every ${type.name} has one`;
    }
  }
  return null;
}

/** Calls `visit` for every field shown in the document, in a fixed order (envelope, then subject). */
export function forEachShownField(
  document: Pick<
    CertificateDocument,
    "id" | "type" | "issuer" | "subject" | "validFrom" | "validUntil" | "issuedAt" | "supersedes"
  >,
  visit: (path: string, value: FieldValue) => void,
): void {
  visit("id", document.id);
  visit("type", document.type);
  visit("issuer.agencyId", document.issuer.agencyId);
  visit("issuer.name", document.issuer.name);
  visit("issuer.jurisdiction", document.issuer.jurisdiction);
  visit("validFrom", document.validFrom);
  if (document.validUntil !== undefined) visit("validUntil", document.validUntil);
  if (document.issuedAt !== undefined) visit("issuedAt", document.issuedAt);
  if (document.supersedes !== undefined) visit("supersedes", document.supersedes);
  for (const name of Object.keys(document.subject)) {
    const value = document.subject[name];
    if (value !== undefined) visit(subjectPath(name), value);
  }
}

const SUBJECT_PATHS = new Map<string, string>();
/** Field names are few, so an attacker's inventions cannot grow the cache past this. */
const SUBJECT_PATHS_KEPT = 4096;

/**
 * `subject.<name>`, the same string each time for a name: a path made afresh was flattened and
 * looked up in V8's string table again where it keyed the salts, for every field of every
 * certificate wrapped or verified.
 */
function subjectPath(name: string): string {
  let path = SUBJECT_PATHS.get(name);
  if (path === undefined) {
    path = `subject.${name}`;
    if (SUBJECT_PATHS.size < SUBJECT_PATHS_KEPT) SUBJECT_PATHS.set(name, path);
  }
  return path;
}
