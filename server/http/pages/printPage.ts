import type { Locale } from "../../i18n/index.ts";
import { html } from "../rendering/html.ts";
import type { PageData } from "./pageData.ts";
import { renderPageShell } from "./shell.ts";
import { wordsFor } from "./words.ts";

/**
 * A4 certificate for paper: the script reads `?id=` and the officer key of this tab, fills the
 * sheet and its QR code; the print stylesheet drops everything but the sheet.
 */
export function renderPrintPage(locale: Locale, langUrls: Readonly<Record<Locale, string>>, data: PageData): string {
  const m = wordsFor(locale);
  const main = html`<div class="print-controls actions">
<a class="button button--secondary" href="/console">${m("print.back")}</a>
<button type="button" id="print-button" disabled>${m("print.print")}</button>
</div>
<p id="print-status" class="hint" role="status" aria-live="polite">${m("print.loading")}</p>
<article id="sheet" class="sheet" aria-labelledby="sheet-title" hidden>
<header class="sheet__head">
<p class="sheet__agency" id="sheet-agency"></p>
<h1 class="sheet__title" id="sheet-title"></h1>
</header>
<dl class="fields sheet__fields" id="sheet-fields"></dl>
<div class="sheet__foot">
<div class="sheet__qr"><img id="sheet-qr" alt="" width="200" height="200"></div>
<div class="sheet__verify">
<p><strong>${m("print.scanToVerify")}</strong></p>
<p class="mono" id="sheet-url"></p>
<dl class="fields" id="sheet-meta"></dl>
</div>
</div>
</article>`;
  return renderPageShell({ page: "print", locale, title: m("print.title"), langUrls, main, data, staffNav: true });
}
