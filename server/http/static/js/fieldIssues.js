/**
 * The API's validation answers (422 per item, 400 per request) turned into messages per field,
 * in the reader's language.
 */
import { has, t } from "./i18n.js";

/** @typedef {{ path: string, code: string, message: string }} FieldIssue */
/** @typedef {{ index: number, issues: FieldIssue[] }} ItemIssues */

/**
 * @param {FieldIssue} issue
 */
export function issueText(issue) {
  const key = `issue.${issue.code}`;
  return has(key) ? t(key) : t("issue.other", { detail: issue.message });
}

/**
 * Where an issue belongs in a form: a subject field, validFrom/validUntil, or the whole form.
 * @param {string} path
 */
export function issueTarget(path) {
  return path.replace(/^items\.\d+\./, "").replace(/^subject\./, "");
}

/** @param {unknown} value @returns {value is FieldIssue} */
const isIssue = (value) => typeof value === "object" && value !== null && "path" in value && "code" in value;

/**
 * Issues per item index from a 422 (`[{ index, issues }]`) or a 400 (`[{ path: "items.3.subject.x" }]`).
 * @param {unknown} details
 * @returns {Map<number, FieldIssue[]>}
 */
export function issuesByItem(details) {
  /** @type {Map<number, FieldIssue[]>} */
  const byItem = new Map();
  if (!Array.isArray(details)) return byItem;
  /** @param {number} index @param {FieldIssue} issue */
  const add = (index, issue) => byItem.set(index, [...(byItem.get(index) ?? []), issue]);
  for (const detail of /** @type {unknown[]} */ (details)) {
    if (typeof detail !== "object" || detail === null) continue;
    if ("index" in detail && typeof detail.index === "number" && "issues" in detail && Array.isArray(detail.issues)) {
      for (const issue of /** @type {unknown[]} */ (detail.issues)) if (isIssue(issue)) add(detail.index, issue);
    } else if (isIssue(detail)) {
      const match = /^items\.(\d+)(?:\.|$)/.exec(detail.path);
      add(match ? Number(match[1]) : 0, detail);
    }
  }
  return byItem;
}
