/**
 * Draws a verification result (the service's JSON) the way the server-rendered /v/:id page
 * does: a verdict banner in colour, icon and words, then the fields to compare with the paper,
 * the issuer, the validity window and the ledger record.
 */
import { el, toneIcon } from "./dom.js";
import { divisionName, formatDate, formatNumber, t, typeByName } from "./i18n.js";

/**
 * @typedef {{ name: string, passed: boolean, detail: string }} Check
 * @typedef {{ chainId: number, ledger: string, root: string, txHash?: string, blockNumber?: number, anchoredAt?: string,
 *   officer?: string, agencyId?: number, jurisdiction?: string, agencyStatus?: string }} Anchor
 * @typedef {{ state: string, scope: string, reason: string, at?: string, txHash?: string }} Revocation
 * @typedef {{ id: string, type: string, issuer: { agencyId?: number, name?: string, jurisdiction?: string },
 *   subject: Record<string, unknown>, validFrom?: string, validUntil?: string, issuedAt?: string, supersedes?: string,
 *   supersededBy?: string, hiddenFields: string[] }} Certificate
 * @typedef {{ valid: boolean, status: string, checks: Check[], certificate: Certificate | null, anchor: Anchor | null,
 *   revocation?: Revocation, warnings: string[] }} VerificationResult
 */

/** @type {Record<string, string>} */
const TONES = {
  VALID: "valid",
  SUSPENDED: "caution",
  EXPIRED: "caution",
  NOT_YET_VALID: "caution",
  UNAVAILABLE: "unavailable",
};
const CONTENT_CONFIRMED = new Set(["VALID", "REVOKED", "SUSPENDED", "EXPIRED", "NOT_YET_VALID"]);

/** @param {string} status */
export function toneOf(status) {
  return TONES[status] ?? "invalid";
}

/**
 * @param {unknown} value
 * @returns {value is VerificationResult}
 */
export function isVerificationResult(value) {
  return typeof value === "object" && value !== null && "status" in value && "checks" in value && typeof value.status === "string";
}

/**
 * @param {string} label
 * @param {Node | string | number} value
 * @param {string} [ddClass]
 */
function entry(label, value, ddClass) {
  return el("div", { class: "field" }, el("dt", {}, label), el("dd", { class: ddClass }, value));
}

/** @param {string} value */
const code = (value) => el("code", { class: "mono" }, value);
/** @param {string} value */
const time = (value) => el("time", { datetime: value }, formatDate(value));

/**
 * @param {import("./i18n.js").ClientField | undefined} field
 * @param {unknown} value
 * @returns {Node | string}
 */
export function fieldValue(field, value) {
  if (value === null || value === undefined || value === "") return el("span", { class: "muted" }, t("field.empty"));
  if (typeof value === "boolean") return t(value ? "field.yes" : "field.no");
  if (field?.type === "enum") return field.options?.find((option) => option.value === value)?.label ?? (typeof value === "string" ? value : JSON.stringify(value));
  if (field?.type === "date" && typeof value === "string") return time(value);
  if (field?.type === "jurisdiction" && typeof value === "string") return divisionName(value);
  if (field?.type === "integer" && typeof value === "number") return field.unit ? `${formatNumber(value)} ${field.unit}` : formatNumber(value);
  if (typeof value === "string" || typeof value === "number") return String(value);
  return code(JSON.stringify(value));
}

/**
 * A verdict banner; `headline` and `explanation` default to the status's words.
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

/** @param {VerificationResult} result */
function verdict(result) {
  const { revocation } = result;
  const extra = revocation
    ? [
        el("p", { class: "banner__subhead" }, t(revocation.state === "revoked" ? "revocation.heading.revoked" : "revocation.heading.suspended")),
        el(
          "dl",
          { class: "fields banner__facts" },
          entry(t("revocation.reason"), t(`reason.${revocation.reason}`)),
          revocation.at ? entry(t("revocation.at"), time(revocation.at)) : null,
        ),
        revocation.scope === "batch" ? el("p", {}, t("revocation.batch")) : null,
      ]
    : [];
  return banner({
    tone: toneOf(result.status),
    status: result.status,
    label: t("page.resultLabel"),
    headline: t(`status.${result.status}.headline`),
    explanation: t(`status.${result.status}.explanation`),
    extra,
  });
}

/** @param {string} name */
const subjectName = (name) => name.replace(/^subject\./, "");
const DOCUMENT_FIELDS = new Set(["id", "type", "issuedAt", "validFrom", "validUntil", "supersedes"]);

/**
 * @param {Certificate} certificate
 * @param {string} status
 */
function certificateCard(certificate, status) {
  const type = typeByName(certificate.type);
  const hidden = certificate.hiddenFields.map(subjectName).filter((name) => !DOCUMENT_FIELDS.has(name) && !name.startsWith("issuer"));
  const present = new Set([...Object.keys(certificate.subject), ...hidden]);
  const order = [...new Set([...(type?.fields.map((f) => f.name) ?? []).filter((name) => present.has(name)), ...present])];
  const rows = order.map((name) => {
    const field = type?.fields.find((f) => f.name === name);
    const label = field?.label ?? name;
    if (!Object.hasOwn(certificate.subject, name)) return entry(label, el("span", { class: "muted" }, t("field.hidden")), "is-hidden");
    return entry(label, fieldValue(field, certificate.subject[name]));
  });
  const notice = CONTENT_CONFIRMED.has(status)
    ? el("p", { class: "hint" }, t("page.compareHint"))
    : status === "UNAVAILABLE"
      ? el("p", { class: "notice notice--unavailable" }, t("page.unchecked"))
      : el("p", { class: "notice notice--invalid" }, t("page.unconfirmed"));
  return el(
    "section",
    { class: "card" },
    el("h3", {}, t("page.certificateHeading")),
    notice,
    el("dl", { class: "fields" }, entry(t("field.type"), type?.label ?? certificate.type), entry(t("field.id"), code(certificate.id)), rows),
  );
}

