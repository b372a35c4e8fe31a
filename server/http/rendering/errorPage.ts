import { t, type Locale } from "../../i18n/index.ts";
import { html } from "./html.ts";
import { toneIcon } from "./icons.ts";
import { renderLayout } from "./layout.ts";
import type { StatusTone } from "./statusTone.ts";

/** The error pages a browser can land on, with the HTTP status each is sent with. */
export const ERROR_PAGE_KINDS = {
  certificateNotFound: { httpStatus: 404, tone: "invalid" },
  notFound: { httpStatus: 404, tone: "unavailable" },
  badRequest: { httpStatus: 400, tone: "invalid" },
  /** a QR link without its fingerprint (`h`), or with a damaged one: a scanning problem, not a forgery */
  incompleteLink: { httpStatus: 400, tone: "unavailable" },
  rateLimited: { httpStatus: 429, tone: "unavailable" },
  unavailable: { httpStatus: 503, tone: "unavailable" },
  internal: { httpStatus: 500, tone: "unavailable" },
} as const satisfies Record<string, { httpStatus: number; tone: StatusTone }>;

export type ErrorPageKind = keyof typeof ERROR_PAGE_KINDS;

export interface ErrorPageOptions {
  kind: ErrorPageKind;
  locale: Locale;
  /** the same page in each language (see `buildLangUrls`) */
  langUrls: Readonly<Record<Locale, string>>;
  /** the certificate id that was looked up, for `certificateNotFound` */
  requestedId?: string;
}

/** An error page in the verification page's style; send it with `errorPageStatus(kind)`. */
export function renderErrorPage({ kind, locale, langUrls, requestedId }: ErrorPageOptions): string {
  const { httpStatus, tone } = ERROR_PAGE_KINDS[kind];
  const headline = t(locale, `error.${kind}.headline`);
  const main = html`<section class="banner banner--${tone}" data-error="${kind}" aria-labelledby="verdict">
${toneIcon(tone)}
<div class="banner__text">
<p class="banner__label">${t(locale, "error.code", { status: httpStatus })}</p>
<h1 id="verdict" class="banner__headline">${headline}</h1>
<p class="banner__explanation">${t(locale, `error.${kind}.explanation`)}</p>
</div>
</section>
${
  requestedId
    ? html`<section class="card" aria-label="${t(locale, "page.requestedId")}"><dl class="fields"><div class="field"><dt>${t(locale, "page.requestedId")}</dt><dd><code class="mono">${requestedId}</code></dd></div></dl></section>`
    : ""
}`;
  return renderLayout({ locale, title: headline, langUrls, main });
}

export function errorPageStatus(kind: ErrorPageKind): number {
  return ERROR_PAGE_KINDS[kind].httpStatus;
}
