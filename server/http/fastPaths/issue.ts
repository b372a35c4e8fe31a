import type { IncomingMessage, ServerResponse } from "node:http";
import type { Express, Request, RequestHandler } from "express";
import type { Logger } from "pino";
import type { Metrics } from "../../observability/metrics.ts";
import type { IssuanceService } from "../../services/issuance.ts";
import type { Store } from "../../store/port.ts";
import { apiKeyOf, requireApiKey } from "../middleware/auth.ts";
import { errorAnswer, errorBody } from "../middleware/errorHandler.ts";
import { observeRequest, UNMATCHED_ROUTE } from "../middleware/observe.ts";
import type { RouteLimits } from "../rateLimits.ts";
import { issueOne } from "../routes/certificates.ts";
import { abandon, securityHeaderSetter, sendJson } from "./answers.ts";
import { requestViews, responseViews, runErrorMiddleware, runMiddleware } from "./expressViews.ts";
import type { FastPath } from "./listener.ts";

export interface IssueFastPathDeps {
  /** Express's request and response prototypes, which the middleware run here read through */
  app: Express;
  /** the app's JSON body parser, the very one Express runs before the route */
  jsonBody: RequestHandler;
  /** the API limit and the error budget, the very ones Express's route and error handler count against */
  limits: Pick<RouteLimits, "api" | "errors">;
  store: Store;
  issuance: IssuanceService;
  metrics: Metrics;
  logger: Logger;
}

/** the path taken, which is also the route label Express's observation gives it */
const ISSUE_PATH = "/api/v1/certificates";
/** the route's path within its router, as Express's error log names it */
const ROUTE_PATH = "/certificates";

/** One request's progress: whether it got past the body parser to the route, as Express would say. */
interface Exchange {
  matched: boolean;
}

/**
 * An officer's `POST /api/v1/certificates`, in front of Express.
 *
 * Issuing one certificate at a time, the service spent about half of its event loop in Express:
 * its request set-up, the router's walk, helmet's dozen middleware, `res.json` (profiled; a bare
 * listener doing the same issuance answered 1.9 times the rate). This path runs the route's own
 * steps in Express's order, with the very same pieces: the app's JSON body parser, the API rate
 * limit, the issuer key check, `issueOne` (which the Express route runs too), the error budget and
 * the error answer, under the same observation (request id, metrics, log line) and security
 * headers. It takes only the exact path with no query (the listener leaves cross-origin requests to
 * Express while CORS is on); anything else goes to Express untouched.
 * `test/http/issueFastPath.test.ts` holds the two side by side.
 */
export function issueFastPath(deps: IssueFastPathDeps): FastPath {
  const setSecurityHeaders = securityHeaderSetter();
  const RequestView = requestViews(deps.app);
  const ResponseView = responseViews(deps.app);
  const issuers = requireApiKey(deps.store, ["issuer"]);

  /** Express's order: body, then the route's limit, key check and handler; a failure goes to the error budget. */
  const answer = async (req: IncomingMessage, res: ServerResponse, exchange: Exchange): Promise<void> => {
    setSecurityHeaders(res);
    const view = new RequestView(req);
    const out = new ResponseView(res);
    // the parser leaves the body on the request it reads, which is the plain one
    let failure = await runMiddleware(deps.jsonBody, req as Request, out);
    if (failure === undefined) {
      exchange.matched = true;
      failure = await runMiddleware(deps.limits.api, view, out);
    }
    if (failure === undefined) failure = await runMiddleware(issuers, view, out);
    if (failure === undefined) {
      try {
        const issued = await issueOne(
          deps.issuance,
          apiKeyOf(out),
          (req as { body?: unknown }).body,
          view.get("idempotency-key"),
        );
        if (issued.replayed) res.setHeader("Idempotent-Replayed", "true");
        res.setHeader("Location", issued.location);
        sendJson(res, 202, JSON.stringify(issued.ack));
        return;
      } catch (error) {
        failure = error;
      }
    }
    const passedOn = await runErrorMiddleware(deps.limits.errors, failure, view, out);
    const error = errorAnswer(deps.logger, passedOn, {
      method: "POST",
      route: exchange.matched ? ROUTE_PATH : undefined,
    });
    sendJson(res, error.status, JSON.stringify(errorBody(error)));
  };

  return {
    take(req, res) {
      if (req.method !== "POST" || req.url !== ISSUE_PATH) return false;
      const exchange: Exchange = { matched: false };
      observeRequest(
        deps.metrics,
        deps.logger,
        req,
        res,
        // Express labels a request its body parser refused "unmatched": the router never saw it
        () => (exchange.matched ? ISSUE_PATH : UNMATCHED_ROUTE),
        () => {
          answer(req, res, exchange).catch((error: unknown) => {
            abandon(deps.logger, res, error, { method: "POST", route: ISSUE_PATH });
          });
        },
      );
      return true;
    },
  };
}
