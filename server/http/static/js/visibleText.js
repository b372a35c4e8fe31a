/**
 * Control, invisible and bidirectional characters shown as `⟨U+202E⟩`, so a value in a document
 * someone made cannot reorder or hide the text around it. The same set the service refuses at
 * issuance (`server/core/validation/unsafeText.ts`; a unit test keeps the two equal).
 */
export const UNSAFE_CHARACTERS = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}]/gu;

/**
 * @param {string} text
 * @returns {string}
 */
export function visible(text) {
  return text.replace(
    UNSAFE_CHARACTERS,
    (char) => `⟨U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟩`,
  );
}
