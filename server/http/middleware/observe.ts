import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { Metrics } from "../../observability/metrics.ts";
import { requestIdFrom, runInRequest } from "../../observability/requestContext.ts";

/**
 * Gives every request an id (`X-Request-Id`, echoed, and in every log line written while serving
 * it), counts and times it by its route pattern (never the raw URL: ids and hashes would explode
 * the label set) and logs one line: method, route, status and duration; no bodies, no query strings.
 */
export function observe(metrics: Metrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.get("x-request-id"));
    res.set("X-Request-Id", requestId);
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === "string" ? `${req.baseUrl}${routePath}` : "unmatched";
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, seconds);
      logger.debug(
        { reqId: requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) },
        "request",
      );
    });
    runInRequest(requestId, next);
  };
}
