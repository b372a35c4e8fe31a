import { z } from "zod";

/** Human labels in the two languages the pages speak. */
export const labelsSchema = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });

const fieldName = z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, "camelCase field name");

const common = {
  name: fieldName,
  required: z.boolean(),
  labels: labelsSchema,
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
      if (field.type === "string" && field.pattern !== undefined && !isRegExp(field.pattern)) {
        ctx.addIssue({ code: "custom", message: `bad pattern for ${field.name}`, path: ["fields"] });
      }
    }
  });

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
