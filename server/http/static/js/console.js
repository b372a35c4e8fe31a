/* global setTimeout, crypto */
/**
 * The agency console: one officer key per tab; issue one certificate through a form generated
 * from its type, issue many from a CSV file, find certificates and change their status.
 */
import { ApiError, api, fetchBlob } from "./api.js";
import { CsvError, issueRows, rowsFromCsv, templateColumns, toCsv } from "./bulk.js";
import { localDateTime } from "./dates.js";
import { byId, download, el, replace } from "./dom.js";
import { issueTarget, issueText, issuesByItem } from "./fieldIssues.js";
import { formatDate, t, typeByName } from "./i18n.js";
import { qrZip } from "./qrZip.js";
import { buildFields, clearErrors, readSubject, showFieldError } from "./schemaForm.js";
import { forgetKey, keyLabel, storeKey, storedKey } from "./session.js";
import { confirmStatusChange } from "./statusDialog.js";

/** @typedef {{ id: string, type: string, state: string, status: string, createdAt: string }} ListedCertificate */

const PAGE_SIZE = 20;
const ANCHOR_POLL_MS = 1000;
const ANCHOR_POLL_LIMIT = 120;

const ui = {
  keyForm: byId("key-form", HTMLFormElement),
  keyInput: byId("key-input", HTMLInputElement),
  keyError: byId("key-error", HTMLParagraphElement),
  keyStatus: byId("key-status", HTMLDivElement),
  keySummary: byId("key-summary", HTMLParagraphElement),
  keyForget: byId("key-forget", HTMLButtonElement),
  workspace: byId("workspace", HTMLDivElement),
  issueForm: byId("issue-form", HTMLFormElement),
  issueType: byId("issue-type", HTMLSelectElement),
  issueFields: byId("issue-fields", HTMLDivElement),
  issueValidFrom: byId("issue-validFrom", HTMLInputElement),
  issueValidUntil: byId("issue-validUntil", HTMLInputElement),
  issueError: byId("issue-error", HTMLParagraphElement),
  issueSubmit: byId("issue-submit", HTMLButtonElement),
  issueResult: byId("issue-result", HTMLDivElement),
  bulkForm: byId("bulk-form", HTMLFormElement),
  bulkType: byId("bulk-type", HTMLSelectElement),
  bulkFile: byId("bulk-file", HTMLInputElement),
  bulkFileError: byId("bulk-file-error", HTMLParagraphElement),
  bulkStart: byId("bulk-start", HTMLButtonElement),
  bulkTemplate: byId("bulk-template", HTMLButtonElement),
  bulkRun: byId("bulk-run", HTMLDivElement),
  bulkProgress: byId("bulk-progress", HTMLProgressElement),
  bulkSummary: byId("bulk-summary", HTMLParagraphElement),
  bulkZip: byId("bulk-zip", HTMLButtonElement),
  bulkZipStatus: byId("bulk-zip-status", HTMLParagraphElement),
  bulkReport: byId("bulk-report", HTMLButtonElement),
  bulkErrors: byId("bulk-errors", HTMLDivElement),
  bulkErrorsBody: byId("bulk-errors-body", HTMLTableSectionElement),
  findForm: byId("find-form", HTMLFormElement),
  findId: byId("find-id", HTMLInputElement),
  findType: byId("find-type", HTMLSelectElement),
  findState: byId("find-state", HTMLSelectElement),
  findStatus: byId("find-status", HTMLSelectElement),
  findFrom: byId("find-from", HTMLInputElement),
  findTo: byId("find-to", HTMLInputElement),
  findError: byId("find-error", HTMLParagraphElement),
  findSummary: byId("find-summary", HTMLParagraphElement),
  findResults: byId("find-results", HTMLDivElement),
  findBody: byId("find-body", HTMLTableSectionElement),
  findPaging: byId("find-paging", HTMLDivElement),
  findPrev: byId("find-prev", HTMLButtonElement),
  findNext: byId("find-next", HTMLButtonElement),
};

/** @returns {string} */
function officerKey() {
  const key = storedKey("officer");
  if (!key) throw new ApiError(401, "UNAUTHENTICATED", "no key");
  return key;
}

// ---- the key --------------------------------------------------------------------------

