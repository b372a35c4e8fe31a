import type { Locale } from "../../i18n/index.ts";
import { html } from "../rendering/html.ts";
import type { PageData } from "./pageData.ts";
import { renderPageShell } from "./shell.ts";
import { wordsFor } from "./words.ts";

/**
 * The holder's page, `/h/<id>#<secret>`: the secret stays in the fragment, which browsers never
 * send, and the script sends it only in a request header. Light enough for a cheap phone: one
 * small script, the result rendered by the service, no camera, no vendor code.
 */
export function renderHolderPage(locale: Locale, langUrls: Readonly<Record<Locale, string>>, data: PageData): string {
  const m = wordsFor(locale);
  const main = html`<h1>${m("holder.title")}</h1>
<p class="lead">${m("holder.intro")}</p>
<noscript><p class="notice notice--unavailable">${m("holder.noscript")}</p></noscript>
<div class="option option--display"><input type="checkbox" id="large-text"><label for="large-text">${m("scan.largeText")}</label></div>
<p id="holder-status" class="hint" role="status" aria-live="polite"></p>
<section class="card" id="unlock" aria-labelledby="unlock-heading" hidden>
<h2 id="unlock-heading">${m("holder.codeHeading")}</h2>
<form id="unlock-form" class="code-form" autocomplete="off">
<label for="holder-code">${m("holder.codeLabel")}</label>
<div class="code-form__row">
<input type="text" id="holder-code" name="code" autocapitalize="characters" spellcheck="false" autocomplete="off">
<button type="submit">${m("holder.open")}</button>
</div>
</form>
</section>
<div id="holder-main" hidden>
<section class="card" aria-labelledby="present-heading">
<h2 id="present-heading">${m("holder.presentHeading")}</h2>
<p id="present-intro" class="hint"></p>
<form id="present-form">
<fieldset class="holder-fields" id="present-fields"><legend>${m("holder.presentFields")}</legend></fieldset>
<button type="submit">${m("holder.presentCreate")}</button>
</form>
<div id="live-code" class="live-code" aria-live="polite"></div>
<h3>${m("holder.presentActive")}</h3>
<ul id="presentation-list" class="presentation-list"></ul>
</section>
<section class="result" aria-labelledby="holder-result-heading">
<h2 id="holder-result-heading" class="visually-hidden">${m("holder.certificateHeading")}</h2>
<div id="holder-result"></div>
</section>
<section class="card" aria-labelledby="traces-heading">
<h2 id="traces-heading">${m("holder.tracesHeading")}</h2>
<p id="traces-intro" class="hint"></p>
<div id="traces"></div>
</section>
<section class="card" aria-labelledby="revoke-heading">
<h2 id="revoke-heading">${m("holder.revokeHeading")}</h2>
<p class="hint">${m("holder.revokeIntro")}</p>
<button type="button" id="revoke" class="button--secondary">${m("holder.revoke")}</button>
</section>
</div>`;
  return renderPageShell({ page: "holder", locale, title: m("holder.title"), langUrls, main, data, staffNav: false });
}
