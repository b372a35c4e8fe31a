import { createHash, randomBytes, randomFillSync, randomInt, timingSafeEqual } from "node:crypto";

/** Crockford's base32: no I, L, O, U, so a code read from paper is typed back without confusion. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 20 characters of base32: 100 bits, far beyond guessing at any rate limit. */
const HOLDER_SECRET_LENGTH = 20;

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

/** A new holder secret, e.g. `7KQ2M9X4TA0BCDE5FG8H`: shown once, stored only as its hash. */
export function newHolderSecret(): string {
  const bytes = randomBytes(HOLDER_SECRET_LENGTH);
  return Array.from(bytes, (byte) => ALPHABET[byte % 32]).join("");
}

/** The secret grouped by four for printing: `7KQ2-M9X4-TA0B-CDE5-FG8H`. */
export const groupedSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, "$1-");

/**
 * What a holder typed or a link carried, in canonical form: case, dashes and spaces do not
 * matter, and the letters Crockford maps (I, L → 1; O → 0) are accepted. Null when it cannot be
 * a secret at all.
 */
export function normalizeHolderSecret(input: string): string | null {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (cleaned.length !== HOLDER_SECRET_LENGTH) return null;
  for (const char of cleaned) if (!ALPHABET.includes(char)) return null;
  return cleaned;
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** The token in a presentation's QR code: 128 random bits, base64url. */
export const newPresentationToken = (): string => randomBytes(16).toString("base64url");

export const PRESENTATION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;
export const PRESENTATION_CODE_PATTERN = /^\d{8}$/;

/** An 8-digit code, uniform over 00000000-99999999. */
export const newPresentationCode = (): string => String(randomInt(0, 100_000_000)).padStart(8, "0");

const RECORD_ID_BYTES = 12;
/**
 * A usage trace, and so a record id, is made on every scan: the ids are cut from a block of random
 * bytes filled in one call, as Node does for `randomUUID`, instead of one call into the CSPRNG each.
 */
const recordIdPool = Buffer.alloc(RECORD_ID_BYTES * 256);
let recordIdOffset = recordIdPool.length;

/** A random id for presentations and traces: 96 bits, in hex. */
export function newRecordId(): string {
  if (recordIdOffset === recordIdPool.length) {
    randomFillSync(recordIdPool);
    recordIdOffset = 0;
  }
  const id = recordIdPool.toString("hex", recordIdOffset, recordIdOffset + RECORD_ID_BYTES);
  recordIdOffset += RECORD_ID_BYTES;
  return id;
}