/** @param {string} key */
async function checkKey(key) {
  await api("/api/v1/certificates?limit=1", { key });
}

function showSignedIn() {
  const key = storedKey("officer");
  ui.keyForm.hidden = Boolean(key);
  ui.keyStatus.hidden = !key;
  ui.workspace.hidden = !key;
  ui.keySummary.textContent = key ? t("console.key.using", { key: keyLabel(key) }) : "";
}

/** A 401 anywhere means the key is no longer good: forget it and ask again. */
function signOut(message = "") {
  forgetKey("officer");
  showSignedIn();
  ui.keyError.textContent = message;
  ui.keyInput.focus();
}

/** @param {unknown} error */
function isAuthError(error) {
  return error instanceof ApiError && error.status === 401;
}

ui.keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const key = ui.keyInput.value.trim();
  ui.keyError.textContent = "";
  ui.keyInput.removeAttribute("aria-invalid");
  if (!key) {
    ui.keyError.textContent = t("console.key.missing");
    ui.keyInput.setAttribute("aria-invalid", "true");
    return;
  }
  checkKey(key).then(
    () => {
      storeKey("officer", key);
      ui.keyInput.value = "";
      showSignedIn();
      ui.issueType.focus();
    },
    (/** @type {unknown} */ error) => {
      ui.keyInput.setAttribute("aria-invalid", "true");
      ui.keyError.textContent = isAuthError(error) ? t("console.key.rejected") : t("console.error.network");
    },
  );
});
ui.keyForget.addEventListener("click", () => {
  signOut();
});

// ---- issue one ------------------------------------------------------------------------

function currentIssueType() {
  const type = typeByName(ui.issueType.value);
  if (!type) throw new Error(`unknown type ${ui.issueType.value}`);
  return type;
}

function renderIssueFields() {
  const type = currentIssueType();
  buildFields(ui.issueFields, type, "issue-f");
  ui.issueValidUntil.setAttribute("aria-required", type.validUntilRequired ? "true" : "false");
}

/**
 * Puts each issue of the API's answer under its field; what has no field goes above the button.
 * @param {import("./fieldIssues.js").FieldIssue[]} issues
 */
function showIssueErrors(issues) {
  const general = [];
  for (const issue of issues) {
    const target = issueTarget(issue.path);
    const id = target === "validFrom" || target === "validUntil" ? `issue-${target}` : `issue-f-${target}`;
    if (!showFieldError(id, issueText(issue))) general.push(issueText(issue));
  }
  ui.issueError.textContent = t("console.issue.invalid") + (general.length > 0 ? ` ${general.join(" ")}` : "");
  const firstInvalid = ui.issueForm.querySelector("[aria-invalid]");
  if (firstInvalid instanceof HTMLElement) firstInvalid.focus();
}

/**
 * The holder link, shown to the officer this once (only its hash is kept): to hand over and to
 * print on the holder's copy, whose print link carries it in the fragment, never to a server.
 * @param {{ id: string, holder?: { code: string, url: string } | null }} ack
 */
function holderSection(ack) {
  if (!ack.holder) return el("p", { class: "hint" }, t("console.holder.none"));
  return el(
    "div",
    { class: "notice notice--disclosure", "data-holder-link": "" },
    el("p", {}, el("strong", {}, t("console.holder.heading")), " ", t("console.holder.once")),
    el("dl", { class: "fields" }, el("div", { class: "field" }, el("dt", {}, t("console.holder.code")), el("dd", {}, el("code", { class: "mono" }, ack.holder.code)))),
    el("p", {}, el("a", { href: ack.holder.url }, ack.holder.url)),
    el("p", {}, el("a", { class: "button button--secondary", href: `/console/print?id=${ack.id}#holder=${encodeURIComponent(ack.holder.url)}` }, t("console.holder.print"))),
  );
}

/**
 * @param {{ id: string, verifyUrl: string, holder?: { code: string, url: string } | null }} ack
 */
