import type { ErrorRequestHandler, Request } from "express";
import type { Logger } from "pino";
import { negotiateLocale } from "../../i18n/index.ts";
import { HttpError, type HttpErrorCode } from "../errors.ts";
import { toHttpError } from "../errorMapping.ts";
import { buildLangUrls, renderErrorPage, type ErrorPageKind } from "../rendering/index.ts";

/** Which error page a browser sees for an error code; codes not listed fall back by status. */
const PAGE_OF_CODE: Partial<Record<HttpErrorCode, ErrorPageKind>> = {
  RATE_LIMITED: "rateLimited",
  INCOMPLETE_LINK: "incompleteLink",
  UNKNOWN_CERTIFICATE: "certificateNotFound",
  NOT_FOUND: "notFound",
  CHAIN_UNAVAILABLE: "unavailable",
  UNAVAILABLE: "unavailable",
  INTERNAL: "internal",
};

const pageOf = (error: HttpError): ErrorPageKind =>
  PAGE_OF_CODE[error.code] ?? (error.status >= 500 ? "internal" : "badRequest");

/** A browser navigating to a page (not a script calling the API) gets a page, not JSON. */
const wantsPage = (req: Request): boolean =>
  (req.method === "GET" || req.method === "HEAD") &&
  !req.path.startsWith("/api/") &&
  req.accepts(["json", "html"]) === "html";

/**
 * Maps every failure to `{ error: { code, message } }` through the one table (`toHttpError`), or
 * to the matching error page for a browser. Client errors are not logged beyond the request line
 * (`observe`): nothing a stranger sends can fill the log. Messages of 5xx errors are not shown:
 * they may carry internals; the log keeps them (without request bodies, which may hold personal data).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const answer = errorAnswer(logger, error, {
      method: req.method,
      route: req.route ? String((req.route as { path: unknown }).path) : undefined,
    });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (wantsPage(req)) {
      const locale = negotiateLocale(req.get("accept-language"), req.query.lang);
      res
        .status(answer.status)
        .type("html")
        .set("Cache-Control", "no-store")
        .send(renderErrorPage({ kind: pageOf(answer), locale, langUrls: buildLangUrls(req.path, req.query) }));
      return;
    }
    res.status(answer.status).json(errorBody(answer));
  };
}

/** The error every failure is answered as: its own when `toHttpError` maps it, otherwise INTERNAL (and logged). */
export function errorAnswer(
  logger: Logger,
  error: unknown,
  context: { method: string; route: string | undefined },
): HttpError {
  const mapped = toHttpError(error);
  if (mapped) return mapped;
  logger.error({ err: error, ...context }, "request failed");
  return new HttpError("INTERNAL", "Something went wrong on our side; try again later");
}

/** The JSON body of an error answer: `{ error: { code, message, details? } }`. */
export function errorBody(answer: HttpError): { error: { code: string; message: string; details?: unknown } } {
  return {
    error: {
      code: answer.code,
      message: answer.message,
      ...(answer.details === undefined ? {} : { details: answer.details }),
    },
  };
}
