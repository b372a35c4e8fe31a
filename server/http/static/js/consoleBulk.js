/**
 * The console's bulk issuance: a CSV file checked row by row, issued in batches with progress,
 * a per-row error report, and the QR codes of what was issued as a ZIP.
 */
import { CsvError, issueRows, rowsFromCsv, templateColumns, toCsv } from "./bulk.js";
import { byId, download, el, replace } from "./dom.js";
import { apiErrorText } from "./errorText.js";
import { issueTarget, issueText } from "./fieldIssues.js";
import { t, typeByName } from "./i18n.js";
import { qrZip } from "./qrZip.js";
import { clearErrors } from "./schemaForm.js";

/** @param {import("./signIn.js").KeySession} session */
export function setUpBulkIssue(session) {
  const ui = {
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
  };

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
      lastRun = await issueRows(rows, session.key(), (done, total) => {
        ui.bulkProgress.max = Math.max(total, 1);
        ui.bulkProgress.value = done;
        ui.bulkSummary.textContent = t("console.bulk.running", { done, total });
      });
    } catch (error) {
      if (session.expired(error)) return;
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
    const lines = lastRun.rejected.flatMap(({ row, issues }) =>
      issues.map((issue) => [row, issueTarget(issue.path), issue.code, issueText(issue)]),
    );
    download(
      new Blob([toCsv([["row", "field", "code", "problem"], ...lines])], { type: "text/csv" }),
      "certledger-errors.csv",
    );
  });

  ui.bulkZip.addEventListener("click", () => {
    if (!lastRun) return;
    ui.bulkZip.disabled = true;
    qrZip(lastRun.issued, session.key(), (done, total) => {
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
}
