import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Express } from "express";

/**
 * A route served in front of Express. `take` looks at the request line and headers only: it either
 * takes the request, answering it as Express would, or leaves it untouched for Express.
 */
export interface FastPath {
  take(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * The service's request listener: each fast path in turn, then Express for all they leave. While
 * CORS is on (`corsOrigins` not empty), a request with an `Origin` goes to Express whatever its
 * route: Express's CORS middleware adds the headers it may need, and no fast path does.
 */
export function createRequestListener(
  app: Express,
  fastPaths: readonly FastPath[],
  corsOrigins: readonly string[],
): RequestListener {
  const corsActive = corsOrigins.length > 0;
  return (req, res) => {
    if (!(corsActive && req.headers.origin !== undefined)) {
      for (const path of fastPaths) if (path.take(req, res)) return;
    }
    app(req, res);
  };
}
