import type { Locale } from "./locales.ts";
import { en } from "./messages/en.ts";
import type { MessageKey, MessageParamNames } from "./messages/keys.ts";
import { zh } from "./messages/zh.ts";

const DICTIONARIES: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { zh, en };

export type MessageParams<K extends MessageKey> = Record<MessageParamNames<K>, string | number>;

/** Messages without placeholders take no parameters; the others require every one of them. */
export type TranslateArgs<K extends MessageKey> = [MessageParamNames<K>] extends [never] ? [] : [MessageParams<K>];

/** The message `key` in `locale`, with `{name}` placeholders replaced by `params`. */
export function t<K extends MessageKey>(locale: Locale, key: K, ...args: TranslateArgs<K>): string {
  const template = DICTIONARIES[locale][key];
  const params: Readonly<Record<string, string | number>> = args[0] ?? {};
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}

/** Both dictionaries, for completeness tests and for bundling into browser pages. */
export function dictionary(locale: Locale): Readonly<Record<MessageKey, string>> {
  return DICTIONARIES[locale];
}
