/**
 * Characters a certificate value must not hold: C0/C1 controls (NUL, BEL, ESC, line breaks),
 * invisible format characters, bidirectional overrides and isolates (U+202E turns "gpj.exe" into
 * "exe.jpg" on screen), line and paragraph separators, lone surrogates (canonical JSON cannot
 * encode them) and noncharacters. Zero-width joiners (U+200C, U+200D) stay: some scripts need them.
 */
export const UNSAFE_CHARACTER = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}]/u;

const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, "gu");
const LONE_SURROGATE = /\p{Cs}/u;

/** The first unsafe character of `text` as `U+XXXX`, or null when there is none. */
export function firstUnsafeCharacter(text: string): string | null {
  const found = UNSAFE_CHARACTER.exec(text);
  return found ? codePointName(found[0]) : null;
}

/** `text` with every unsafe character replaced by a visible `⟨U+XXXX⟩`, for showing what was stored. */
export function showUnsafeCharacters(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (char) => `⟨${codePointName(char)}⟩`);
}

function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why `value` (parsed JSON) cannot be a certificate document whatever its fields: a string or key
 * that canonical JSON cannot encode (a lone surrogate), or nesting deeper than `maxDepth` (the
 * hashing recurses). Walks without recursion, so a hostile body cannot exhaust the stack here.
 */
export function unencodableJson(value: unknown, maxDepth = 32): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    const current = item.value;
    if (typeof current === "string") {
      if (LONE_SURROGATE.test(current)) return "a text holds a lone surrogate, which no JSON canonical form can encode";
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    if (item.depth >= maxDepth) return `nested deeper than ${maxDepth} levels`;
    const entries = Array.isArray(current) ? current : Object.entries(current as Record<string, unknown>).flat();
    for (const inner of entries) stack.push({ value: inner, depth: item.depth + 1 });
  }
  return null;
}
