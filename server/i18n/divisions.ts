import { z } from "zod";
import type { Locale } from "./locales.ts";

const DivisionsSchema = z.object({
  divisions: z.array(z.object({ code: z.string().regex(/^\d{6}$/), zh: z.string().min(1), en: z.string().min(1) })),
});

/** Name of an administrative division (GB/T 2260 code) in a language, or undefined when unknown. */
export type DivisionName = (code: string, locale: Locale) => string | undefined;

/**
 * Builds the division-name lookup from the parsed contents of `admin-divisions.json`; the caller
 * reads the file, so pages and tests never touch the file system.
 */
export function createDivisionLookup(data: unknown): DivisionName {
  const { divisions } = DivisionsSchema.parse(data);
  const byCode = new Map(divisions.map((division) => [division.code, division]));
  return (code, locale) => byCode.get(code)?.[locale];
}