function showIssued(ack) {
  const state = el("p", { role: "status" }, t("console.issue.pending"));
  const qr = el("img", { class: "qr-preview", alt: t("console.issue.qrAlt"), width: 160, height: 160 });
  replace(
    ui.issueResult,
    el(
      "div",
      { class: "card card--done" },
      el("h3", {}, t("console.issue.done")),
      el("dl", { class: "fields" }, el("div", { class: "field" }, el("dt", {}, t("field.id")), el("dd", {}, el("code", { class: "mono", "data-issued-id": ack.id }, ack.id)))),
      state,
      qr,
      holderSection(ack),
      el(
        "p",
        { class: "actions" },
        el("a", { class: "button button--secondary", href: `/console/print?id=${ack.id}` }, t("console.print")),
        el("a", { class: "button button--secondary", href: new URL(ack.verifyUrl).pathname + new URL(ack.verifyUrl).search }, t("console.issue.openVerify")),
      ),
    ),
  );
  const key = officerKey();
  fetchBlob(`/api/v1/certificates/${ack.id}/qr.png`, key).then(
    (blob) => {
      qr.src = URL.createObjectURL(blob);
    },
    () => {
      qr.remove();
    },
  );
  void waitForAnchor(ack.id, key, state);
}

/**
 * @param {string} id
 * @param {string} key
 * @param {HTMLElement} line
 */
async function waitForAnchor(id, key, line) {
  for (let i = 0; i < ANCHOR_POLL_LIMIT && line.isConnected; i++) {
    await new Promise((resolve) => setTimeout(resolve, ANCHOR_POLL_MS));
    const record = /** @type {{ state: string } | null} */ (await api(`/api/v1/certificates/${id}`, { key }).catch(() => null));
    if (record?.state === "anchored") {
      line.textContent = t("console.issue.anchored");
      return;
    }
    if (record?.state === "failed") {
      line.textContent = t("console.issue.failed");
      return;
    }
  }
}

ui.issueType.addEventListener("change", renderIssueFields);
ui.issueForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(ui.issueForm);
  const type = currentIssueType();
  /** @type {Record<string, unknown>} */
  const body = { type: type.name, subject: readSubject(ui.issueForm, type) };
  if (ui.issueValidFrom.value) body.validFrom = localDateTime(ui.issueValidFrom.value, "start");
  if (ui.issueValidUntil.value) body.validUntil = localDateTime(ui.issueValidUntil.value, "end");
  ui.issueSubmit.disabled = true;
  api("/api/v1/certificates", { method: "POST", key: officerKey(), body, idempotencyKey: crypto.randomUUID() })
    .then(
      (ack) => {
        showIssued(/** @type {{ id: string, verifyUrl: string, holder?: { code: string, url: string } | null }} */ (ack));
        ui.issueForm.reset();
        renderIssueFields();
      },
      (/** @type {unknown} */ error) => {
        if (isAuthError(error)) {
          signOut(t("console.key.expired"));
          return;
        }
        if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
          const issues = [...issuesByItem(error.details).values()].flat();
          if (issues.length > 0) {
            showIssueErrors(issues);
            return;
          }
        }
        ui.issueError.textContent = apiErrorText(error);
      },
    )
    .finally(() => {
      ui.issueSubmit.disabled = false;
    });
});

/** @param {unknown} error */
function apiErrorText(error) {
  if (error instanceof ApiError && error.status === 403) return t("console.error.forbidden");
  if (error instanceof ApiError && error.status > 0) return t("console.error.api", { code: error.code, message: error.message });
  return t("console.error.network");
}

// ---- bulk -----------------------------------------------------------------------------

/** @type {{ issued: import("./bulk.js").Issued[], rejected: import("./bulk.js").Rejected[] } | null} */
let lastRun = null;

/** @param {string} path */
function fieldLabel(path) {
  const name = issueTarget(path);
  if (name === "") return "";
  const type = typeByName(ui.bulkType.value);
  const field = type?.fields.find((f) => f.name === name);
  if (field) return field.label;
  return name === "validFrom" || name === "validUntil" ? t(`field.${name}`) : name;
}

ui.bulkTemplate.addEventListener("click", () => {
  const type = typeByName(ui.bulkType.value);
  if (!type) return;
  download(new Blob([toCsv([templateColumns(type)])], { type: "text/csv" }), `${type.name}.csv`);
});

ui.bulkForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void runBulk();
});

