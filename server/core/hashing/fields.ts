import canonicalize from "canonicalize";
import { CoreError } from "../errors.ts";
import type { CertificateDocument, FieldValue } from "../document/model.ts";
import { forEachShownField } from "../document/paths.ts";
import { LONE_SURROGATE, isSalt } from "../document/schema.ts";
import { Keccak256, fromHex32, toHex32 } from "./keccak.ts";

const PLAIN_PATH = /^[A-Za-z][A-Za-z0-9.]*$/;

/** The first bytes of every certificate hash preimage: the format, so no other format's hash can pass for one. */
export const LEAF_DOMAIN = "certledger/2";

/**
 * The RFC 8785 canonical JSON of `{"path": path, "salt": salt, "value": value}`. The three keys
 * are already in canonical order, and a path (letters, digits, dots) and a salt (hex) serialise
 * as themselves in quotes, so only the value needs the canonicalizer; the result equals
 * `canonicalize({ path, salt, value })` (tests hold it to that) at a fraction of the cost.
 */
export function fieldPreimage(path: string, salt: string, value: FieldValue): string {
  if (!PLAIN_PATH.test(path) || !isSalt(salt)) {
    throw new CoreError("INVALID_DOCUMENT", "a field path or salt is malformed");
  }
  return trustedPreimage(path, salt, value);
}

/** fieldPreimage for a path and salt already checked (by the document schema or by generation). */
function trustedPreimage(path: string, salt: string, value: FieldValue): string {
  const canonicalValue = canonicalPrimitive(value) ?? canonicalize(value);
  if (canonicalValue === undefined) throw new CoreError("INVALID_DOCUMENT", `${path} has no JSON value`);
  return '{"path":"' + path + '","salt":"' + salt + '","value":' + canonicalValue + "}";
}

/**
 * What JSON.stringify escapes in a string (quote, backslash, C0 controls) and any surrogate code
 * unit; a string without them serialises as itself in quotes, for half the cost of JSON.stringify.
 */
// eslint-disable-next-line no-control-regex -- the C0 controls are what JSON escapes
const NEEDS_ESCAPE_OR_SURROGATE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/**
 * RFC 8785 of a field value as the canonicalizer writes a primitive (JSON.stringify of a string
 * without a lone surrogate, or of a finite number), without its per-call set-up for nested values;
 * null for what it refuses and anything else, left to the canonicalizer to refuse or serialise.
 */
function canonicalPrimitive(value: unknown): string | null {
  switch (typeof value) {
    case "string":
      if (!NEEDS_ESCAPE_OR_SURROGATE.test(value)) return '"' + value + '"';
      return LONE_SURROGATE.test(value) ? null : JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : null;
    case "boolean":
      return value ? "true" : "false";
    default:
      return null;
  }
}

/** keccak256 of the field's canonical preimage (UTF-8). */
export function fieldHash(keccak: Keccak256, path: string, salt: string, value: FieldValue): Uint8Array {
  return keccak.digest(fieldPreimage(path, salt, value));
}

const PATH_OPEN = Buffer.from('{"path":"', "latin1");
const SALT_OPEN = Buffer.from('","salt":"', "latin1");
const VALUE_OPEN = Buffer.from('","value":', "latin1");
const QUOTE = 0x22;
const CLOSE = 0x7d;
/** The preimage's bytes besides path, salt and value: `{"path":"`, `","salt":"`, `","value":`, `}`. */
const FRAME_BYTES = PATH_OPEN.length + SALT_OPEN.length + VALUE_OPEN.length + 1;

/**
 * fieldHash for a path and salt already checked (so ASCII), the preimage written straight into the hasher's
 * scratch buffer: building it as a string first, then encoding that, cost a third of the hash.
 * The bytes are fieldPreimage's (tests hold the two to the same hash).
 */
export function trustedFieldHash(keccak: Keccak256, path: string, salt: string, value: FieldValue): Uint8Array {
  const plain = typeof value === "string" && !NEEDS_ESCAPE_OR_SURROGATE.test(value);
  const canonical = plain ? null : (canonicalPrimitive(value) ?? canonicalize(value));
  if (canonical === undefined) throw new CoreError("INVALID_DOCUMENT", `${path} has no JSON value`);
  const text = canonical ?? (value as string);
  // paths and salts are ASCII; a value takes at most 3 UTF-8 bytes per UTF-16 code unit, and 2 quotes
  if (FRAME_BYTES + path.length + salt.length + 3 * text.length + 2 > Keccak256.SCRATCH_BYTES) {
    return keccak.digest(trustedPreimage(path, salt, value));
  }
  const target = keccak.scratch;
  let offset = copyAscii(target, copyBytes(target, 0, PATH_OPEN), path);
  offset = copyAscii(target, copyBytes(target, offset, SALT_OPEN), salt);
  offset = copyBytes(target, offset, VALUE_OPEN);
  if (plain) target[offset++] = QUOTE;
  offset += target.write(text, offset, "utf8");
  if (plain) target[offset++] = QUOTE;
  target[offset++] = CLOSE;
  return keccak.digestScratch(offset);
}

