export { createDivisionLookup, type DivisionName } from "./divisions.ts";
export { DEFAULT_LOCALE, LOCALES, htmlLang, isLocale, type Locale } from "./locales.ts";
export type { MessageKey } from "./messages/keys.ts";
export { negotiateLocale } from "./negotiate.ts";
export { dictionary, t, type MessageParams } from "./translate.ts";
