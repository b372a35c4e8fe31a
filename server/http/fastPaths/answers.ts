import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import { securityHeaderValues } from "../middleware/securityHeaders.ts";
import { JSON_CONTENT_TYPE } from "../routes/verify.ts";

/** Sets helmet's headers as Express's `securityHeaders` middleware would, from one reading of helmet. */
export function securityHeaderSetter(): (res: ServerResponse) => void {
  const headers = [...securityHeaderValues()];
  return (res) => {
    for (const [name, value] of headers) res.setHeader(name, value);
  };
}

/** A JSON answer with the headers Express's `res.json` gives a string body. */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", JSON_CONTENT_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

/** Ends an exchange that failed outside the steps that answer their own failures, logged. */
export function abandon(
  logger: Logger,
  res: ServerResponse,
  error: unknown,
  context: { method: string; route: string },
): void {
  logger.error({ err: error, ...context }, "request failed");
  res.destroy();
}