function copyBytes(target: Buffer, offset: number, bytes: Buffer): number {
  target.set(bytes, offset);
  return offset + bytes.length;
}

/** Copies checked ASCII byte by byte: a Buffer.write costs more for a dozen characters. */
function copyAscii(target: Buffer, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}

/** One field as the certificate hash binds it: its path and its field hash. */
export interface BoundField {
  path: string;
  hash: Uint8Array;
}

/**
 * The certificate hash: keccak256 of `"certledger/2"` followed, for every field in ascending path
 * order, by the path's length (one byte), the path (ASCII) and the field hash (32 bytes). The path
 * of a hidden field is bound as firmly as a shown one's: renaming, dropping or moving any field
 * changes the hash. Sorts `fields` in place.
 */
export function leafFromFields(keccak: Keccak256, fields: BoundField[]): Uint8Array {
  sortByPath(fields);
  let size = LEAF_DOMAIN.length;
  for (const field of fields) size += 1 + field.path.length + 32;
  // one contiguous input: one pass through WebAssembly instead of one per field; in the hasher's
  // scratch buffer when it fits (the field hashes are already out of it), so nothing is allocated
  const preimage = size <= Keccak256.SCRATCH_BYTES ? keccak.scratch : Buffer.allocUnsafe(size);
  let offset = preimage.write(LEAF_DOMAIN, 0, "latin1");
  for (const { path, hash } of fields) {
    if (path.length > 255) throw new CoreError("INVALID_DOCUMENT", "a field path is longer than 255 characters");
    preimage[offset++] = path.length;
    // byte by byte: a Buffer.write per path costs more than copying a dozen ASCII characters
    for (let i = 0; i < path.length; i++) preimage[offset++] = path.charCodeAt(i);
    preimage.set(hash, offset);
    offset += 32;
  }
  return preimage === keccak.scratch ? keccak.digestScratch(size) : keccak.digest(preimage);
}

/**
 * Insertion sort by path: a certificate has a dozen fields, and Array.prototype.sort copied them
 * into a work array first (about 900 bytes a certificate, the collector's to trace at 100,000).
 */
function sortByPath(fields: BoundField[]): void {
  for (let i = 1; i < fields.length; i++) {
    const field = fields[i] as BoundField;
    let j = i - 1;
    for (; j >= 0 && (fields[j] as BoundField).path > field.path; j--) fields[j + 1] = fields[j] as BoundField;
    fields[j + 1] = field;
  }
}

/** The hash of every field, shown (from value and salt) or hidden (as carried), by path. */
export function fieldHashes(document: CertificateDocument, keccak: Keccak256): Record<string, string> {
  const result: Record<string, string> = {};
  forEachShownField(document, (path, value) => {
    result[path] = toHex32(fieldHash(keccak, path, saltOf(document, path), value));
  });
  for (const [path, hash] of Object.entries(document.hidden ?? {})) {
    if (path in result) throw new CoreError("INVALID_DOCUMENT", `${path} is both shown and hidden`);
    result[path] = hash;
  }
  return result;
}

/** The certificate hash (bytes32 hex) recomputed from the document's fields. */
export function computeLeaf(document: CertificateDocument, keccak: Keccak256): string {
  return toHex32(leafOf(document, keccak, fieldHash));
}

/** The certificate hash of a document the schema has accepted. */
export function trustedLeaf(document: CertificateDocument, keccak: Keccak256): Uint8Array {
  return leafOf(document, keccak, trustedFieldHash);
}

function leafOf(document: CertificateDocument, keccak: Keccak256, hash: typeof fieldHash): Uint8Array {
  const fields: BoundField[] = [];
  forEachShownField(document, (path, value) => {
    fields.push({ path, hash: hash(keccak, path, saltOf(document, path), value) });
  });
  for (const [path, hidden] of Object.entries(document.hidden ?? {})) fields.push({ path, hash: fromHex32(hidden) });
  return leafFromFields(keccak, fields);
}

function saltOf(document: CertificateDocument, path: string): string {
  const salt = document.salts[path];
  if (salt === undefined) throw new CoreError("INVALID_DOCUMENT", `${path} has no salt`);
  return salt;
}
