import { showUnsafeCharacters } from "../../core/validation/unsafeText.ts";

/** Markup that is already safe to emit as is: only `html` and `raw` create it. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for element content and for double- or single-quoted attribute values. Control,
 * invisible and bidirectional characters, refused at issuance but possible in a document someone
 * else made, are shown as `⟨U+202E⟩`: no value can reorder or hide what the page shows around it.
 */
export function escapeHtml(text: string): string {
  return showUnsafeCharacters(text).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return escapeHtml(value);
  return value.map(render).join("");
}

/**
 * Template tag that escapes every interpolated value unless it is `SafeHtml`, so markup built
 * from user data is safe by default and an unescaped value has to be asked for by name.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** Trusted markup written in this code base (icons); never pass data through it. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