async function runBulk() {
  clearErrors(ui.bulkForm);
  const type = typeByName(ui.bulkType.value);
  const file = ui.bulkFile.files?.[0];
  if (!type || !file) {
    ui.bulkFileError.textContent = t("console.bulk.error.noFile");
    ui.bulkFile.setAttribute("aria-invalid", "true");
    return;
  }
  /** @type {import("./bulk.js").RowItem[]} */
  let rows;
  try {
    rows = await rowsFromCsv(await file.text(), type);
  } catch (error) {
    ui.bulkFileError.textContent = error instanceof CsvError ? t(error.code, error.params) : String(error);
    ui.bulkFile.setAttribute("aria-invalid", "true");
    return;
  }
  ui.bulkStart.disabled = true;
  ui.bulkRun.hidden = false;
  ui.bulkZip.hidden = true;
  ui.bulkReport.hidden = true;
  ui.bulkErrors.hidden = true;
  ui.bulkZipStatus.textContent = "";
  replace(ui.bulkErrorsBody);
  try {
    lastRun = await issueRows(rows, officerKey(), (done, total) => {
      ui.bulkProgress.max = Math.max(total, 1);
      ui.bulkProgress.value = done;
      ui.bulkSummary.textContent = t("console.bulk.running", { done, total });
    });
  } catch (error) {
    if (isAuthError(error)) signOut(t("console.key.expired"));
    ui.bulkSummary.textContent = apiErrorText(error);
    return;
  } finally {
    ui.bulkStart.disabled = false;
  }
  const { issued, rejected } = lastRun;
  ui.bulkSummary.textContent = t(rejected.length > 0 ? "console.bulk.doneWithErrors" : "console.bulk.done", {
    issued: issued.length,
    total: rows.length,
    rejected: rejected.length,
  });
  ui.bulkZip.hidden = issued.length === 0;
  ui.bulkReport.hidden = rejected.length === 0;
  ui.bulkErrors.hidden = rejected.length === 0;
  replace(
    ui.bulkErrorsBody,
    rejected.flatMap(({ row, issues }) =>
      issues.map((issue) =>
        el(
          "tr",
          { "data-row": row },
          el("td", { "data-label": t("console.bulk.row") }, row),
          el("td", { "data-label": t("console.bulk.field") }, fieldLabel(issue.path)),
          el("td", { "data-label": t("console.bulk.problem") }, issueText(issue)),
        ),
      ),
    ),
  );
}

ui.bulkReport.addEventListener("click", () => {
  if (!lastRun) return;
  const lines = lastRun.rejected.flatMap(({ row, issues }) => issues.map((issue) => [row, issueTarget(issue.path), issue.code, issueText(issue)]));
  download(new Blob([toCsv([["row", "field", "code", "problem"], ...lines])], { type: "text/csv" }), "certledger-errors.csv");
});

ui.bulkZip.addEventListener("click", () => {
  if (!lastRun) return;
  ui.bulkZip.disabled = true;
  qrZip(lastRun.issued, officerKey(), (done, total) => {
    ui.bulkZipStatus.textContent = t("console.bulk.zipProgress", { done, total });
  })
    .then((blob) => {
      download(blob, `certledger-qr-${new Date().toISOString().slice(0, 10)}.zip`);
      ui.bulkZipStatus.textContent = t("console.bulk.zipDone");
    })
    .catch((/** @type {unknown} */ error) => {
      ui.bulkZipStatus.textContent = apiErrorText(error);
    })
    .finally(() => {
      ui.bulkZip.disabled = false;
    });
});

// ---- find and change status -------------------------------------------------------------

/** Cursors of the pages shown so far: the first page has none. */
let cursors = /** @type {(string | null)[]} */ ([null]);
let nextCursor = /** @type {string | null} */ (null);

function listQuery() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (ui.findType.value) params.set("type", ui.findType.value);
  if (ui.findState.value) params.set("state", ui.findState.value);
  if (ui.findStatus.value) params.set("status", ui.findStatus.value);
  if (ui.findFrom.value) params.set("from", localDateTime(ui.findFrom.value, "start"));
  if (ui.findTo.value) params.set("to", localDateTime(ui.findTo.value, "end"));
  return params;
}

