import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import type { Express, Request, RequestHandler } from "express";
import type { Logger } from "pino";
import type { Metrics } from "../../observability/metrics.ts";
import { errorAnswer, errorBody } from "../middleware/errorHandler.ts";
import { observeRequest } from "../middleware/observe.ts";
import { leaveCounted } from "../rateLimits.ts";
import type { ScanAnswer } from "../routes/verify.ts";
import { certificateIdSchema, leafHashSchema } from "../schemas.ts";
import { abandon, securityHeaderSetter, sendJson } from "./answers.ts";
import { requestViews, responseViews, runMiddleware } from "./expressViews.ts";
import type { FastPath } from "./listener.ts";

export interface ScanFastPathDeps {
  /** Express's request and response prototypes, which the views read through, and the app a refused scan goes to */
  app: Express;
  /** the public limit, the one Express's `/v/:id` route declares */
  publicLimit: RequestHandler;
  scanAnswer: ScanAnswer;
  metrics: Metrics;
  logger: Logger;
}

const SCAN_PREFIX = "/v/";
/** the route label Express's observation gives the same requests */
const SCAN_ROUTE = "/v/:id";

interface FastScan {
  id: string;
  leaf: string;
  view: Request;
}

/**
 * The QR target's JSON answer, in front of Express.
 *
 * A counter scanner asks `GET /v/:id?h=` for JSON many times a second, and Express's request set-up
 * and middleware chain cost more than the answer itself (profiled: a bare listener answering from
 * the same verdict cache ran at about three times the rate). This path takes only a plain, whole
 * link asking for JSON (the listener leaves cross-origin scans to Express while CORS is on);
 * anything else, however slightly different
 * (HEAD, a fragment, a malformed id or hash, a repeated `h`, an escaped path) goes to Express
 * untouched. What it takes it answers as Express would: the same observation (request id, metrics,
 * log line), the same security headers, the same public rate limit and error shape, and the
 * same body from the same `scanAnswer`. `test/http/scanFastPath.test.ts` holds the two side by side.
 */
export function scanFastPath(deps: ScanFastPathDeps): FastPath {
  const setSecurityHeaders = securityHeaderSetter();
  const RequestView = requestViews(deps.app);
  const ResponseView = responseViews(deps.app);

  const fastScanOf = (req: IncomingMessage): FastScan | null => {
    const url = req.url;
    if (req.method !== "GET" || url === undefined || !url.startsWith(SCAN_PREFIX)) return null;
    const queryAt = url.indexOf("?");
    if (queryAt < 0) return null;
    const id = url.slice(SCAN_PREFIX.length, queryAt);
    if (!certificateIdSchema.safeParse(id).success) return null;
    // Express's "simple" query parser is node:querystring too
    const query = parseQuery(url.slice(queryAt + 1));
    const leaf = query.h;
    if (typeof leaf !== "string" || !leafHashSchema.safeParse(leaf).success || query.part === "result") return null;
    const view = new RequestView(req);
    if (view.accepts(["html", "json"]) !== "json") return null;
    return { id, leaf, view };
  };

  /** Counts the scan against the public limit; the refusal when it is over, else undefined. */
  const count = (view: Request, res: ServerResponse): Promise<unknown> =>
    runMiddleware(deps.publicLimit, view, new ResponseView(res));

  const answer = async (res: ServerResponse, scan: FastScan): Promise<void> => {
    setSecurityHeaders(res);
    res.setHeader("Vary", "Accept, Accept-Language");
    res.setHeader("Cache-Control", "no-store");
    let status: number;
    let body: string;
    try {
      ({ status, body } = await deps.scanAnswer(scan.id, scan.leaf));
    } catch (error) {
      const failure = errorAnswer(deps.logger, error, { method: "GET", route: SCAN_ROUTE });
      status = failure.status;
      body = JSON.stringify(errorBody(failure));
    }
    sendJson(res, status, body);
  };

  const serveFast = async (req: IncomingMessage, res: ServerResponse, scan: FastScan): Promise<void> => {
    const refusal = await count(scan.view, res);
    if (refusal !== undefined) {
      leaveCounted(req, refusal);
      deps.app(req, res);
      return;
    }
    observeRequest(
      deps.metrics,
      deps.logger,
      req,
      res,
      () => SCAN_ROUTE,
      () => {
        answer(res, scan).catch((error: unknown) => {
          failed(res, error);
        });
      },
    );
  };

  /** Whatever throws outside `scanAnswer` (it answers its own failures) ends the exchange, logged. */
  const failed = (res: ServerResponse, error: unknown): void => {
    abandon(deps.logger, res, error, { method: "GET", route: SCAN_ROUTE });
  };

  return {
    take(req, res) {
      const scan = fastScanOf(req);
      if (scan === null) return false;
      serveFast(req, res, scan).catch((error: unknown) => {
        failed(res, error);
      });
      return true;
    },
  };
}
