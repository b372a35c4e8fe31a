/**
 * An error the API shows to its caller as `{ "error": { "code", "message" } }` with `status`.
 * Anything else thrown inside a route is a 500 whose message is not shown.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, "NOT_FOUND", `${what} not found`);
