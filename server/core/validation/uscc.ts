/**
 * The 18-character unified social credit code of a legal entity (GB 32100-2015): registration
 * authority, entity category, six-digit administrative division, nine-character organisation code,
 * and a check character computed modulo 31 over the other seventeen.
 */
const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export type UsccProblem = "format" | "check";

/** The check character for the first 17 characters of a code (which must use the code's alphabet). */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError("expected 17 characters");
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CHARSET.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`character ${i + 1} is outside the code's alphabet`);
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** null when `code` is a well-formed code with a correct check character. */
export function checkUscc(code: string): UsccProblem | null {
  if (!SHAPE.test(code)) return "format";
  return usccCheckChar(code.slice(0, 17)) === code.charAt(17) ? null : "check";
}
