import { FetchRequest, JsonRpcProvider, makeError, Network } from "ethers";

export interface ProviderOptions {
  /** Known before the provider exists (config, deployment record or `readChainId`): see below. */
  readonly chainId: number | bigint;
  /** Per request; ethers' default is 300 s, far too long to answer UNAVAILABLE. */
  readonly timeoutMs?: number;
  /** How often `wait()` polls for receipts; ethers' default 4 s would dominate anchoring latency. */
  readonly pollingIntervalMs?: number;
}

/**
 * An ethers 6 provider for a single writer and many readers:
 * - a static network given up front: ethers never calls eth_chainId behind our back, and a chain
 *   that is down fails each request at once instead of ethers' endless "failed to detect network,
 *   retry in 1s" start-up loop, which would hang every caller (no UNAVAILABLE answer, ever);
 * - `cacheTimeout: -1`: no 250 ms request cache, so two transactions sent back to back never read
 *   the same pending nonce;
 * - `batchStallTime: 0`: requests made in the same tick still go as one JSON-RPC batch, but none
 *   waits the default 10 ms for company (verification latency).
 */
export function createProvider(rpcUrl: string, options: ProviderOptions): JsonRpcProvider {
  const request = new FetchRequest(rpcUrl);
  request.timeout = options.timeoutMs ?? 10_000;
  const network = Network.from(options.chainId);
  return new JsonRpcProvider(request, network, {
    staticNetwork: network,
    cacheTimeout: -1,
    batchStallTime: 0,
    pollingInterval: options.pollingIntervalMs ?? 250,
  });
}

/**
 * One eth_chainId call, without a provider: for learning the chain id of an external chain at
 * start, and for waiting until a local chain answers. Failures classify with `isChainUnavailable`.
 */
export async function readChainId(rpcUrl: string, timeoutMs = 10_000): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    throw makeError(`eth_chainId answered HTTP ${response.status}`, "SERVER_ERROR", {
      request: new FetchRequest(rpcUrl),
    });
  }
  const body = (await response.json()) as { result?: unknown };
  if (typeof body.result !== "string" || !/^0x[0-9a-fA-F]+$/.test(body.result)) {
    throw makeError("eth_chainId returned no chain id", "BAD_DATA", { value: body });
  }
  return Number(BigInt(body.result));
}

/** ethers codes for "the request did not get a usable answer from the node". */
const UNAVAILABLE_ETHERS_CODES = new Set(["NETWORK_ERROR", "SERVER_ERROR", "TIMEOUT"]);

/** ethers codes for a real answer from the node: whatever they wrap, the chain was reached. */
const ANSWERED_ETHERS_CODES = new Set([
  "CALL_EXCEPTION",
  "INSUFFICIENT_FUNDS",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "TRANSACTION_REPLACED",
  "BAD_DATA",
  "INVALID_ARGUMENT",
  "ACTION_REJECTED",
]);

/** Node and undici socket failures, which ethers and fetch pass through as causes. */
const UNAVAILABLE_SYSTEM_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

/**
 * True when `error` means the chain could not be asked (connection refused or reset, DNS, timeout,
 * HTTP 5xx, rate limited), false for a real answer such as a revert (CALL_EXCEPTION), bad data or a
 * rejected transaction. The verification engine reports the first as UNAVAILABLE, never INVALID.
 */
export function isChainUnavailable(error: unknown): boolean {
  return hasUnavailableCause(error, 0);
}

function hasUnavailableCause(error: unknown, depth: number): boolean {
  if (typeof error !== "object" || error === null || depth > 6) return false;
  const record = error as Record<string, unknown>;
  const code = record.code;
  if (typeof code === "string" && ANSWERED_ETHERS_CODES.has(code)) return false;
  if (typeof code === "string" && (UNAVAILABLE_ETHERS_CODES.has(code) || UNAVAILABLE_SYSTEM_CODES.has(code))) {
    return true;
  }
  // AbortSignal.timeout() rejects fetch with a DOMException named TimeoutError.
  if (record.name === "TimeoutError") return true;
  const nested: unknown[] = [record.cause, record.error];
  const info = record.info;
  if (typeof info === "object" && info !== null) nested.push((info as Record<string, unknown>).error);
  if (Array.isArray(record.errors)) nested.push(...(record.errors as unknown[]));
  return nested.some((inner) => hasUnavailableCause(inner, depth + 1));
}
