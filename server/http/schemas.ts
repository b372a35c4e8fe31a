import { z } from "zod";
import { firstUnsafeCharacter } from "../core/validation/unsafeText.ts";
import { REVOCATION_REASONS } from "../core/verification/result.ts";

const subjectValue = z.union([z.string().max(4000), z.number(), z.boolean()]);

/** One certificate to issue. Unknown fields are refused; subject fields are checked by the type. */
export const issueRequestSchema = z.strictObject({
  type: z.string().min(1).max(64),
  subject: z.record(z.string().max(64), subjectValue),
  validFrom: z.string().max(40).optional(),
  validUntil: z.string().max(40).optional(),
  supersedes: z.string().max(40).optional(),
});

export const MAX_BATCH_ITEMS = 10_000;

export const batchRequestSchema = z.strictObject({
  items: z.array(issueRequestSchema).min(1).max(MAX_BATCH_ITEMS),
});

const reasonNames = Object.keys(REVOCATION_REASONS) as [
  keyof typeof REVOCATION_REASONS,
  ...(keyof typeof REVOCATION_REASONS)[],
];
const note = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .refine(
    (text) => firstUnsafeCharacter(text) === null,
    "must not contain control, invisible or bidirectional characters",
  )
  .optional();

export const revokeSchema = z.strictObject({ reason: z.enum(reasonNames), note });
export const suspendSchema = z.strictObject({ reason: z.enum(reasonNames).optional(), note });
export const reinstateSchema = z.strictObject({ note });

export const certificateIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "not a certificate id");

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

export const listQuerySchema = z.strictObject({
  agencyId: z.coerce.number().int().positive().optional(),
  type: z.string().max(64).optional(),
  state: z.enum(["pending", "anchored", "failed"]).optional(),
  status: z.enum(["active", "suspended", "revoked"]).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  after: certificateIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** The fingerprint of a QR link; other query parameters (a scanner's own) are ignored. */
export const leafHashSchema = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
