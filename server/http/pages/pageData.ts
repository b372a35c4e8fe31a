import divisionData from "../../core/referenceData/admin-divisions.json" with { type: "json" };
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import { dictionary, type Locale, type MessageKey } from "../../i18n/index.ts";

/** A certificate field as the browser needs it: constraints for the form, labels in one language. */
export interface ClientField {
  name: string;
  type: string;
  required: boolean;
  label: string;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  unit?: string;
  options?: { value: string; label: string }[];
}

export interface ClientType {
  name: string;
  label: string;
  validUntilRequired: boolean;
  fields: ClientField[];
}

/** Everything a page script reads at start: one JSON block, so no request waits on another. */
export interface PageData {
  locale: Locale;
  publicUrl: string;
  messages: Partial<Record<MessageKey, string>>;
  types: ClientType[];
  divisions: { code: string; name: string }[];
}

/** The certificate types in one language, without what only the server needs (type ids, versions). */
export function clientTypes(types: CertificateTypeRegistry, locale: Locale): ClientType[] {
  return types.list().map((type) => ({
    name: type.name,
    label: type.labels[locale],
    validUntilRequired: type.validUntilRequired,
    fields: type.fields.map((field): ClientField => {
      const base = { name: field.name, type: field.type, required: field.required, label: field.labels[locale] };
      switch (field.type) {
        case "string":
          return {
            ...base,
            maxLength: field.maxLength,
            ...(field.pattern === undefined ? {} : { pattern: field.pattern }),
          };
        case "integer":
          return {
            ...base,
            ...(field.minimum === undefined ? {} : { minimum: field.minimum }),
            ...(field.maximum === undefined ? {} : { maximum: field.maximum }),
            ...(field.unit === undefined ? {} : { unit: field.unit[locale] }),
          };
        case "enum":
          return {
            ...base,
            options: field.options.map((option) => ({ value: option.value, label: option.labels[locale] })),
          };
        default:
          return base;
      }
    }),
  }));
}

/** Messages whose key starts with one of `prefixes`: a page ships only the words it can show. */
export function clientMessages(locale: Locale, prefixes: readonly string[]): Partial<Record<MessageKey, string>> {
  const all = dictionary(locale);
  const picked: Partial<Record<MessageKey, string>> = {};
  for (const key of Object.keys(all) as MessageKey[]) {
    if (prefixes.some((prefix) => key.startsWith(prefix))) picked[key] = all[key];
  }
  return picked;
}

export function clientDivisions(locale: Locale): { code: string; name: string }[] {
  return divisionData.divisions.map((division) => ({ code: division.code, name: division[locale] }));
}

/**
 * JSON for a `<script type="application/json">` data block: never executed, so CSP allows it;
 * `<`, `>` and `&` are escaped so no value can close the element or open a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
