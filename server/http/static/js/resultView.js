/* global DOMParser */
/**
 * What the scripted pages share about results. Verdicts themselves are never drawn here: the
 * service renders them (`?part=result`, the same renderer as the /v/ page) and the pages insert
 * that fragment, so a verdict's wording lives in one place. This module keeps the notice banner
 * for what the page itself has to say ("not a QR code", "too many requests") and field formatting
 * for the print page.
 */
import { el, toneIcon } from "./dom.js";
import { divisionName, formatDate, formatNumber, t } from "./i18n.js";

/**
 * @param {import("./i18n.js").ClientField | undefined} field
 * @param {unknown} value
 * @returns {Node | string}
 */
export function fieldValue(field, value) {
  if (value === null || value === undefined || value === "") return el("span", { class: "muted" }, t("field.empty"));
  if (typeof value === "boolean") return t(value ? "field.yes" : "field.no");
  if (field?.type === "enum")
    return (
      field.options?.find((option) => option.value === value)?.label ??
      (typeof value === "string" ? value : JSON.stringify(value))
    );
  if (field?.type === "date" && typeof value === "string") return el("time", { datetime: value }, formatDate(value));
  if (field?.type === "jurisdiction" && typeof value === "string") return divisionName(value);
  if (field?.type === "integer" && typeof value === "number")
    return field.unit ? `${formatNumber(value)} ${field.unit}` : formatNumber(value);
  if (typeof value === "string" || typeof value === "number") return String(value);
  return el("code", { class: "mono" }, JSON.stringify(value));
}

/**
 * A banner for what the page has to say itself (not a verdict).
 * @param {{ tone: string, status?: string, label: string, headline: string, explanation: string, extra?: (Node | null)[] }} parts
 */
export function banner(parts) {
  return el(
    "div",
    { class: `banner banner--${parts.tone}`, "data-status": parts.status },
    toneIcon(parts.tone),
    el(
      "div",
      { class: "banner__text" },
      el("p", { class: "banner__label" }, parts.label),
      el("p", { class: "banner__headline" }, parts.headline),
      el("p", { class: "banner__explanation" }, parts.explanation),
      parts.extra ?? [],
    ),
  );
}

/**
 * @typedef {{ node: Element, status: string, headline: string, certificateId: string, tone: string }} ResultFragment
 */

const parser = new DOMParser();

/**
 * The service's result fragment, parsed (same origin, rendered with every value escaped; the
 * page's Content-Security-Policy runs no script inside it anyway). Null when it is not one.
 * @param {string} markup
 * @returns {ResultFragment | null}
 */
export function parseResultFragment(markup) {
  const root = parser.parseFromString(markup, "text/html").body.firstElementChild;
  if (!root?.classList.contains("result__body")) return null;
  const tone = /banner--(\w+)/.exec(root.querySelector(".banner")?.className ?? "")?.[1] ?? "invalid";
  return {
    node: root,
    status: root.getAttribute("data-status") ?? "",
    headline: root.getAttribute("data-headline") ?? "",
    certificateId: root.getAttribute("data-certificate-id") ?? "",
    tone,
  };
}
