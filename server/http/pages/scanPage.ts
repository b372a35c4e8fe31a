import type { Locale } from "../../i18n/index.ts";
import { html } from "../rendering/html.ts";
import type { PageData } from "./pageData.ts";
import { renderPageShell } from "./shell.ts";
import { wordsFor } from "./words.ts";

/**
 * The public scan-to-verify page: camera, photo of a QR code, or a certificate file. Every
 * verdict comes from the service (`GET /v/:id` as JSON, `POST /api/v1/verify`); the page only
 * reads codes and draws results. Without JavaScript it explains that the phone's own camera app
 * opens the server-rendered /v/:id page, which needs no script.
 */
export function renderScanPage(locale: Locale, langUrls: Readonly<Record<Locale, string>>, data: PageData): string {
  const m = wordsFor(locale);
  const main = html`<h1>${m("scan.title")}</h1>
<p class="lead">${m("scan.intro")}</p>
<noscript><p class="notice notice--unavailable">${m("scan.noscript")}</p></noscript>
<div class="option option--display"><input type="checkbox" id="large-text"><label for="large-text">${m("scan.largeText")}</label></div>
<div class="scan-layout">
<section class="card scan-layout__code" aria-labelledby="code-heading">
<h2 id="code-heading">${m("scan.code.heading")}</h2>
<form id="code-form" class="code-form" autocomplete="off">
<label for="code-input">${m("scan.code.label")}</label>
<div class="code-form__row">
<input type="text" id="code-input" name="code" inputmode="text" autocapitalize="off" spellcheck="false" enterkeyhint="go" aria-describedby="code-hint">
<button type="submit">${m("scan.code.submit")}</button>
</div>
<p class="hint" id="code-hint">${m("scan.code.hint")}</p>
</form>
</section>
<section class="card scan-layout__camera" aria-labelledby="camera-heading">
<h2 id="camera-heading">${m("scan.camera.heading")}</h2>
<div class="scanner" id="scanner" hidden><video id="camera-video" class="scanner__video" muted playsinline aria-label="${m("scan.camera.preview")}"></video><span class="scanner__frame" aria-hidden="true"></span></div>
<p id="camera-status" class="hint" role="status" aria-live="polite"></p>
<div class="actions">
<button type="button" id="camera-start">${m("scan.camera.start")}</button>
<button type="button" id="camera-stop" class="button--secondary" hidden>${m("scan.camera.stop")}</button>
</div>
<div class="option"><input type="checkbox" id="continuous"><label for="continuous">${m("scan.continuous")}</label></div>
<p class="hint" id="continuous-hint">${m("scan.continuous.hint")}</p>
</section>
<section class="card scan-layout__photo" aria-labelledby="photo-heading">
<h2 id="photo-heading">${m("scan.photo.heading")}</h2>
<label for="photo-input">${m("scan.photo.label")}</label>
<input type="file" id="photo-input" accept="image/*">
</section>
<section class="card dropzone scan-layout__document" id="document-drop" aria-labelledby="document-heading">
<h2 id="document-heading">${m("scan.document.heading")}</h2>
<p class="hint">${m("scan.document.hint")}</p>
<label for="document-input">${m("scan.document.label")}</label>
<input type="file" id="document-input" accept=".json,application/json">
</section>
<div class="scan-layout__result">
<section id="result" class="result" aria-labelledby="result-heading" tabindex="-1">
<h2 id="result-heading" class="visually-hidden">${m("scan.result.heading")}</h2>
<p id="result-announce" class="visually-hidden" aria-live="assertive"></p>
<div id="result-body"><p class="hint result__empty">${m("scan.result.empty")}</p></div>
</section>
<section id="history" class="card" aria-labelledby="history-heading" hidden>
<h2 id="history-heading">${m("scan.history.heading")}</h2>
<ol id="history-list" class="history"></ol>
</section>
</div>
</div>`;
  return renderPageShell({ page: "scan", locale, title: m("scan.title"), langUrls, main, data, staffNav: false });
}
