import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import helmet from "helmet";

const policy = helmet({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", "data:", "blob:"],
      mediaSrc: ["'self'", "blob:"],
      upgradeInsecureRequests: null,
    },
  },
  crossOriginEmbedderPolicy: false,
});

/** helmet's headers, with this service's content security policy, on every answer Express gives. */
export function securityHeaders(): RequestHandler {
  return policy;
}

/**
 * The same headers as name and value, taken once from helmet itself: every directive is fixed (no
 * nonce), so they are the same for every request. The fast paths set them without helmet's
 * dozen middleware calls per answer; their tests compare their answers with Express's, header by
 * header.
 */
export function securityHeaderValues(): ReadonlyMap<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string) {
      headers.set(name, value);
    },
    removeHeader(name: string) {
      headers.delete(name);
    },
  };
  // helmet reads nothing of the request: every directive here is fixed
  policy(Object.create(null) as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return headers;
}
