import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { Metrics } from "../../observability/metrics.ts";
import { requestIdFrom, runInRequest } from "../../observability/requestContext.ts";

/**
 * Gives a request an id (`X-Request-Id`, echoed, and in every log line written while serving it),
 * counts and times it by its route pattern (never the raw URL: ids and hashes would explode the
 * label set) and logs one line: method, route, status and duration; no bodies, no query strings.
 * `routeOf` is asked when the answer is sent. The Express middleware below and the fast paths in
 * front of Express (`../fastPaths/`) all observe through this.
 */
export function observeRequest(
  metrics: Metrics,
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  routeOf: () => string,
  serve: () => void,
): void {
  const started = process.hrtime.bigint();
  const header = req.headers["x-request-id"];
  const requestId = requestIdFrom(typeof header === "string" ? header : undefined);
  res.setHeader("X-Request-Id", requestId);
  res.on("finish", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const method = req.method ?? "";
    const route = routeOf();
    metrics.httpRequests.inc({ method, route, status: String(res.statusCode) });
    metrics.httpDuration.observe({ method, route }, seconds);
    logger.debug(
      { reqId: requestId, method, route, status: res.statusCode, ms: Math.round(seconds * 1000) },
      "request",
    );
  });
  runInRequest(requestId, serve);
}

/** The route label of a request no route matched (or whose body was refused before routing). */
export const UNMATCHED_ROUTE = "unmatched";

/** `observeRequest` for everything Express serves; the route is the matched pattern, or "unmatched". */
export function observe(metrics: Metrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    observeRequest(
      metrics,
      logger,
      req,
      res,
      () => {
        const routePath = (req.route as { path?: unknown } | undefined)?.path;
        return typeof routePath === "string" ? `${req.baseUrl}${routePath}` : UNMATCHED_ROUTE;
      },
      next,
    );
  };
}