/** @param {ListedCertificate} item */
function actionsFor(item) {
  if (item.state !== "anchored") return [el("span", { class: "muted" }, t("console.find.waiting"))];
  /** @type {import("./statusDialog.js").StatusAction[]} */
  const actions = item.status === "active" ? ["suspend", "revoke"] : item.status === "suspended" ? ["reinstate", "revoke"] : [];
  return actions.map((action) =>
    el(
      "button",
      { type: "button", class: action === "reinstate" ? "button--small" : "button--small button--danger-outline", "data-action": action, "data-id": item.id },
      t(`console.action.${action}.button`),
    ),
  );
}

/** @param {ListedCertificate[]} items */
function showList(items) {
  replace(
    ui.findBody,
    items.map((item) =>
      el(
        "tr",
        { "data-id": item.id },
        el("td", { "data-label": t("field.id") }, el("code", { class: "mono" }, item.id)),
        el("td", { "data-label": t("console.type") }, typeByName(item.type)?.label ?? item.type),
        el("td", { "data-label": t("console.find.state") }, t(`console.state.${item.state}`)),
        el("td", { "data-label": t("console.find.status"), "data-status": item.status }, t(`console.status.${item.status}`)),
        el("td", { "data-label": t("console.find.created") }, el("time", { datetime: item.createdAt }, formatDate(item.createdAt))),
        el("td", {}, el("div", { class: "row-actions" }, el("a", { href: `/console/print?id=${item.id}` }, t("console.print")), actionsFor(item))),
      ),
    ),
  );
  ui.findResults.hidden = items.length === 0;
}

async function findPage() {
  ui.findError.textContent = "";
  const key = officerKey();
  const id = ui.findId.value.trim();
  try {
    if (id) {
      const record = /** @type {{ id: string, type: string, state: string, status: { status: string }, createdAt: string }} */ (
        await api(`/api/v1/certificates/${encodeURIComponent(id)}`, { key })
      );
      showList([{ id: record.id, type: record.type, state: record.state, status: record.status.status, createdAt: record.createdAt }]);
      ui.findSummary.textContent = t("console.find.one");
      ui.findPaging.hidden = true;
      return;
    }
    const params = listQuery();
    const after = cursors.at(-1);
    if (after) params.set("after", after);
    const page = /** @type {{ items: ListedCertificate[], next: string | null }} */ (await api(`/api/v1/certificates?${params.toString()}`, { key }));
    showList(page.items);
    nextCursor = page.next;
    ui.findSummary.textContent = page.items.length === 0 ? t("console.find.none") : t("console.find.page", { page: cursors.length, count: page.items.length });
    ui.findPaging.hidden = cursors.length === 1 && !page.next;
    ui.findPrev.disabled = cursors.length === 1;
    ui.findNext.disabled = !page.next;
  } catch (error) {
    if (isAuthError(error)) {
      signOut(t("console.key.expired"));
      return;
    }
    if (error instanceof ApiError && error.status === 404) {
      showList([]);
      ui.findSummary.textContent = t("console.find.none");
      return;
    }
    ui.findError.textContent = apiErrorText(error);
  }
}

ui.findForm.addEventListener("submit", (event) => {
  event.preventDefault();
  cursors = [null];
  void findPage();
});
ui.findNext.addEventListener("click", () => {
  if (!nextCursor) return;
  cursors.push(nextCursor);
  void findPage();
});
ui.findPrev.addEventListener("click", () => {
  if (cursors.length > 1) cursors.pop();
  void findPage();
});
ui.findBody.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("button[data-action]") : null;
  if (!(button instanceof HTMLButtonElement)) return;
  const action = /** @type {import("./statusDialog.js").StatusAction} */ (button.dataset.action);
  const id = button.dataset.id ?? "";
  confirmStatusChange({
    id,
    action,
    key: officerKey(),
    done: (change) => {
      ui.findSummary.textContent = t("console.action.done", { id, status: t(`console.status.${change.status}`), tx: change.txHash ?? "—" });
      void findPage().then(() => {
        const row = ui.findBody.querySelector(`tr[data-id="${id}"] a`);
        if (row instanceof HTMLElement) row.focus();
      });
    },
  });
});

// ---- start ----------------------------------------------------------------------------

renderIssueFields();
showSignedIn();
const saved = storedKey("officer");
if (saved) {
  checkKey(saved).catch((/** @type {unknown} */ error) => {
    if (isAuthError(error)) signOut(t("console.key.expired"));
  });
}
