import type { IncomingMessage } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { HttpError } from "./errors.ts";
import { toHttpError } from "./errorMapping.ts";

/**
 * Every route names its limit as its first handler (`router.get(path, limits.public, ...)`), so a
 * new route cannot be unlimited by accident: `test/http/rateLimits.test.ts` walks the app and
 * fails on a route without one. `unlimited` is a declaration too (probes, scrapers).
 */
export type RateLimitClass = "public" | "outbound" | "api" | "assets" | "unlimited";

/** Marks a handler as a route's rate-limit declaration, and says which. */
export const RATE_LIMIT_CLASS = Symbol("certledger.rateLimitClass");

export type DeclaredLimit = RequestHandler & { [RATE_LIMIT_CLASS]: RateLimitClass };

export interface RouteLimits extends Readonly<Record<RateLimitClass, DeclaredLimit>> {
  /** counts every 4xx answer against its client: a flood of bad requests meets a 429, wherever it aims */
  readonly errors: ErrorRequestHandler;
}

/** Authenticated API calls and page assets: a page load fetches a dozen files, an officer's console more. */
const GENEROUS_FACTOR = 10;

/**
 * Routes that make this service call another (a trust-listed deployment): a tenth of the public
 * limit, so nobody can use the service to load its peers more than a counter's scanning needs.
 */
const OUTBOUND_DIVISOR = 10;

const declare = (limitClass: RateLimitClass, handler: RequestHandler): DeclaredLimit =>
  Object.assign(handler, { [RATE_LIMIT_CLASS]: limitClass });

function limiter(perMinute: number): RequestHandler {
  if (perMinute <= 0) {
    return (_req, _res, next) => {
      next();
    };
  }
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) => {
      next(new HttpError("RATE_LIMITED", "Too many requests; slow down and try again in a minute"));
    },
  });
}

/**
 * The public limit's answer for a request already counted against it outside Express (the QR fast
 * path counts a scan before taking it, and leaves an over-limit one to Express to answer): the
 * route's own limit then passes that answer on instead of counting the request twice.
 */
const COUNTED = Symbol("certledger.publicLimitCounted");

type Counted = IncomingMessage & { [COUNTED]?: unknown };

/** Leaves `req` to Express with the public limit's answer `refusal` already given. */
export function leaveCounted(req: IncomingMessage, refusal: unknown): void {
  (req as Counted)[COUNTED] = refusal;
}

function countedOnce(limit: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const refusal = (req as Counted)[COUNTED];
    if (refusal === undefined) {
      void limit(req, res, next);
      return;
    }
    next(refusal);
  };
}

/** `perMinute` per client address on public routes (RATE_LIMIT_PER_MINUTE); 0 turns every limit off. */
export function createRouteLimits(perMinute: number): RouteLimits {
  const errorBudget = limiter(perMinute);
  return {
    public: declare("public", countedOnce(limiter(perMinute))),
    outbound: declare("outbound", limiter(perMinute <= 0 ? 0 : Math.max(1, Math.floor(perMinute / OUTBOUND_DIVISOR)))),
    api: declare("api", limiter(perMinute * GENEROUS_FACTOR)),
    assets: declare("assets", limiter(perMinute * GENEROUS_FACTOR)),
    unlimited: declare("unlimited", (_req, _res, next) => {
      next();
    }),
    errors: (error: unknown, req, res, next) => {
      const mapped = toHttpError(error);
      if (!mapped || mapped.status >= 500 || mapped.code === "RATE_LIMITED") {
        next(error);
        return;
      }
      errorBudget(req, res, (limited?: unknown) => {
        next(limited ?? error);
      });
    },
  };
}
