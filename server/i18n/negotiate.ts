import { DEFAULT_LOCALE, type Locale } from "./locales.ts";

/**
 * Maps one language tag to a supported locale. Every Chinese variant (zh-CN, zh-Hans, zh-TW,
 * zh-HK...) maps to `zh`: Simplified Chinese is the only Chinese we ship, and readers of
 * Traditional Chinese read it far better than English.
 */
function localeOfTag(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === "zh") return "zh";
  if (primary === "en") return "en";
  return undefined;
}

interface WeightedTag {
  tag: string;
  q: number;
  order: number;
}

function parseAcceptLanguage(header: string): WeightedTag[] {
  const tags: WeightedTag[] = [];
  header.split(",").forEach((part, order) => {
    const [rawTag, ...rawParams] = part.split(";");
    const tag = rawTag?.trim() ?? "";
    if (tag === "" || tag.length > 64) return;
    let q = 1;
    for (const param of rawParams) {
      const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (match?.[1] !== undefined) q = Number(match[1]);
    }
    if (q > 0) tags.push({ tag, q, order });
  });
  return tags.sort((a, b) => b.q - a.q || a.order - b.order);
}

/**
 * Picks the page language: an explicit `?lang=` wins when it names a supported language, then
 * the browser's `Accept-Language` preferences by weight, then English.
 */
export function negotiateLocale(acceptLanguage: string | undefined, queryLang?: unknown): Locale {
  if (typeof queryLang === "string") {
    const fromQuery = localeOfTag(queryLang);
    if (fromQuery) return fromQuery;
  }
  if (typeof acceptLanguage === "string") {
    for (const { tag } of parseAcceptLanguage(acceptLanguage.slice(0, 1024))) {
      const locale = localeOfTag(tag);
      if (locale) return locale;
    }
  }
  return DEFAULT_LOCALE;
}
