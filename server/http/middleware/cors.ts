import type { RequestHandler } from "express";

/**
 * CORS for the origins configured in CORS_ORIGINS, off when the list is empty. Credentials are
 * never allowed: API keys travel in the Authorization header, which callers set themselves.
 */
export function cors(origins: readonly string[]): RequestHandler {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get("origin");
    if (origins.length === 0 || origin === undefined || (!any && !allowed.has(origin))) {
      next();
      return;
    }
    res.vary("Origin");
    res.set("Access-Control-Allow-Origin", any ? "*" : origin);
    if (req.method === "OPTIONS") {
      res.set("Access-Control-Allow-Methods", "GET, POST");
      res.set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key");
      res.set("Access-Control-Max-Age", "600");
      res.status(204).end();
      return;
    }
    next();
  };
}