/**
 * @param {Certificate | null} certificate
 * @param {Anchor | null} anchor
 */
function issuerCard(certificate, anchor) {
  const issuer = certificate?.issuer ?? {};
  const agencyId = issuer.agencyId ?? anchor?.agencyId;
  const jurisdiction = issuer.jurisdiction ?? anchor?.jurisdiction;
  const rows = [
    issuer.name ? entry(t("field.agencyName"), issuer.name) : null,
    agencyId !== undefined ? entry(t("field.agencyId"), agencyId) : null,
    jurisdiction ? entry(t("field.jurisdiction"), divisionName(jurisdiction)) : null,
    anchor?.agencyStatus ? entry(t("anchor.agencyStatus"), t(`agencyStatus.${anchor.agencyStatus}`)) : null,
  ].filter((row) => row !== null);
  if (rows.length === 0) return null;
  return el("section", { class: "card" }, el("h3", {}, t("page.issuerHeading")), el("dl", { class: "fields" }, rows));
}

/** @param {Certificate} certificate */
function validityCard(certificate) {
  const hidden = certificate.hiddenFields.map(subjectName);
  /** @param {"validFrom" | "validUntil"} name @param {string} fallback */
  const dateRow = (name, fallback) => {
    const value = certificate[name];
    if (value) return entry(t(`field.${name}`), time(value));
    return entry(t(`field.${name}`), hidden.includes(name) ? el("span", { class: "muted" }, t("field.hidden")) : t(fallback));
  };
  return el(
    "section",
    { class: "card" },
    el("h3", {}, t("page.validityHeading")),
    el(
      "dl",
      { class: "fields" },
      dateRow("validFrom", "field.notGiven"),
      dateRow("validUntil", "field.noEnd"),
      certificate.issuedAt ? entry(t("field.issuedAt"), time(certificate.issuedAt)) : null,
      certificate.supersedes ? entry(t("field.supersedes"), code(certificate.supersedes)) : null,
    ),
  );
}

/** @param {VerificationResult} result */
function warningsCard(result) {
  const successor = result.certificate?.supersededBy;
  const items = successor ? [el("li", {}, t("page.supersededBy", { id: successor }))] : [];
  for (const warning of result.warnings) {
    if (successor && warning.includes(successor)) continue;
    items.push(el("li", { lang: "en" }, warning));
  }
  if (items.length === 0) return null;
  return el("section", { class: "card card--caution" }, el("h3", {}, t("page.warningsHeading")), el("ul", { class: "warnings" }, items));
}

/** @param {VerificationResult} result */
function anchorCard(result) {
  const { anchor, revocation } = result;
  const rows = anchor
    ? [
        anchor.txHash ? entry(t("anchor.txHash"), code(anchor.txHash)) : null,
        anchor.blockNumber !== undefined ? entry(t("anchor.block"), anchor.blockNumber) : null,
        anchor.anchoredAt ? entry(t("anchor.anchoredAt"), time(anchor.anchoredAt)) : null,
        entry(t("anchor.chainId"), anchor.chainId),
        entry(t("anchor.ledger"), code(anchor.ledger)),
        entry(t("anchor.root"), code(anchor.root)),
        anchor.officer ? entry(t("anchor.officer"), code(anchor.officer)) : null,
        revocation?.txHash ? entry(t("revocation.txHash"), code(revocation.txHash)) : null,
      ]
    : [];
  const intro = anchor ? "page.anchorIntro" : result.status === "UNAVAILABLE" ? "page.anchorUnreachable" : "page.noAnchor";
  return el("section", { class: "card" }, el("h3", {}, t("page.anchorHeading")), el("p", { class: "hint" }, t(intro)), el("dl", { class: "fields" }, rows));
}

/** @param {VerificationResult} result */
function checksCard(result) {
  if (result.checks.length === 0) return null;
  const items = result.checks.map((check) => {
    const state = check.passed ? "passed" : result.status === "UNAVAILABLE" ? "unchecked" : "failed";
    const sentence = state === "unchecked" ? t("check.unreachable") : t(`check.${check.name}.${state}`);
    return el(
      "li",
      { class: `check check--${state}` },
      el("div", {}, el("p", { class: "check__name" }, `${t(`check.${check.name}.name`)}: `, el("strong", {}, t(`check.result.${state}`))), el("p", {}, sentence)),
    );
  });
  return el("details", { class: "card disclosure" }, el("summary", {}, t("page.checksHeading", { count: result.checks.length })), el("ol", { class: "checks" }, items));
}

/**
 * Everything about one result, ready to insert.
 * @param {VerificationResult} result
 * @param {{ pageUrl?: string, requestedId?: string }} [context]
 */
export function renderResult(result, context = {}) {
  const certificate = result.certificate;
  return el(
    "div",
    { class: "result__body" },
    verdict(result),
    warningsCard(result),
    certificate
      ? certificateCard(certificate, result.status)
      : context.requestedId
        ? el("section", { class: "card" }, el("dl", { class: "fields" }, entry(t("page.requestedId"), code(context.requestedId))))
        : null,
    issuerCard(certificate, result.anchor),
    certificate ? validityCard(certificate) : null,
    anchorCard(result),
    checksCard(result),
    context.pageUrl ? el("p", {}, el("a", { href: context.pageUrl }, t("scan.result.openPage"))) : null,
  );
}
