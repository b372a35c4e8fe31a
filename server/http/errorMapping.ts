import { ZodError } from "zod";
import { StatusChangeError } from "../anchoring/statusService.ts";
import { isChainUnavailable } from "../chain/provider.ts";
import { ChainUnavailableError } from "../core/verification/ledgerView.ts";
import { IssuanceError } from "../services/issuance.ts";
import { HttpError, type HttpErrorCode } from "./errors.ts";

/** What body-parser and the router attach to their errors (http-errors): a 4xx status, maybe a type. */
interface ClientFault {
  status: number;
  type?: unknown;
}

const isClientFault = (e: unknown): e is ClientFault => {
  if (typeof e !== "object" || e === null) return false;
  const status = (e as { status?: unknown; statusCode?: unknown }).status ?? (e as { statusCode?: unknown }).statusCode;
  return typeof status === "number" && status >= 400 && status < 500;
};

/** Body-parser's fault types, by what the client did wrong. */
const BODY_FAULTS: Record<string, [HttpErrorCode, string]> = {
  "entity.too.large": ["PAYLOAD_TOO_LARGE", "The request body is too large"],
  "entity.parse.failed": ["INVALID_JSON", "The request body is not valid JSON"],
  "encoding.unsupported": ["UNSUPPORTED_MEDIA_TYPE", "The request body's Content-Encoding is not supported"],
  "charset.unsupported": ["UNSUPPORTED_MEDIA_TYPE", "The request body's charset is not supported"],
};

function clientFault(error: ClientFault): HttpError {
  const known = typeof error.type === "string" ? BODY_FAULTS[error.type] : undefined;
  if (known) return new HttpError(known[0], known[1]);
  // the router failing to percent-decode a path parameter
  if (error instanceof URIError) return new HttpError("MALFORMED_URL", "The URL is not validly percent-encoded");
  if (error.status === 413) return new HttpError("PAYLOAD_TOO_LARGE", "The request body is too large");
  if (error.status === 415)
    return new HttpError("UNSUPPORTED_MEDIA_TYPE", "The request body's encoding is not supported");
  // a corrupt gzip or deflate body, a body that ended early, and the like
  return new HttpError("BAD_REQUEST", "The request could not be read");
}

/**
 * The one table from what the services, the router and the body parsers throw to what the API
 * answers. Routes throw and let the error handler call this; none maps errors of its own.
 * Returns null for an error nobody anticipated: a 500.
 */
export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) {
    return new HttpError(
      "VALIDATION_ERROR",
      "The request is not valid",
      error.issues.map((i) => ({ path: i.path.join("."), code: i.code, message: i.message })),
    );
  }
  if (error instanceof IssuanceError) {
    return new HttpError(error.code, error.message, error.items.length > 0 ? error.items : undefined);
  }
  if (error instanceof StatusChangeError) return new HttpError(error.code, error.message);
  if (error instanceof ChainUnavailableError || isChainUnavailable(error)) {
    return new HttpError("CHAIN_UNAVAILABLE", "The chain cannot be reached right now; try again later");
  }
  if (isClientFault(error)) return clientFault(error);
  return null;
}
