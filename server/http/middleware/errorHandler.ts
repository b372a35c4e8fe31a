import type { ErrorRequestHandler } from "express";
import type { Logger } from "pino";
import { ZodError } from "zod";
import { HttpError } from "../errors.ts";

interface BodyParserError {
  type: string;
  status: number;
}

const isBodyParserError = (e: unknown): e is BodyParserError =>
  typeof e === "object" && e !== null && "type" in e && "status" in e && typeof (e as { type: unknown }).type === "string";

/**
 * Maps every failure to `{ error: { code, message } }`. Messages of 5xx errors are not shown:
 * they may carry internals; the log keeps them (without request bodies, which may hold personal data).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json({
        error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
      });
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json({
        error: {
          code: "VALIDATION_ERROR",
          message: "The request is not valid",
          details: error.issues.map((i) => ({ path: i.path.join("."), code: i.code, message: i.message })),
        },
      });
      return;
    }
    if (isBodyParserError(error)) {
      if (error.type === "entity.too.large") {
        res.status(413).json({ error: { code: "PAYLOAD_TOO_LARGE", message: "The request body is too large" } });
        return;
      }
      if (error.type === "entity.parse.failed") {
        res.status(400).json({ error: { code: "INVALID_JSON", message: "The request body is not valid JSON" } });
        return;
      }
      if (error.status >= 400 && error.status < 500) {
        res.status(error.status).json({ error: { code: "BAD_REQUEST", message: "The request body could not be read" } });
        return;
      }
    }
    logger.error({ err: error, method: req.method, route: req.route ? String((req.route as { path: unknown }).path) : undefined }, "request failed");
    res.status(500).json({ error: { code: "INTERNAL", message: "Something went wrong on our side; try again later" } });
  };
}
