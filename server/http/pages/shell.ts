import { htmlLang, t, type Locale } from "../../i18n/index.ts";
import { STYLESHEET_PATH } from "../rendering/assets.ts";
import { html, raw, type SafeHtml } from "../rendering/html.ts";
import { toneIcon } from "../rendering/icons.ts";
import { languageSwitch } from "../rendering/layout.ts";
import type { StatusTone } from "../rendering/statusTone.ts";
import { jsonForScript, type PageData } from "./pageData.ts";

/** URL paths of the pages, fixed here so links, routes and the OpenAPI document agree. */
export const PAGE_PATHS = {
  scan: "/scan",
  console: "/console",
  print: "/console/print",
  audit: "/audit",
  holder: "/h/:id",
} as const;

export type PageName = keyof typeof PAGE_PATHS;

/** The pages' own stylesheet, loaded after the shared one; the /v/:id page does not load it. */
export const PAGES_STYLESHEET_PATH = "/static/css/pages.css";

const TONES: readonly StatusTone[] = ["valid", "invalid", "caution", "unavailable"];

export interface PageShellOptions {
  page: PageName;
  locale: Locale;
  title: string;
  langUrls: Readonly<Record<Locale, string>>;
  main: SafeHtml;
  data: PageData;
  /** whether the header links the staff pages (console, audit); the public scan page does not */
  staffNav: boolean;
}

function staffNav(page: PageName, locale: Locale): SafeHtml {
  const items: [PageName, string][] = [
    ["scan", t(locale, "nav.scan")],
    ["console", t(locale, "nav.console")],
    ["audit", t(locale, "nav.audit")],
  ];
  return html`<nav class="sitenav" aria-label="${t(locale, "nav.label")}"><ul>${items.map(
    ([name, label]) =>
      html`<li><a href="${PAGE_PATHS[name]}"${name === page || (page === "print" && name === "console") ? html` aria-current="page"` : ""}>${label}</a></li>`,
  )}</ul></nav>`;
}

/**
 * The shell of the scripted pages: the same header as the server-rendered verification page, one
 * module script, and the page's data as a JSON block. No inline script or style attribute, so a
 * `default-src 'self'` Content-Security-Policy allows all of it. Banner icons are rendered here
 * once, in inert templates, so the scripts draw the same verdict as the no-JavaScript page.
 */
export function renderPageShell(options: PageShellOptions): string {
  const { page, locale, title, langUrls, main, data } = options;
  const icons = TONES.map((tone) => html`<template data-icon="${tone}">${toneIcon(tone)}</template>`);
  return html`<!doctype html>
<html lang="${htmlLang(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title} · ${t(locale, "page.brand")}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="stylesheet" href="${PAGES_STYLESHEET_PATH}">
<script type="module" src="/static/js/${page}.js"></script>
</head>
<body class="page page--${page}">
<a class="skip" href="#main">${t(locale, "nav.skip")}</a>
<header class="top"><div class="wrap wrap--wide top__inner">
<p class="brand"><span class="brand__name">${t(locale, "page.brand")}</span> <span class="brand__tagline">${title}</span></p>
${options.staffNav ? staffNav(page, locale) : ""}
${languageSwitch(locale, langUrls)}
</div></header>
<main id="main" class="wrap wrap--wide" tabindex="-1">
${main}
</main>
<footer class="foot"><div class="wrap wrap--wide"><p>${t(locale, "nav.footer")}</p></div></footer>
${icons}
<script type="application/json" id="page-data">${raw(jsonForScript(data))}</script>
</body>
</html>
`.value;
}
