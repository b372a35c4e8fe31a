import canonicalize from "canonicalize";
import { getAddress, isAddress, verifyMessage } from "ethers";
import { z } from "zod";
import { isDateTime } from "../validation/dates.ts";
import type { TrustedDeployment } from "./deployments.ts";

/** The format tag inside every trust list: it is signed, so a signature over anything else cannot pass for a list. */
export const TRUST_LIST_FORMAT = "certledger-trust-list/1";

export type TrustListErrorCode = "MALFORMED" | "BAD_SIGNATURE" | "WRONG_SIGNER" | "NOT_YET_VALID" | "EXPIRED";

/** Why a trust list was refused; callers branch on `code`. */
export class TrustListError extends Error {
  readonly code: TrustListErrorCode;

  constructor(code: TrustListErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = "TrustListError";
  }
}

const address = z
  .string()
  .refine((value) => isAddress(value), "not an address (0x and 40 hex digits, checksummed if mixed-case)")
  .transform((value) => getAddress(value));
const dateTime = z.string().refine(isDateTime, "not an RFC 3339 date-time with offset");
const name = z.strictObject({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) });
const origin = z
  .string()
  .max(200)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "not an origin (scheme, host and optional port, nothing else, e.g. https://cert.example.gov.cn)");

// Entries and the list are loose on purpose: fields added by a later list format are signed with
// the rest and ignored by this verifier, as trust lists are usually read.
const deployment = z.looseObject({
  chainId: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  registry: address,
  ledger: address,
  name,
  origins: z.array(origin).max(16),
});

const listSchema = z
  .looseObject({
    format: z.literal(TRUST_LIST_FORMAT),
    issuedAt: dateTime,
    expiresAt: dateTime,
    deployments: z.array(deployment).max(1000),
  })
  .superRefine((list, ctx) => {
    if (Date.parse(list.expiresAt) <= Date.parse(list.issuedAt)) {
      ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "must be after issuedAt" });
    }
    // Regional services may share one ledger (it keys batches by agency), so a ledger may appear
    // in several entries; an origin names one deployment, so it may appear only once.
    const seen = new Set<string>();
    for (const [i, entry] of list.deployments.entries()) {
      for (const origin of entry.origins) {
        if (seen.has(origin))
          ctx.addIssue({ code: "custom", path: ["deployments", i, "origins"], message: `${origin} is listed twice` });
        seen.add(origin);
      }
    }
  });

export type TrustListDeployment = z.infer<typeof deployment>;
export type TrustListContent = z.infer<typeof listSchema>;

/** A trust list as a file holds it: the list, and the EIP-191 signature over its canonical JSON. */
export interface SignedTrustList {
  list: unknown;
  signature: string;
}

const signedSchema = z.strictObject({
  list: z.unknown(),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "not a 65-byte signature"),
});

/** A list checked against the pinned signer and the clock. */
export interface VerifiedTrustList {
  content: TrustListContent;
  deployments: TrustedDeployment[];
  issuedAt: string;
  expiresAt: string;
  signer: string;
}

/** Parses an unsigned list, naming the first problem (what `trust-list sign` refuses to sign). */
export function parseTrustList(list: unknown): TrustListContent {
  const parsed = listSchema.safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "list" : issue.path.join(".");
    throw new TrustListError("MALFORMED", `not a ${TRUST_LIST_FORMAT} list: ${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * What is signed: the UTF-8 RFC 8785 canonical JSON of the list exactly as written (unknown fields
 * included), so key order and whitespace do not matter and nothing in the list escapes the signature.
 */
export function trustListPayload(list: unknown): string {
  const json = canonicalize(list);
  if (json === undefined) throw new TrustListError("MALFORMED", "the list has no JSON form");
  return json;
}

/** Signs `list` (checked first) with an EIP-191 personal signature; the result is what a file holds. */
export async function signTrustList(
  list: unknown,
  signer: { signMessage(message: string): Promise<string> },
): Promise<SignedTrustList> {
  parseTrustList(list);
  return { list, signature: await signer.signMessage(trustListPayload(list)) };
}

/**
 * Checks a signed list against the signer address the verifier pinned (never one read from the
 * list) and the validity period; returns its deployments. Throws TrustListError naming the problem.
 */
export function verifyTrustList(file: unknown, options: { signer: string; now: Date }): VerifiedTrustList {
  const signed = signedSchema.safeParse(file);
  if (!signed.success) {
    throw new TrustListError(
      "MALFORMED",
      `not a signed trust list ({ "list": …, "signature": "0x…" }): ${signed.error.issues[0]?.message ?? "invalid"}`,
    );
  }
  const content = parseTrustList(signed.data.list);
  let recovered: string;
  try {
    recovered = verifyMessage(trustListPayload(signed.data.list), signed.data.signature);
  } catch {
    throw new TrustListError("BAD_SIGNATURE", "the trust list's signature is not a valid signature");
  }
  if (recovered.toLowerCase() !== options.signer.toLowerCase()) {
    throw new TrustListError(
      "WRONG_SIGNER",
      `the trust list is not signed by ${getAddress(options.signer)} (its signature is ${recovered}'s, or the list was altered after signing)`,
    );
  }
  const now = options.now.getTime();
  if (now < Date.parse(content.issuedAt))
    throw new TrustListError("NOT_YET_VALID", `the trust list is valid from ${content.issuedAt}`);
  if (now >= Date.parse(content.expiresAt))
    throw new TrustListError("EXPIRED", `the trust list expired at ${content.expiresAt}`);
  return {
    content,
    deployments: content.deployments.map((entry) => ({
      chainId: entry.chainId,
      ledger: entry.ledger,
      registry: entry.registry,
      name: { zh: entry.name.zh, en: entry.name.en },
      origins: [...entry.origins],
    })),
    issuedAt: content.issuedAt,
    expiresAt: content.expiresAt,
    signer: recovered,
  };
}
