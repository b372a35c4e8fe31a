import { LOCALES, type Locale } from "../../i18n/index.ts";

export type QueryInput = URLSearchParams | Readonly<Record<string, unknown>>;

function toSearchParams(query: QueryInput): URLSearchParams {
  if (query instanceof URLSearchParams) return new URLSearchParams(query);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const item of values) if (typeof item === "string") params.append(name, item);
  }
  return params;
}

/**
 * Links to the same page in each language: `?lang=` set, every other query parameter (such as
 * `h`) kept. Paths are forced to be same-origin ("//host" would leave the site).
 */
export function buildLangUrls(pathname: string, query: QueryInput): Record<Locale, string> {
  const path = `/${pathname.replace(/^[/\\]+/, "")}`;
  const params = toSearchParams(query);
  const urls = {} as Record<Locale, string>;
  for (const locale of LOCALES) {
    params.set("lang", locale);
    urls[locale] = `${path}?${params.toString()}`;
  }
  return urls;
}
