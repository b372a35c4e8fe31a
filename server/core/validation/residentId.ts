import { isCalendarDate } from "./dates.ts";

/**
 * The 18-digit citizen identity number (GB 11643-1999): six-digit address code, date of birth
 * (YYYYMMDD), three-digit sequence (odd for men, even for women), and an ISO 7064 MOD 11-2 check
 * character (0-9 or X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";
const SHAPE = /^[1-9]\d{16}[\dX]$/;

export type ResidentIdProblem = "format" | "birthDate" | "check";

/** The check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError("expected 17 digits");
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17.charAt(i)) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

/**
 * null when `id` is well formed, its date of birth is a real date from 1900 on and not after
 * `today` (YYYY-MM-DD, when given), and its check character is right.
 */
export function checkResidentId(id: string, today?: string): ResidentIdProblem | null {
  if (!SHAPE.test(id)) return "format";
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isCalendarDate(birth) || birth < "1900-01-01" || (today !== undefined && birth > today)) {
    return "birthDate";
  }
  return residentIdCheckChar(id.slice(0, 17)) === id.charAt(17) ? null : "check";
}
