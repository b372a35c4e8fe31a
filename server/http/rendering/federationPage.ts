import { t, type Locale } from "../../i18n/index.ts";
import type { TrustListState } from "../../services/trustListWatch.ts";
import { formatDateTime } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import { renderLayout } from "./layout.ts";

export interface FederationPageOptions {
  locale: Locale;
  langUrls: Readonly<Record<Locale, string>>;
  state: TrustListState;
  timeZone: string;
}

function listSummary(state: TrustListState, locale: Locale, timeZone: string): SafeHtml {
  const list = state.list;
  if (!list) return html`<p>${t(locale, "federation.noList")}</p>`;
  const expiry = list.expiresAt
    ? html`<p data-expires-at="${list.expiresAt}">${t(
        locale,
        state.expired ? "federation.expired" : "federation.expires",
        {
          time: formatDateTime(list.expiresAt, locale, timeZone),
        },
      )}</p>`
    : "";
  const refused = state.refused
    ? // the reason names a file on this host: it is in the log and /readyz, not on a public page
      html`<p class="notice notice--invalid">${t(locale, "federation.refused")}</p>`
    : "";
  return html`${expiry}${refused}`;
}

/**
 * The operator's view of whom this service recognises: its trust list's deployments, their
 * chains, ledgers and origins, and when the list expires. Public, as a trust list is.
 */
export function renderFederationPage({ locale, langUrls, state, timeZone }: FederationPageOptions): string {
  const deployments = state.list && !state.expired ? state.list.deployments : [];
  const rows = deployments.map(
    (d) => html`<tr data-origin="${(d.origins ?? []).join(" ")}">
<td>${d.name ? d.name[locale] : ""}</td>
<td>${(d.origins ?? []).map((origin) => html`<code class="mono">${origin}</code> `)}</td>
<td>${d.chainId}</td>
<td><code class="mono">${d.ledger}</code></td>
<td><code class="mono">${d.registry ?? ""}</code></td>
</tr>`,
  );
  const table =
    rows.length === 0
      ? html`<p>${t(locale, "federation.none")}</p>`
      : html`<table class="table"><thead><tr><th scope="col">${t(locale, "federation.name")}</th><th scope="col">${t(locale, "federation.origins")}</th><th scope="col">${t(locale, "federation.chain")}</th><th scope="col">${t(locale, "federation.ledger")}</th><th scope="col">${t(locale, "federation.registry")}</th></tr></thead><tbody>${rows}</tbody></table>`;
  const main = html`<h1>${t(locale, "federation.title")}</h1>
<p class="lead">${t(locale, "federation.intro")}</p>
<section class="card" aria-labelledby="list-heading">
<h2 id="list-heading">${t(locale, "federation.listHeading")}</h2>
${listSummary(state, locale, timeZone)}
${table}
</section>`;
  return renderLayout({ locale, title: t(locale, "federation.title"), langUrls, main });
}
