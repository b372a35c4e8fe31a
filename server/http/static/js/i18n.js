/* global document */
/**
 * The page's data block (written by the server: language, messages, certificate types,
 * divisions) and the formatting that depends on the language.
 */

/**
 * @typedef {{ name: string, type: string, required: boolean, label: string, maxLength?: number, pattern?: string,
 *   minimum?: number, maximum?: number, unit?: string, options?: { value: string, label: string }[] }} ClientField
 * @typedef {{ name: string, label: string, validUntilRequired: boolean, fields: ClientField[] }} ClientType
 * @typedef {{ locale: "zh" | "en", publicUrl: string, messages: Record<string, string>, types: ClientType[],
 *   divisions: { code: string, name: string }[] }} PageData
 */

function readPageData() {
  const node = document.getElementById("page-data");
  if (!node?.textContent) throw new Error("the page data block is missing");
  /** @type {unknown} */
  const parsed = JSON.parse(node.textContent);
  return /** @type {PageData} */ (parsed);
}

export const pageData = readPageData();
export const locale = pageData.locale;
const htmlLocale = locale === "zh" ? "zh-CN" : "en";

/**
 * The message `key` with `{name}` placeholders filled; an unknown key shows itself, so a gap is
 * visible rather than silent.
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params = {}) {
  const template = pageData.messages[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (/** @type {string} */ placeholder, /** @type {string} */ name) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}

/** @param {string} key */
export function has(key) {
  return Object.hasOwn(pageData.messages, key);
}

/** @param {string} name */
export function typeByName(name) {
  return pageData.types.find((type) => type.name === name);
}

/** @param {string} code */
export function divisionName(code) {
  const division = pageData.divisions.find((d) => d.code === code);
  return division ? `${division.name} (${code})` : code;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const dateFormat = new Intl.DateTimeFormat(htmlLocale, { dateStyle: "long", timeZone: "UTC" });
const instantFormat = new Intl.DateTimeFormat(htmlLocale, { dateStyle: "long", timeStyle: "short", hourCycle: "h23" });
const numberFormat = new Intl.NumberFormat(htmlLocale);

/**
 * Calendar dates are never shifted by a time zone; instants are shown in the reader's zone.
 * @param {string} value
 */
export function formatDate(value) {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  return DATE_ONLY.test(value) ? dateFormat.format(time) : instantFormat.format(time);
}

/** @param {number} value */
export function formatNumber(value) {
  return numberFormat.format(value);
}
