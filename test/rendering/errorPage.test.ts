import { expect } from "chai";
import { LOCALES, t } from "../../server/i18n/index.ts";
import {
  buildLangUrls,
  ERROR_PAGE_KINDS,
  errorPageStatus,
  escapeHtml,
  renderErrorPage,
  type ErrorPageKind,
} from "../../server/http/rendering/index.ts";
import { attributeUrls, textOf, unbalancedTags } from "./htmlChecks.ts";

describe("renderErrorPage", () => {
  const kinds = Object.keys(ERROR_PAGE_KINDS) as ErrorPageKind[];

  it("renders each kind in both languages with its headline, status code and the page chrome", () => {
    for (const kind of kinds) {
      for (const locale of LOCALES) {
        const page = renderErrorPage({ kind, locale, langUrls: buildLangUrls("/v/X", { lang: locale }) });
        expect(page).to.include(`<html lang="${locale === "zh" ? "zh-CN" : "en"}">`);
        expect(textOf(page, "verdict")).to.equal(escapeHtml(t(locale, `error.${kind}.headline`)));
        expect(page).to.include(escapeHtml(t(locale, `error.${kind}.explanation`)));
        expect(page).to.include(t(locale, "error.code", { status: errorPageStatus(kind) }));
        expect(page).to.include(`data-error="${kind}"`);
        expect(page).to.include(`<a href="/v/X?lang=zh"`);
        expect(page).to.not.match(/<script|\sstyle\s*=/);
        for (const url of attributeUrls(page)) expect(url).to.match(/^(\/(?!\/)|#)/);
        expect(unbalancedTags(page)).to.deep.equal([]);
      }
    }
  });

  it("sends 404 for an unknown certificate, with a red banner and the id looked up, escaped", () => {
    expect(errorPageStatus("certificateNotFound")).to.equal(404);
    const page = renderErrorPage({
      kind: "certificateNotFound",
      locale: "en",
      langUrls: buildLangUrls("/v/X", {}),
      requestedId: "<script>1</script>",
    });
    expect(page).to.include(`class="banner banner--invalid"`);
    expect(page).to.include("&lt;script&gt;1&lt;/script&gt;");
    expect(page).to.not.include("<script>");
  });

  it("maps kinds to HTTP statuses, and infrastructure trouble and incomplete links to a grey banner", () => {
    expect(kinds.map((kind) => [kind, errorPageStatus(kind)])).to.deep.equal([
      ["certificateNotFound", 404],
      ["notFound", 404],
      ["badRequest", 400],
      ["incompleteLink", 400],
      ["rateLimited", 429],
      ["unavailable", 503],
      ["internal", 500],
    ]);
    for (const kind of ["unavailable", "internal", "rateLimited", "incompleteLink"] as const) {
      expect(renderErrorPage({ kind, locale: "en", langUrls: buildLangUrls("/", {}) })).to.include(
        "banner--unavailable",
      );
    }
  });
});
