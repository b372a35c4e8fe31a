import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from "express";

/**
 * The request as Express's own getters (`ip`, `accepts`, `get`) read it: its headers and socket on
 * Express's request prototype, so the client address, the negotiation and the header lookups are
 * Express's exactly, without giving the request itself Express's prototype (much of what a fast
 * path saves). The class is made once per app, so a view is one small object.
 */
export function requestViews(app: Express): new (req: IncomingMessage) => Request {
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
 * with Express's `append`, and the API key check sets `Cache-Control` with `set` and leaves the key
 * in `locals`, all of which read and write through these.
 */
export function responseViews(app: Express): new (res: ServerResponse) => Response {
  class ResponseView {
    readonly #target: ServerResponse;
    readonly locals: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
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
  Object.setPrototypeOf(ResponseView.prototype, app.response);
  return ResponseView as unknown as new (res: ServerResponse) => Response;
}

/**
 * Runs one of Express's middleware outside Express: resolves with what it passed to `next` (an
 * error, or undefined to go on). A middleware that answers by itself instead is not one a fast
 * path may run; each that a fast path runs ends by calling `next`.
 */
export const runMiddleware = (handler: RequestHandler, req: Request, res: Response): Promise<unknown> =>
  new Promise((resolve) => {
    void handler(req, res, resolve);
  });

/** `runMiddleware` for an error handler: resolves with the error it passes on. */
export const runErrorMiddleware = (
  handler: ErrorRequestHandler,
  error: unknown,
  req: Request,
  res: Response,
): Promise<unknown> =>
  new Promise((resolve) => {
    void handler(error, req, res, resolve);
  });
