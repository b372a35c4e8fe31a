import { Router, type Request, type Response } from "express";
import type { CertificateTypeRegistry } from "../../core/registry/registry.ts";
import { negotiateLocale, type Locale } from "../../i18n/index.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { buildLangUrls } from "../rendering/langUrls.ts";
import { renderAuditPage } from "./auditPage.ts";
import { renderConsolePage } from "./consolePage.ts";
import { renderHolderPage } from "./holderPage.ts";
import { clientDivisions, clientMessages, clientTypes, type PageData } from "./pageData.ts";
import { renderPrintPage } from "./printPage.ts";
import { renderScanPage } from "./scanPage.ts";
import { PAGE_PATHS } from "./shell.ts";
import { VENDOR_URL_PREFIX, vendorAssets } from "./vendorAssets.ts";

export interface PageRouteDeps {
  types: CertificateTypeRegistry;
  publicUrl: string;
  limits: RouteLimits;
}

type Renderer = (locale: Locale, langUrls: Readonly<Record<Locale, string>>, data: PageData) => string;

/** Message prefixes each page's script may show. */
const RESULT_MESSAGES = ["status.", "check.", "reason.", "revocation.", "agencyStatus.", "field.", "page.", "anchor."];
const CONSOLE_MESSAGES = ["console.", "issue.", "field.", "reason.", "print."];

/**
 * The scripted pages (scan, console, print, audit) and the vendor scripts they load. What a page
 * embeds (messages, types, divisions) depends only on the registry and the locale: it is built on
 * the first request in each language and kept; the page itself is rendered per request.
 */
export function pageRoutes(deps: PageRouteDeps): Router {
  const router = Router();
  router.use(VENDOR_URL_PREFIX, deps.limits.assets, vendorAssets());

  const dataFor = (locale: Locale, prefixes: readonly string[]): PageData => ({
    locale,
    publicUrl: deps.publicUrl,
    messages: clientMessages(locale, prefixes),
    types: clientTypes(deps.types, locale),
    divisions: clientDivisions(locale),
  });

  const page = (path: string, render: Renderer, prefixes: readonly string[]) => {
    const data = new Map<Locale, PageData>();
    router.get(path, deps.limits.public, (req: Request, res: Response) => {
      const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
      let pageData = data.get(locale);
      if (!pageData) {
        pageData = dataFor(locale, prefixes);
        data.set(locale, pageData);
      }
      res
        .vary("Accept-Language")
        .set("Cache-Control", "no-cache")
        .type("html")
        .send(render(locale, buildLangUrls(req.path, req.query), pageData));
    });
  };

  router.get("/", deps.limits.public, (_req, res) => {
    res.redirect(302, PAGE_PATHS.scan);
  });
  page(PAGE_PATHS.scan, renderScanPage, RESULT_MESSAGES.concat("scan."));
  page(PAGE_PATHS.console, renderConsolePage, CONSOLE_MESSAGES);
  page(PAGE_PATHS.print, renderPrintPage, CONSOLE_MESSAGES);
  page(PAGE_PATHS.holder, renderHolderPage, ["holder.", "status.", "scan.error.network"]);
  page(PAGE_PATHS.audit, renderAuditPage, ["audit.", "console.", "field.", "reason.", "anchor.", "revocation."]);
  return router;
}
