import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import type { Express, Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";
import { errorAnswer, errorBody } from "./middleware/errorHandler.ts";
import { observeRequest } from "./middleware/observe.ts";
import { securityHeaderValues } from "./middleware/securityHeaders.ts";
import { leaveCounted } from "./rateLimits.ts";
import { JSON_CONTENT_TYPE, type ScanAnswer } from "./routes/verify.ts";
import { certificateIdSchema, leafHashSchema } from "./schemas.ts";

export interface ScanFastPathDeps {
  /** everything the fast path does not take, and every answer it leaves to Express */
  app: Express;
  /** the public limit, the one Express's `/v/:id` route declares */
  publicLimit: RequestHandler;
  scanAnswer: ScanAnswer;
  corsOrigins: readonly string[];
  metrics: Metrics;
  logger: Logger;
}

const SCAN_PREFIX = "/v/";
/** the route label Express's observation gives the same requests */
const SCAN_ROUTE = "/v/:id";

/**
 * The request as Express's own getters (`ip`, `accepts`) read it: its headers and socket on
 * Express's request prototype, so the client address and the negotiation are Express's exactly,
 * without giving the request itself Express's prototype (much of what the fast path saves). The
 * class is made once per app, so a view is one small object.
 */
function requestViews(app: Express): new (req: IncomingMessage) => Request {
  class RequestView {
    readonly headers: IncomingMessage["headers"];
    readonly socket: IncomingMessage["socket"];
    readonly method: string | undefined;
    readonly originalUrl: string | undefined;
    constructor(req: IncomingMessage) {
      this.headers = req.headers;
      this.socket = req.socket;
      this.method = req.method;
      this.originalUrl = req.url;
    }
  }
  Object.setPrototypeOf(RequestView.prototype, app.request);
  return RequestView as unknown as new (req: IncomingMessage) => Request;
}

/**
 * Express's response methods over a plain response's headers: the rate limiter writes its headers
 * with Express's `append`, which reads and sets them through these.
 */
function responseHeaderViews(app: Express): new (res: ServerResponse) => Response {
  class ResponseHeaders {
    readonly #target: ServerResponse;
    constructor(target: ServerResponse) {
      this.#target = target;
    }
    getHeader(name: string) {
      return this.#target.getHeader(name);
    }
    setHeader(name: string, value: number | string | readonly string[]) {
      this.#target.setHeader(name, value);
      return this;
    }
    get headersSent() {
      return this.#target.headersSent;
    }
    get writableEnded() {
      return this.#target.writableEnded;
    }
  }
  Object.setPrototypeOf(ResponseHeaders.prototype, app.response);
  return ResponseHeaders as unknown as new (res: ServerResponse) => Response;
}

interface FastScan {
  id: string;
  leaf: string;
  view: Request;
}

/**
 * The service's request listener: Express, with the QR target's JSON answer in front of it.
 *
 * A counter scanner asks `GET /v/:id?h=` for JSON many times a second, and Express's request set-up
 * and middleware chain cost more than the answer itself (profiled: a bare listener answering from
 * the same verdict cache ran at about three times the rate). This path takes only a plain, whole
 * link asking for JSON with no CORS origin to answer; anything else, however slightly different
 * (HEAD, a fragment, a malformed id or hash, a repeated `h`, an escaped path) goes to Express
 * untouched. What it takes it answers as Express would: the same observation (request id, metrics,
 * log line), the same security headers, the same public rate limit and error shape, and the
 * same body from the same `scanAnswer`. `test/http/scanFastPath.test.ts` holds the two side by side.
 */
export function createRequestListener(deps: ScanFastPathDeps): RequestListener {
  const security = [...securityHeaderValues()];
  const corsActive = deps.corsOrigins.length > 0;
  const RequestView = requestViews(deps.app);
  const ResponseHeaders = responseHeaderViews(deps.app);

  const fastScanOf = (req: IncomingMessage): FastScan | null => {
    const url = req.url;
    if (req.method !== "GET" || url === undefined || !url.startsWith(SCAN_PREFIX)) return null;
    if (corsActive && req.headers.origin !== undefined) return null;
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
    new Promise((resolve) => {
      void deps.publicLimit(view, new ResponseHeaders(res), resolve);
    });

  const answer = async (res: ServerResponse, scan: FastScan): Promise<void> => {
    for (const [name, value] of security) res.setHeader(name, value);
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
    res.statusCode = status;
    res.setHeader("Content-Type", JSON_CONTENT_TYPE);
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.end(body);
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
    deps.logger.error({ err: error, method: "GET", route: SCAN_ROUTE }, "request failed");
    res.destroy();
  };

  return (req, res) => {
    const scan = fastScanOf(req);
    if (scan === null) {
      deps.app(req, res);
      return;
    }
    serveFast(req, res, scan).catch((error: unknown) => {
      failed(res, error);
    });
  };
}
