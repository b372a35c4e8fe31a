import { CoreError } from "../errors.ts";
import { fieldHash } from "../hashing/fields.ts";
import { toHex32 } from "../hashing/keccak.ts";
import type { Keccak256 } from "../hashing/keccak.ts";
import type { CertificateDocument, FieldValue } from "./model.ts";
import { forEachShownField, isHideablePath, isRequiredVisiblePath } from "./paths.ts";

/**
 * Selective disclosure: a copy of `document` showing only the hideable fields in `keep` (and the
 * fields a verifier always needs). Every other field loses its value and salt and is listed in
 * `hidden` as path -> field hash, so the certificate hash, and with it the proof, is unchanged.
 */
export function disclose<T extends CertificateDocument>(document: T, keep: readonly string[], keccak: Keccak256): T {
  const shown = shownPaths(document);
  for (const path of keep) {
    if (!shown.has(path)) throw new CoreError("UNKNOWN_FIELD", `${path} is not shown in this document`);
  }
  const kept = new Set(keep);
  return hide(
    document,
    [...shown.keys()].filter((path) => isHideablePath(path) && !kept.has(path)),
    keccak,
  );
}

/** The opposite view: a copy of `document` with exactly the fields in `paths` hidden. */
export function hideFields<T extends CertificateDocument>(document: T, paths: readonly string[], keccak: Keccak256): T {
  const shown = shownPaths(document);
  for (const path of paths) {
    if (isRequiredVisiblePath(path)) {
      throw new CoreError("FIELD_NOT_HIDEABLE", `${path} cannot be hidden: verifiers need it`);
    }
    if (!isHideablePath(path)) throw new CoreError("FIELD_NOT_HIDEABLE", `${path} is not a hideable field`);
    if (!shown.has(path)) throw new CoreError("UNKNOWN_FIELD", `${path} is not shown in this document`);
  }
  return hide(document, paths, keccak);
}

function shownPaths(document: CertificateDocument): Map<string, FieldValue> {
  const shown = new Map<string, FieldValue>();
  forEachShownField(document, (path, value) => shown.set(path, value));
  return shown;
}

function hide<T extends CertificateDocument>(document: T, paths: readonly string[], keccak: Keccak256): T {
  const shown = shownPaths(document);
  const hiding = new Set(paths);
  const hidden: Record<string, string> = { ...document.hidden };
  for (const path of paths) {
    const value = shown.get(path);
    const salt = document.salts[path];
    if (value === undefined || salt === undefined)
      throw new CoreError("INVALID_DOCUMENT", `${path} has no value or salt`);
    hidden[path] = toHex32(fieldHash(keccak, path, salt, value));
  }
  const result: T = {
    ...document,
    subject: without(document.subject, (name) => hiding.has(`subject.${name}`)),
    salts: without(document.salts, (path) => hiding.has(path)),
    hidden,
  };
  if (hiding.has("issuedAt")) delete result.issuedAt;
  if (hiding.has("supersedes")) delete result.supersedes;
  if (Object.keys(hidden).length === 0) delete result.hidden;
  return result;
}

function without<V extends object>(record: V, drop: (key: string) => boolean): V {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !drop(key))) as V;
}
