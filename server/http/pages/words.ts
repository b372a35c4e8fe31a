import { t, type Locale, type MessageKey } from "../../i18n/index.ts";
import type { MessageParamNames } from "../../i18n/messages/keys.ts";

/** Messages without placeholders. */
export type PlainKey = { [K in MessageKey]: [MessageParamNames<K>] extends [never] ? K : never }[MessageKey];

/** `t` bound to one language, for page templates that use many plain messages. */
export function wordsFor(locale: Locale): (key: PlainKey) => string {
  return (key) => t(locale, key);
}
