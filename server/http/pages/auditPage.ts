import type { Locale } from "../../i18n/index.ts";
import { html } from "../rendering/html.ts";
import type { PageData } from "./pageData.ts";
import { apiKeySection } from "./apiKeySection.ts";
import { renderPageShell } from "./shell.ts";
import { wordsFor } from "./words.ts";

const LEDGER_KINDS = [
  "BatchAnchored",
  "BatchRevoked",
  "BatchRestored",
  "CertificateRevoked",
  "CertificateSuspended",
  "CertificateReinstated",
  "CertificateRestored",
] as const;

/** The auditor's view: a certificate's timeline, an agency's activity and export, reconciliation. */
export function renderAuditPage(locale: Locale, langUrls: Readonly<Record<Locale, string>>, data: PageData): string {
  const m = wordsFor(locale);
  const main = html`<h1>${m("audit.title")}</h1>
${apiKeySection(m, "audit.key.heading")}
<div id="workspace" hidden>
<nav class="tabs" aria-label="${m("audit.sections")}"><ul>
<li><a href="#timeline-section">${m("audit.timeline.heading")}</a></li>
<li><a href="#activity-section">${m("audit.activity.heading")}</a></li>
<li><a href="#reconcile-section">${m("audit.reconcile.heading")}</a></li>
</ul></nav>

<section class="card" id="timeline-section" aria-labelledby="timeline-heading" tabindex="-1">
<h2 id="timeline-heading">${m("audit.timeline.heading")}</h2>
<form id="timeline-form" class="stack" novalidate>
<div class="formfield"><label for="timeline-id">${m("field.id")}</label>
<input type="text" id="timeline-id" name="id" spellcheck="false" autocomplete="off" required></div>
<p class="form-error" id="timeline-error" role="alert"></p>
<div class="actions"><button type="submit">${m("audit.timeline.show")}</button></div>
</form>
<div id="timeline-result" aria-live="polite"></div>
</section>

<section class="card" id="activity-section" aria-labelledby="activity-heading" tabindex="-1">
<h2 id="activity-heading">${m("audit.activity.heading")}</h2>
<form id="activity-form" class="stack" novalidate>
<div class="grid-fields">
<div class="formfield"><label for="activity-agency">${m("field.agencyId")}</label>
<input type="number" id="activity-agency" name="agencyId" min="1" step="1" inputmode="numeric" required></div>
<div class="formfield"><label for="activity-kind">${m("audit.activity.kind")}</label>
<select id="activity-kind" name="kind"><option value="">${m("console.any")}</option>${LEDGER_KINDS.map(
    (kind) => html`<option value="${kind}">${m(`audit.kind.${kind}`)}</option>`,
  )}</select></div>
<div class="formfield"><label for="activity-from">${m("audit.activity.from")}</label><input type="date" id="activity-from" name="from"></div>
<div class="formfield"><label for="activity-to">${m("audit.activity.to")}</label><input type="date" id="activity-to" name="to"></div>
</div>
<p class="form-error" id="activity-error" role="alert"></p>
<div class="actions">
<button type="submit">${m("audit.activity.show")}</button>
<button type="button" id="activity-export" class="button--secondary">${m("audit.activity.export")}</button>
</div>
</form>
<p id="activity-summary" role="status" aria-live="polite"></p>
<div id="activity-figures"></div>
<div class="table-wrap" id="activity-results" hidden>
<table><caption>${m("audit.activity.events")}</caption>
<thead><tr><th scope="col">${m("audit.col.time")}</th><th scope="col">${m("audit.activity.kind")}</th><th scope="col">${m("console.type")}</th><th scope="col">${m("audit.col.detail")}</th><th scope="col">${m("anchor.block")}</th><th scope="col">${m("anchor.txHash")}</th></tr></thead>
<tbody id="activity-body"></tbody></table>
</div>
<div class="actions" id="activity-paging" hidden>
<button type="button" id="activity-next" class="button--secondary">${m("console.find.next")}</button>
</div>
</section>

<section class="card" id="reconcile-section" aria-labelledby="reconcile-heading" tabindex="-1">
<h2 id="reconcile-heading">${m("audit.reconcile.heading")}</h2>
<p class="hint">${m("audit.reconcile.intro")}</p>
<div class="actions"><button type="button" id="reconcile-run">${m("audit.reconcile.run")}</button></div>
<p class="form-error" id="reconcile-error" role="alert"></p>
<div id="reconcile-result" aria-live="polite"></div>
</section>
</div>`;
  return renderPageShell({ page: "audit", locale, title: m("audit.title"), langUrls, main, data, staffNav: true });
}
