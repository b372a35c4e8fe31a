import { LOCALES, htmlLang, t, type Locale } from "../../i18n/index.ts";
import { STYLESHEET_PATH } from "./assets.ts";
import { html, type SafeHtml } from "./html.ts";

const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = { zh: "中文", en: "English" };

export interface LayoutOptions {
  locale: Locale;
  /** the document title, before the site name */
  title: string;
  /** the same page in each language (see `buildLangUrls`) */
  langUrls: Readonly<Record<Locale, string>>;
  /** the content of `<main>` */
  main: SafeHtml;
  /** extra footer content */
  footer?: SafeHtml;
}

/** Links to the same page in each language, the current one marked. */
export function languageSwitch(locale: Locale, langUrls: Readonly<Record<Locale, string>>): SafeHtml {
  const links = LOCALES.map(
    (other) =>
      html`<li><a href="${langUrls[other]}" lang="${htmlLang(other)}" hreflang="${htmlLang(other)}"${
        other === locale ? html` aria-current="true"` : ""
      }>${LANGUAGE_NAMES[other]}</a></li>`,
  );
  return html`<nav class="lang" aria-label="${t(locale, "page.language")}"><ul>${links}</ul></nav>`;
}

/**
 * The page shell every server-rendered page shares: no scripts, no inline styles, one
 * same-origin stylesheet, so a `default-src 'self'` Content-Security-Policy allows all of it.
 */
export function renderLayout({ locale, title, langUrls, main, footer }: LayoutOptions): string {
  const page = html`<!doctype html>
<html lang="${htmlLang(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title} · ${t(locale, "page.brand")}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip" href="#main">${t(locale, "page.skip")}</a>
<header class="top"><div class="wrap top__inner">
<p class="brand"><span class="brand__name">${t(locale, "page.brand")}</span> <span class="brand__tagline">${t(locale, "page.tagline")}</span></p>
${languageSwitch(locale, langUrls)}
</div></header>
<main id="main" class="wrap" tabindex="-1">
${main}
</main>
<footer class="foot"><div class="wrap">${footer ?? ""}</div></footer>
</body>
</html>
`;
  return page.value;
}
