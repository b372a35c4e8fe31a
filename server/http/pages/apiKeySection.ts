import { html, type SafeHtml } from "../rendering/html.ts";
import type { PlainKey } from "./words.ts";

/**
 * The API key form the staff pages open with (ids the page scripts bind to); the key is kept in
 * the tab's sessionStorage by the script, never in a URL.
 */
export function apiKeySection(m: (key: PlainKey) => string, heading: PlainKey): SafeHtml {
  return html`<section class="card" id="key-section" aria-labelledby="key-heading">
<h2 id="key-heading">${m(heading)}</h2>
<form id="key-form" class="stack" autocomplete="off">
<div class="formfield"><label for="key-input">${m("console.key.label")}</label>
<input type="password" id="key-input" name="key" autocomplete="off" spellcheck="false" required aria-describedby="key-hint key-error">
<p class="hint" id="key-hint">${m("console.key.hint")}</p>
<p class="field-error" id="key-error" role="alert"></p></div>
<div class="actions"><button type="submit">${m("console.key.use")}</button></div>
</form>
<div id="key-status" class="actions actions--between" hidden>
<p id="key-summary"></p>
<button type="button" id="key-forget" class="button--secondary">${m("console.key.forget")}</button>
</div>
</section>`;
}
