import { z } from "zod";
import { QrError } from "./errors.ts";

const PublicUrlSchema = z.url({ protocol: /^https?$/ }).refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.search === "" && url.hash === "" && url.username === "" && url.password === "";
}, "must be an http(s) origin, optionally with a path, without query, fragment or credentials");

/** Certificate ids are ULIDs in practice; any short URL-safe token is accepted so ids stay opaque here. */
const IdSchema = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, "must be 1-64 characters of [0-9A-Za-z_-]");

const LeafHashSchema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string");

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new QrError("INVALID_QR_INPUT", `${what} ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  }
  return parsed.data;
}

/** The last PUBLIC_URL found valid, with its base: it is configuration, the same on nearly every call. */
let checked: { publicUrl: string; base: string } | undefined;

/** `publicUrl` without a trailing slash, checked unless it is the one checked last. */
function baseOf(publicUrl: string): string {
  if (checked?.publicUrl !== publicUrl) {
    const url = new URL(parseOrThrow(PublicUrlSchema, publicUrl, "PUBLIC_URL"));
    checked = { publicUrl, base: `${url.origin}${url.pathname}`.replace(/\/+$/, "") };
  }
  return checked.base;
}

/**
 * The QR target `${publicUrl}/v/<id>?h=<leafHash>`: what a phone opens to verify a certificate.
 * The hash is lowercased so one certificate always yields one URL (and one QR code). Issuance
 * builds one per certificate, so the configured URL is checked once, not each time (that cost
 * more than the rest); ids and hashes are checked on every call.
 */
export function verificationUrl(publicUrl: string, id: string, leafHash: string): string {
  const base = baseOf(publicUrl);
  const safeId = parseOrThrow(IdSchema, id, "certificate id");
  const hash = parseOrThrow(LeafHashSchema, leafHash, "leaf hash").toLowerCase();
  return `${base}/v/${safeId}?h=${hash}`;
}
