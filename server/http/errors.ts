/**
 * Every error code the HTTP API answers with, and its status: one closed list, so a client can
 * branch on `error.code` knowing every value it may see, and no route picks a status of its own.
 */
export const HTTP_ERROR_STATUS = {
  BAD_REQUEST: 400,
  MALFORMED_URL: 400,
  INVALID_JSON: 400,
  VALIDATION_ERROR: 400,
  INVALID_IDEMPOTENCY_KEY: 400,
  INCOMPLETE_LINK: 400,
  INVALID_FIELDS: 400,
  MALFORMED: 400,
  NOT_A_VERIFICATION_LINK: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  UNKNOWN_AGENCY: 403,
  NOT_FOUND: 404,
  UNKNOWN_CERTIFICATE: 404,
  UNKNOWN_PRESENTATION: 404,
  METHOD_NOT_ALLOWED: 405,
  CERTIFICATE_PENDING: 409,
  INVALID_TRANSITION: 409,
  STATUS_CHANGE_PENDING: 409,
  CHAIN_REJECTED: 409,
  PRESENTATION_NOT_LIVE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INVALID_CERTIFICATE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  SUPERSEDES_NOT_FOUND: 422,
  UNRECOGNISED_ISSUER: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  CHAIN_UNAVAILABLE: 503,
  UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;

/**
 * An error the API shows to its caller as `{ "error": { "code", "message" } }`, with the status
 * its code has in `HTTP_ERROR_STATUS`. Anything else thrown inside a route goes through
 * `toHttpError` (`errorMapping.ts`); what that does not know is a 500 whose message is not shown.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly details: unknown;

  constructor(code: HttpErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "HttpError";
    this.status = HTTP_ERROR_STATUS[code];
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string): HttpError => new HttpError("NOT_FOUND", `${what} not found`);
