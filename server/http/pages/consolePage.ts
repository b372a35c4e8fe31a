import { REVOCATION_REASONS } from "../../core/verification/result.ts";
import { t, type Locale } from "../../i18n/index.ts";
import { html } from "../rendering/html.ts";
import type { PageData } from "./pageData.ts";
import { apiKeySection } from "./apiKeySection.ts";
import { renderPageShell } from "./shell.ts";
import { wordsFor } from "./words.ts";

/** Fields and sections with ids the console script fills; the key never appears in a URL. */
export function renderConsolePage(locale: Locale, langUrls: Readonly<Record<Locale, string>>, data: PageData): string {
  const m = wordsFor(locale);
  const typeOptions = data.types.map((type) => html`<option value="${type.name}">${type.label}</option>`);
  const reasons = Object.keys(REVOCATION_REASONS).map(
    (reason) =>
      html`<option value="${reason}">${t(locale, `reason.${reason as keyof typeof REVOCATION_REASONS}`)}</option>`,
  );
  const main = html`<h1>${m("console.title")}</h1>
${apiKeySection(m, "console.key.heading")}
<div id="workspace" hidden>
<nav class="tabs" aria-label="${m("console.sections")}"><ul>
<li><a href="#issue-section">${m("console.issue.heading")}</a></li>
<li><a href="#bulk-section">${m("console.bulk.heading")}</a></li>
<li><a href="#find-section">${m("console.find.heading")}</a></li>
</ul></nav>

<section class="card" id="issue-section" aria-labelledby="issue-heading" tabindex="-1">
<h2 id="issue-heading">${m("console.issue.heading")}</h2>
<form id="issue-form" class="stack" novalidate>
<div class="formfield"><label for="issue-type">${m("console.type")}</label>
<select id="issue-type" name="type">${typeOptions}</select></div>
<fieldset class="subject"><legend>${m("console.issue.subject")}</legend><div id="issue-fields" class="grid-fields"></div></fieldset>
<fieldset class="subject"><legend>${m("console.issue.validity")}</legend><div class="grid-fields">
<div class="formfield"><label for="issue-validFrom">${m("field.validFrom")}</label>
<input type="date" id="issue-validFrom" name="validFrom" aria-describedby="issue-validFrom-hint issue-validFrom-error">
<p class="hint" id="issue-validFrom-hint">${m("console.issue.validFromHint")}</p><p class="field-error" id="issue-validFrom-error"></p></div>
<div class="formfield"><label for="issue-validUntil">${m("field.validUntil")}</label>
<input type="date" id="issue-validUntil" name="validUntil" aria-describedby="issue-validUntil-error">
<p class="field-error" id="issue-validUntil-error"></p></div>
</div></fieldset>
<p class="form-error" id="issue-error" role="alert"></p>
<div class="actions"><button type="submit" id="issue-submit">${m("console.issue.submit")}</button></div>
</form>
<div id="issue-result" aria-live="polite"></div>
</section>

<section class="card" id="bulk-section" aria-labelledby="bulk-heading" tabindex="-1">
<h2 id="bulk-heading">${m("console.bulk.heading")}</h2>
<p class="hint">${m("console.bulk.intro")}</p>
<form id="bulk-form" class="stack" novalidate>
<div class="grid-fields">
<div class="formfield"><label for="bulk-type">${m("console.type")}</label>
<select id="bulk-type" name="type">${typeOptions}</select></div>
<div class="formfield"><label for="bulk-file">${m("console.bulk.file")}</label>
<input type="file" id="bulk-file" name="file" accept=".csv,text/csv" required aria-describedby="bulk-file-error"><p class="field-error" id="bulk-file-error"></p></div>
</div>
<div class="actions">
<button type="submit" id="bulk-start">${m("console.bulk.start")}</button>
<button type="button" id="bulk-template" class="button--secondary">${m("console.bulk.template")}</button>
</div>
</form>
<div id="bulk-run" hidden>
<label for="bulk-progress">${m("console.bulk.progress")}</label>
<progress id="bulk-progress" max="1" value="0"></progress>
<p id="bulk-summary" role="status" aria-live="polite"></p>
<div class="actions">
<button type="button" id="bulk-zip" hidden>${m("console.bulk.zip")}</button>
<button type="button" id="bulk-report" class="button--secondary" hidden>${m("console.bulk.report")}</button>
</div>
<p id="bulk-zip-status" class="hint" role="status"></p>
<div id="bulk-errors" class="table-wrap" hidden>
<table><caption>${m("console.bulk.errors")}</caption>
<thead><tr><th scope="col">${m("console.bulk.row")}</th><th scope="col">${m("console.bulk.field")}</th><th scope="col">${m("console.bulk.problem")}</th></tr></thead>
<tbody id="bulk-errors-body"></tbody></table>
</div>
</div>
</section>

<section class="card" id="find-section" aria-labelledby="find-heading" tabindex="-1">
<h2 id="find-heading">${m("console.find.heading")}</h2>
<form id="find-form" class="stack" novalidate>
<div class="grid-fields">
<div class="formfield"><label for="find-id">${m("field.id")}</label><input type="text" id="find-id" name="id" spellcheck="false" autocomplete="off"></div>
<div class="formfield"><label for="find-type">${m("console.type")}</label>
<select id="find-type" name="type"><option value="">${m("console.any")}</option>${typeOptions}</select></div>
<div class="formfield"><label for="find-state">${m("console.find.state")}</label>
<select id="find-state" name="state"><option value="">${m("console.any")}</option>
<option value="pending">${m("console.state.pending")}</option><option value="anchored">${m("console.state.anchored")}</option><option value="failed">${m("console.state.failed")}</option></select></div>
<div class="formfield"><label for="find-status">${m("console.find.status")}</label>
<select id="find-status" name="status"><option value="">${m("console.any")}</option>
<option value="active">${m("console.status.active")}</option><option value="suspended">${m("console.status.suspended")}</option><option value="revoked">${m("console.status.revoked")}</option></select></div>
<div class="formfield"><label for="find-from">${m("console.find.from")}</label><input type="date" id="find-from" name="from"></div>
<div class="formfield"><label for="find-to">${m("console.find.to")}</label><input type="date" id="find-to" name="to"></div>
</div>
<p class="form-error" id="find-error" role="alert"></p>
<div class="actions"><button type="submit">${m("console.find.submit")}</button></div>
</form>
<p id="find-summary" role="status" aria-live="polite"></p>
<div class="table-wrap" id="find-results" hidden>
<table><caption class="visually-hidden">${m("console.find.results")}</caption>
<thead><tr><th scope="col">${m("field.id")}</th><th scope="col">${m("console.type")}</th><th scope="col">${m("console.find.state")}</th><th scope="col">${m("console.find.status")}</th><th scope="col">${m("console.find.created")}</th><th scope="col">${m("console.find.actions")}</th></tr></thead>
<tbody id="find-body"></tbody></table>
</div>
<div class="actions" id="find-paging" hidden>
<button type="button" id="find-prev" class="button--secondary">${m("console.find.prev")}</button>
<button type="button" id="find-next" class="button--secondary">${m("console.find.next")}</button>
</div>
</section>
</div>

<dialog id="status-dialog" aria-labelledby="status-dialog-title" aria-describedby="status-dialog-text">
<form method="dialog" id="status-form" class="stack" novalidate>
<h2 id="status-dialog-title"></h2>
<p id="status-dialog-text"></p>
<p class="mono" id="status-dialog-id"></p>
<div class="formfield" id="status-reason-field"><label for="status-reason">${m("revocation.reason")}</label>
<select id="status-reason" name="reason"><option value="">${m("console.status.noReason")}</option>${reasons}</select>
<p class="field-error" id="status-reason-error"></p></div>
<div class="formfield"><label for="status-note">${m("console.status.note")}</label>
<textarea id="status-note" name="note" rows="3" maxlength="1000" aria-describedby="status-note-hint"></textarea>
<p class="hint" id="status-note-hint">${m("console.status.noteHint")}</p></div>
<p class="form-error" id="status-error" role="alert"></p>
<div class="actions actions--end">
<button type="button" id="status-cancel" class="button--secondary">${m("console.cancel")}</button>
<button type="submit" id="status-confirm" class="button--danger"></button>
</div>
</form>
</dialog>`;
  return renderPageShell({ page: "console", locale, title: m("console.title"), langUrls, main, data, staffNav: true });
}
