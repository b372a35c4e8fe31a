/* global fetch */
/**
 * The auditor's view: one certificate's life on the chain, an agency's activity (filters, CSV
 * export) and the reconciliation of the service's database with the chain, findings first.
 */
import { ApiError, api } from "./api.js";
import { localDateTime } from "./dates.js";
import { byId, download, el, replace } from "./dom.js";
import { formatDate, t, typeByName } from "./i18n.js";
import { banner } from "./resultView.js";
import { keySignIn } from "./signIn.js";

/**
 * @typedef {{ event: string, blockNumber: number | null, txHash: string | null, time: string | null, actor: string | null,
 *   reason: string | null, requestedBy: string | null, successorId?: string }} HistoryEntry
 * @typedef {{ certificateId: string, agencyId: number, type: string, leaf: string, root: string | null,
 *   indexedThrough: number | null, entries: HistoryEntry[] }} History
 * @typedef {{ blockNumber: number, blockTime: string, txHash: string, kind: string, type: string | null, size: number | null,
 *   reason: string | null, leaf: string | null, root: string | null }} EventView
 * @typedef {{ severity: string, code: string, certificateId?: string, root?: string, detail: string }} Finding
 * @typedef {{ ok: boolean, generatedAt: string, indexedThrough: number | null,
 *   checked: { batches: number, certificates: number, chainRoots: number }, skippedInFlight: number, findings: Finding[] }} Report
 * @typedef {{ issued: { month: string, type: string | null, batches: number, certificates: number }[] }} Summary
 */

const PAGE_SIZE = 50;
const SEVERITY_ORDER = ["critical", "high", "medium"];

const session = keySignIn("auditor");

const ui = {
  timelineForm: byId("timeline-form", HTMLFormElement),
  timelineId: byId("timeline-id", HTMLInputElement),
  timelineError: byId("timeline-error", HTMLParagraphElement),
  timelineResult: byId("timeline-result", HTMLDivElement),
  activityForm: byId("activity-form", HTMLFormElement),
  activityAgency: byId("activity-agency", HTMLInputElement),
  activityKind: byId("activity-kind", HTMLSelectElement),
  activityFrom: byId("activity-from", HTMLInputElement),
  activityTo: byId("activity-to", HTMLInputElement),
  activityError: byId("activity-error", HTMLParagraphElement),
  activityExport: byId("activity-export", HTMLButtonElement),
  activitySummary: byId("activity-summary", HTMLParagraphElement),
  activityFigures: byId("activity-figures", HTMLDivElement),
  activityResults: byId("activity-results", HTMLDivElement),
  activityBody: byId("activity-body", HTMLTableSectionElement),
  activityPaging: byId("activity-paging", HTMLDivElement),
  activityNext: byId("activity-next", HTMLButtonElement),
  reconcileRun: byId("reconcile-run", HTMLButtonElement),
  reconcileError: byId("reconcile-error", HTMLParagraphElement),
  reconcileResult: byId("reconcile-result", HTMLDivElement),
};

/** @param {unknown} error */
function errorText(error) {
  if (session.expired(error)) return "";
  if (error instanceof ApiError && error.status === 404) return t("audit.notFound");
  if (error instanceof ApiError && error.status === 403) return t("console.error.forbidden");
  if (error instanceof ApiError && error.status > 0)
    return t("console.error.api", { code: error.code, message: error.message });
  return t("console.error.network");
}

/** @param {string} label @param {Node | string | number} value */
const entry = (label, value) => el("div", { class: "field" }, el("dt", {}, label), el("dd", {}, value));
/** @param {string | null | undefined} value */
const mono = (value) => el("code", { class: "mono" }, value ?? "—");
/** @param {string | null} value */
const when = (value) => (value ? el("time", { datetime: value }, formatDate(value)) : "—");

// ---- timeline -------------------------------------------------------------------------

