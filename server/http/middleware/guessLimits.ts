import type { Request, RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { HttpError } from "../errors.ts";

/**
 * Limits on guessing secrets that are short enough to be guessed: 8-digit presentation codes
 * (10^8 values) and, for good measure, holder secrets. Only misses count (an answer of 404), so a
 * counter clerk checking real codes all day is never slowed down. Always on, whatever
 * RATE_LIMIT_PER_MINUTE says: the general limit may be off for benchmarks, these may not.
 */
export interface GuessLimits {
  /** misses one client may make per window */
  perClient: number;
  /**
   * misses all clients together may make per window, so a botnet gets no further than one; none
   * for secrets too long to guess, where it would only let strangers lock everyone out
   */
  global?: number;
  /**
   * lookups of any one code per window, hit or miss; none for secrets too long to guess, where a
   * limit per certificate would only let strangers lock its holder out
   */
  perCode?: number;
  windowMs: number;
}

export const DEFAULT_CODE_LIMITS: GuessLimits = { perClient: 10, global: 1000, perCode: 30, windowMs: 10 * 60_000 };
export const DEFAULT_HOLDER_SECRET_LIMITS: GuessLimits = { perClient: 10, windowMs: 15 * 60_000 };

const missCounts = (_req: Request, res: { statusCode: number }): boolean => res.statusCode !== 404;

function limiter(
  limit: number,
  windowMs: number,
  key: (req: Request) => string,
  onlyMisses: boolean,
  message: string,
  skip: (req: Request) => boolean = () => false,
): RequestHandler {
  return rateLimit({
    skip,
    windowMs,
    limit,
    keyGenerator: key,
    skipSuccessfulRequests: onlyMisses,
    requestWasSuccessful: missCounts,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    // the global and per-code keys are not addresses: no IPv6 subnet logic applies to them
    validate: { keyGeneratorIpFallback: false },
    handler: (_req, _res, next) => {
      next(new HttpError("RATE_LIMITED", message));
    },
  });
}

const clientKey = (req: Request): string => `client:${req.ip ?? "unknown"}`;

/**
 * The limits in the order they apply: per code (the route parameter named `param`), per client,
 * then for everyone. `guessable` says which values are short enough for the limit for everyone:
 * a botnet exhausting it blocks typed codes for a window, so it must not also block what cannot
 * be guessed (a QR token of 128 bits).
 */
export function guessLimiters(
  limits: GuessLimits,
  param: string,
  what: string,
  guessable: (value: string) => boolean = () => true,
): RequestHandler[] {
  const message = `Too many ${what} that match nothing; wait a few minutes and try again`;
  const codeKey = (req: Request): string => {
    const value = req.params[param];
    return `code:${typeof value === "string" ? value : ""}`;
  };
  const perCode =
    limits.perCode === undefined
      ? []
      : [
          limiter(
            limits.perCode,
            limits.windowMs,
            codeKey,
            false,
            `Too many lookups of this ${what.replace(/s$/, "")}; wait a few minutes`,
          ),
        ];
  const global =
    limits.global === undefined
      ? []
      : [
          limiter(
            limits.global,
            limits.windowMs,
            () => "global",
            true,
            message,
            (req) => !guessable(codeKey(req).slice("code:".length)),
          ),
        ];
  return [...perCode, limiter(limits.perClient, limits.windowMs, clientKey, true, message), ...global];
}
