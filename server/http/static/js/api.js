/* global fetch */
/** Calls to the service's JSON API; errors keep the API's machine-readable code and details. */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {unknown} [details]
   * @param {unknown} [body]
   */
  constructor(status, code, message, details, body) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.body = body;
  }
}

/**
 * @typedef {{ method?: string, key?: string | null, body?: unknown, idempotencyKey?: string }} CallOptions
 */

/**
 * @param {string} path same-origin path
 * @param {CallOptions} [options]
 * @returns {Promise<unknown>} the parsed JSON body of a 2xx answer
 */
export async function api(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  /** @type {RequestInit} */
  const init = { method: options.method ?? "GET", headers, credentials: "omit", cache: "no-store" };
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, "NETWORK", error instanceof Error ? error.message : "network error");
  }
  const type = response.headers.get("content-type") ?? "";
  /** @type {unknown} */
  const body = type.includes("json") ? await response.json().catch(() => null) : null;
  if (response.ok) return body;
  const error = /** @type {{ error?: { code?: unknown, message?: unknown, details?: unknown } } | null} */ (body)
    ?.error;
  throw new ApiError(
    response.status,
    typeof error?.code === "string" ? error.code : `HTTP_${response.status}`,
    typeof error?.message === "string" ? error.message : response.statusText,
    error?.details,
    body,
  );
}

/**
 * A binary resource (QR image) fetched with the key: images cannot send an Authorization header.
 * @param {string} path
 * @param {string} key
 */
export async function fetchBlob(path, key) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${key}` }, credentials: "omit" });
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, response.statusText);
  return response.blob();
}
