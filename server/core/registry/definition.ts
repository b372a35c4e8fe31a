import { z } from "zod";

/** Human labels in the two languages the pages speak. */
export const labelsSchema = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

const fieldName = z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, "camelCase field name");

/**
 * How the public (static-QR) page shows a field: `public` as issued, `masked` partly hidden (see
 * `MASK_KINDS`), `private` not at all. The holder's own page and live presentations show full
 * values; the holder's portable document is not affected. Omitted means `private`.
 */
export const DISCLOSURE_CLASSES = ["public", "masked", "private"] as const;
export type DisclosureClass = (typeof DISCLOSURE_CLASSES)[number];

/**
 * How a masked value is shortened: `name` keeps the first and last character (孙*例), `address`
 * keeps the text up to the district (北京市东城区****), `identifier` keeps the first six and last
 * four characters (110101********105X), `year` keeps a date's year (1995-**-**).
 */
export const MASK_KINDS = ["name", "address", "identifier", "year"] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

export const DISCLOSURE_MEANINGS: Readonly<Record<DisclosureClass, string>> = {
  public: "shown in full on the public page behind the printed QR code",
  masked:
    "shown partly hidden on the public page (mask: name, address, identifier or year); in full to the holder and in live presentations",
  private: "never on the public page; only the holder's page and live presentations the holder chose show it",
};

const common = {
  name: fieldName,
  required: z.boolean(),
  labels: labelsSchema,
  disclosure: z.enum(DISCLOSURE_CLASSES).default("private").describe("how the public page shows the field"),
  mask: z.enum(MASK_KINDS).optional().describe("how a masked value is shortened"),
};

/**
 * One subject field of a certificate type. Field types with a published check (USCC, resident
 * identity number) or a reference list (jurisdiction) are validated beyond their shape.
 */
export const fieldDefinitionSchema = z.discriminatedUnion("type", [
  z.strictObject({
    ...common,
    type: z.literal("string"),
    maxLength: z.int().min(1).max(4000),
    pattern: z.string().optional(),
  }),
  z.strictObject({ ...common, type: z.literal("date") }),
  z.strictObject({
    ...common,
    type: z.literal("enum"),
    options: z.array(z.strictObject({ value: z.string().min(1), labels: labelsSchema })).min(1),
  }),
  z.strictObject({
    ...common,
    type: z.literal("integer"),
    minimum: z.int().optional(),
    maximum: z.int().optional(),
    unit: labelsSchema.optional(),
  }),
  z.strictObject({ ...common, type: z.literal("uscc") }),
  z.strictObject({ ...common, type: z.literal("resident-id") }),
  z.strictObject({ ...common, type: z.literal("jurisdiction") }),
]);

export const certificateTypeSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "kebab-case type name"),
    version: z.int().min(1),
    /** the certificate type id in the on-chain agency registry (bit of an agency's type mask) */
    typeId: z.int().min(0).max(127),
    labels: labelsSchema,
    validUntilRequired: z.boolean(),
    fields: z.array(fieldDefinitionSchema).min(1),
  })
  .superRefine((type, ctx) => {
    const seen = new Set<string>();
    for (const field of type.fields) {
      if (seen.has(field.name)) {
        ctx.addIssue({ code: "custom", message: `duplicate field ${field.name}`, path: ["fields"] });
      }
      seen.add(field.name);
      const issue = maskIssue(field);
      if (issue) ctx.addIssue({ code: "custom", message: `${field.name}: ${issue}`, path: ["fields"] });
      if (field.type === "string" && field.pattern !== undefined && !isRegExp(field.pattern)) {
        ctx.addIssue({ code: "custom", message: `bad pattern for ${field.name}`, path: ["fields"] });
      }
    }
  });

/** The mask a masked field uses: its own, or the one its type implies; undefined when none fits. */
export function maskKindOf(field: FieldDefinition): MaskKind | undefined {
  if (field.mask) return field.mask;
  if (field.type === "resident-id") return "identifier";
  if (field.type === "date") return "year";
  return undefined;
}

function maskIssue(field: FieldDefinition): string | null {
  if (field.disclosure !== "masked") return field.mask === undefined ? null : 'a mask needs disclosure "masked"';
  const kind = maskKindOf(field);
  if (kind === undefined) return "a masked field needs a mask (name, address, identifier or year)";
  if (kind === "year" && field.type !== "date") return "the year mask is for dates";
  if (kind !== "year" && field.type !== "string" && field.type !== "resident-id" && field.type !== "uscc") {
    return `the ${kind} mask is for text fields`;
  }
  return null;
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}

export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;
export type CertificateType = z.infer<typeof certificateTypeSchema>;