/** @param {History} history */
function renderTimeline(history) {
  const items = history.entries.map((item) =>
    el(
      "li",
      { class: `timeline__item timeline__item--${item.event}`, "data-event": item.event },
      el("p", { class: "timeline__event" }, el("strong", {}, t(`audit.event.${item.event}`)), " ", when(item.time)),
      el(
        "dl",
        { class: "fields" },
        item.reason ? entry(t("revocation.reason"), t(`reason.${item.reason}`)) : null,
        item.successorId ? entry(t("audit.successor"), mono(item.successorId)) : null,
        entry(t("anchor.block"), item.blockNumber ?? "—"),
        entry(t("anchor.txHash"), mono(item.txHash)),
        entry(t("audit.actor"), mono(item.actor)),
        entry(t("audit.requestedBy"), item.requestedBy ? mono(item.requestedBy) : t("audit.outsideService")),
      ),
    ),
  );
  return el(
    "div",
    {},
    el(
      "dl",
      { class: "fields" },
      entry(t("field.id"), mono(history.certificateId)),
      entry(t("console.type"), typeByName(history.type)?.label ?? history.type),
      entry(t("field.agencyId"), history.agencyId),
      entry(t("anchor.leaf"), mono(history.leaf)),
      entry(t("anchor.root"), mono(history.root)),
      entry(t("audit.indexedThrough"), history.indexedThrough ?? "—"),
    ),
    items.length > 0 ? el("ol", { class: "timeline" }, items) : el("p", { class: "hint" }, t("audit.timeline.empty")),
  );
}

ui.timelineForm.addEventListener("submit", (event) => {
  event.preventDefault();
  ui.timelineError.textContent = "";
  const id = ui.timelineId.value.trim();
  if (!id) return;
  api(`/api/v1/audit/certificates/${encodeURIComponent(id)}/history`, { key: session.key() }).then(
    (history) => {
      replace(ui.timelineResult, renderTimeline(/** @type {History} */ (history)));
    },
    (/** @type {unknown} */ error) => {
      replace(ui.timelineResult);
      ui.timelineError.textContent = errorText(error);
    },
  );
});

// ---- agency activity ------------------------------------------------------------------

/** @type {string | null} */
let nextCursor = null;

function activityParams() {
  const params = new URLSearchParams();
  if (ui.activityKind.value) params.set("kind", ui.activityKind.value);
  if (ui.activityFrom.value) params.set("from", localDateTime(ui.activityFrom.value, "start"));
  if (ui.activityTo.value) params.set("to", localDateTime(ui.activityTo.value, "end"));
  return params;
}

function agencyId() {
  const value = ui.activityAgency.value.trim();
  if (!/^\d+$/.test(value)) {
    ui.activityError.textContent = t("audit.activity.agencyMissing");
    ui.activityAgency.setAttribute("aria-invalid", "true");
    return null;
  }
  ui.activityAgency.removeAttribute("aria-invalid");
  return value;
}

/** @param {EventView} e */
function eventDetail(e) {
  if (e.kind === "BatchAnchored" || e.kind === "BatchRevoked") return t("audit.batchOf", { size: e.size ?? "?" });
  return [e.reason ? t(`reason.${e.reason}`) : "", e.leaf ?? ""].filter(Boolean).join(" · ");
}

/** @param {EventView[]} items @param {boolean} append */
function showEvents(items, append) {
  const rows = items.map((e) =>
    el(
      "tr",
      { "data-kind": e.kind },
      el("td", { "data-label": t("audit.col.time") }, when(e.blockTime)),
      el("td", { "data-label": t("audit.activity.kind") }, t(`audit.kind.${e.kind}`)),
      el("td", { "data-label": t("console.type") }, e.type ? (typeByName(e.type)?.label ?? e.type) : "—"),
      el("td", { "data-label": t("audit.col.detail"), class: "mono-small" }, eventDetail(e)),
      el("td", { "data-label": t("anchor.block") }, e.blockNumber),
      el("td", { "data-label": t("anchor.txHash") }, mono(e.txHash)),
    ),
  );
  if (append) ui.activityBody.append(...rows);
  else replace(ui.activityBody, rows);
  ui.activityResults.hidden = ui.activityBody.children.length === 0;
}

/** @param {Summary} summary */
function showFigures(summary) {
  if (summary.issued.length === 0) {
    replace(ui.activityFigures);
    return;
  }
  replace(
    ui.activityFigures,
    el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        {},
        el("caption", {}, t("audit.summary.issued")),
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { scope: "col" }, t("audit.summary.month")),
            el("th", { scope: "col" }, t("console.type")),
            el("th", { scope: "col" }, t("audit.summary.batches")),
            el("th", { scope: "col" }, t("audit.summary.certificates")),
          ),
        ),
        el(
          "tbody",
          {},
          summary.issued.map((row) =>
            el(
              "tr",
              {},
              el("td", { "data-label": t("audit.summary.month") }, row.month),
              el("td", { "data-label": t("console.type") }, row.type ? (typeByName(row.type)?.label ?? row.type) : "—"),
              el("td", { "data-label": t("audit.summary.batches") }, row.batches),
              el("td", { "data-label": t("audit.summary.certificates") }, row.certificates),
            ),
          ),
        ),
      ),
    ),
  );
}

