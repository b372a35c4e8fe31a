import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** Crockford's base32: no I, L, O, U, so a code read from paper is typed back without confusion. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 20 characters of base32: 100 bits, far beyond guessing at any rate limit. */
const HOLDER_SECRET_LENGTH = 20;

export const sha256Hex = (value: string): string => createHash("sha256").update(value).digest("hex");

/** A new holder secret, e.g. `7KQ2M9X4TA0BCDE5FG8H`: shown once, stored only as its hash. */
export function newHolderSecret(random: (size: number) => Uint8Array = randomBytes): string {
  const bytes = random(HOLDER_SECRET_LENGTH);
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

/** A random id for presentations (24 hex digits, as the holder routes check). */
export const newRecordId = (): string => randomBytes(12).toString("hex");
