import type { CertificateDocument, FieldValue } from "./model.ts";

/** Fields every verifier needs: they can never be hidden. */
export const REQUIRED_VISIBLE_PATHS = [
  "id",
  "type",
  "issuer.agencyId",
  "issuer.jurisdiction",
  "validFrom",
  "validUntil",
] as const;

/** Envelope fields a holder may hide; every `subject.<name>` may be hidden too. */
export const HIDEABLE_ENVELOPE_PATHS = ["issuer.name", "issuedAt", "supersedes"] as const;

const SUBJECT_PATH = /^subject\.([a-z][A-Za-z0-9]{0,63})$/;
const HIDEABLE = new Set<string>(HIDEABLE_ENVELOPE_PATHS);
const REQUIRED = new Set<string>(REQUIRED_VISIBLE_PATHS);

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

/** Calls `visit` for every field shown in the document, in a fixed order (envelope, then subject). */
export function forEachShownField(
  document: Pick<CertificateDocument, "id" | "type" | "issuer" | "subject" | "validFrom" | "validUntil" | "issuedAt" | "supersedes">,
  visit: (path: string, value: FieldValue) => void,
): void {
  visit("id", document.id);
  visit("type", document.type);
  visit("issuer.agencyId", document.issuer.agencyId);
  if (document.issuer.name !== undefined) visit("issuer.name", document.issuer.name);
  visit("issuer.jurisdiction", document.issuer.jurisdiction);
  visit("validFrom", document.validFrom);
  if (document.validUntil !== undefined) visit("validUntil", document.validUntil);
  if (document.issuedAt !== undefined) visit("issuedAt", document.issuedAt);
  if (document.supersedes !== undefined) visit("supersedes", document.supersedes);
  for (const name of Object.keys(document.subject)) {
    const value = document.subject[name];
    if (value !== undefined) visit(`subject.${name}`, value);
  }
}
