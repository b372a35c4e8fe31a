export { STATIC_DIR, STATIC_URL_PREFIX, STYLESHEET_PATH } from "./assets.ts";
export {
  ERROR_PAGE_KINDS,
  errorPageStatus,
  renderErrorPage,
  type ErrorPageKind,
  type ErrorPageOptions,
} from "./errorPage.ts";
export { escapeHtml, html, raw, SafeHtml, type HtmlValue } from "./html.ts";
export { buildLangUrls, type QueryInput } from "./langUrls.ts";
export { renderLayout, type LayoutOptions } from "./layout.ts";
export { isContentConfirmed, statusTone, type StatusTone } from "./statusTone.ts";
export {
  renderResultFragment,
  renderVerifyPage,
  type ResultSectionOptions,
  type TypeLabels,
  type VerifyPageOptions,
} from "./verifyPage.ts";