/** @param {boolean} more */
async function loadActivity(more) {
  ui.activityError.textContent = "";
  const agency = agencyId();
  if (agency === null) return;
  const key = session.key();
  const params = activityParams();
  params.set("limit", String(PAGE_SIZE));
  if (more && nextCursor) params.set("after", nextCursor);
  try {
    const [page, summary] = await Promise.all([
      api(`/api/v1/audit/agencies/${agency}/events?${params.toString()}`, { key }),
      more ? Promise.resolve(null) : api(`/api/v1/audit/agencies/${agency}/summary`, { key }),
    ]);
    const events = /** @type {{ items: EventView[], next: string | null, indexedThrough: number | null }} */ (page);
    showEvents(events.items, more);
    if (summary) showFigures(/** @type {Summary} */ (summary));
    nextCursor = events.next;
    ui.activityPaging.hidden = !events.next;
    ui.activitySummary.textContent = t("audit.activity.count", {
      count: ui.activityBody.children.length,
      block: events.indexedThrough ?? "—",
    });
  } catch (error) {
    ui.activityError.textContent = errorText(error);
  }
}

ui.activityForm.addEventListener("submit", (event) => {
  event.preventDefault();
  nextCursor = null;
  void loadActivity(false);
});
ui.activityNext.addEventListener("click", () => void loadActivity(true));
ui.activityExport.addEventListener("click", () => {
  ui.activityError.textContent = "";
  const agency = agencyId();
  if (agency === null) return;
  const params = activityParams();
  params.set("format", "csv");
  ui.activityExport.disabled = true;
  fetch(`/api/v1/audit/agencies/${agency}/events?${params.toString()}`, {
    headers: { authorization: `Bearer ${session.key()}` },
    credentials: "omit",
  })
    .then(async (response) => {
      if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
      download(await response.blob(), `agency-${agency}-events.csv`);
    })
    .catch((/** @type {unknown} */ error) => {
      ui.activityError.textContent = errorText(error);
    })
    .finally(() => {
      ui.activityExport.disabled = false;
    });
});

// ---- reconciliation --------------------------------------------------------------------

/** @param {Report} report */
function renderReport(report) {
  const findings = [...report.findings].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  );
  const verdict = banner({
    tone: report.ok ? "valid" : "invalid",
    status: report.ok ? "OK" : "FINDINGS",
    label: t("audit.reconcile.heading"),
    headline: report.ok ? t("audit.reconcile.ok") : t("audit.reconcile.findings", { count: findings.length }),
    explanation: t("audit.reconcile.checked", {
      batches: report.checked.batches,
      certificates: report.checked.certificates,
      roots: report.checked.chainRoots,
      block: report.indexedThrough ?? "—",
    }),
  });
  return el(
    "div",
    {},
    verdict,
    report.skippedInFlight > 0
      ? el("p", { class: "hint" }, t("audit.reconcile.skipped", { count: report.skippedInFlight }))
      : null,
    findings.length > 0
      ? el(
          "ol",
          { class: "findings" },
          findings.map((finding) =>
            el(
              "li",
              { class: `finding finding--${finding.severity}`, "data-severity": finding.severity },
              el(
                "p",
                {},
                el("span", { class: "badge" }, t(`audit.severity.${finding.severity}`)),
                " ",
                el("strong", {}, finding.code),
              ),
              el("p", { lang: "en" }, finding.detail),
              finding.certificateId ? el("p", {}, `${t("field.id")}: `, mono(finding.certificateId)) : null,
              finding.root ? el("p", {}, `${t("anchor.root")}: `, mono(finding.root)) : null,
            ),
          ),
        )
      : null,
    el("p", { class: "hint" }, t("audit.reconcile.generated", { time: formatDate(report.generatedAt) })),
  );
}

ui.reconcileRun.addEventListener("click", () => {
  ui.reconcileError.textContent = "";
  ui.reconcileRun.disabled = true;
  replace(ui.reconcileResult, el("p", { class: "hint" }, t("audit.reconcile.running")));
  api("/api/v1/audit/reconcile", { key: session.key() })
    .then(
      (report) => {
        replace(ui.reconcileResult, renderReport(/** @type {Report} */ (report)));
      },
      (/** @type {unknown} */ error) => {
        replace(ui.reconcileResult);
        ui.reconcileError.textContent = errorText(error);
      },
    )
    .finally(() => {
      ui.reconcileRun.disabled = false;
    });
});
