import { lookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP } from "node:net";

/** Bounds of one server-to-server request: a listed origin that misbehaves costs at most this much. */
export interface FetchLimits {
  /** until the TCP (and TLS) connection is up */
  connectTimeoutMs: number;
  /** until the whole body has arrived, from the start */
  totalTimeoutMs: number;
  maxBytes: number;
}

/** A certledger document is a few KB; 256 KiB leaves room for 2,000-character free-text fields many times over. */
export const DEFAULT_FETCH_LIMITS: FetchLimits = { connectTimeoutMs: 2000, totalTimeoutMs: 5000, maxBytes: 256 * 1024 };

export type RemoteFetchFailure =
  "ADDRESS_REFUSED" | "CONNECT_TIMEOUT" | "TIMEOUT" | "TOO_LARGE" | "REDIRECT" | "NETWORK" | "NOT_JSON";

/** Why a remote deployment gave no usable answer: never a verdict on the certificate. */
export class RemoteFetchError extends Error {
  readonly code: RemoteFetchFailure;

  constructor(code: RemoteFetchFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "RemoteFetchError";
  }
}

/**
 * Addresses a name may never lead to: unspecified, link-local (cloud metadata services live at
 * 169.254.169.254), multicast, broadcast, and loopback (this host's own ports). An origin written
 * as an IP literal is connected to as listed (the list's signer chose it), except the first four.
 * Private ranges stay allowed: government extranets run on them.
 */
const NEVER = new BlockList();
NEVER.addSubnet("0.0.0.0", 8, "ipv4");
NEVER.addSubnet("169.254.0.0", 16, "ipv4");
NEVER.addSubnet("224.0.0.0", 4, "ipv4");
NEVER.addAddress("255.255.255.255", "ipv4");
NEVER.addAddress("::", "ipv6");
NEVER.addSubnet("fe80::", 10, "ipv6");
NEVER.addSubnet("ff00::", 8, "ipv6");
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");
LOOPBACK.addSubnet("::ffff:127.0.0.0", 104, "ipv6");

const familyOf = (address: string): "ipv4" | "ipv6" => (isIP(address) === 6 ? "ipv6" : "ipv4");

export type Resolve = (hostname: string) => Promise<string[]>;

const systemResolve: Resolve = async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address);

/**
 * The one address to connect to, resolved once: every address the name resolves to is checked
 * (a name with one bad address among good ones is refused), and the connection goes to the
 * checked address itself, so a second resolution cannot lead elsewhere (DNS rebinding).
 */
export async function resolveChecked(hostname: string, resolve: Resolve = systemResolve): Promise<string> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (isIP(bare) !== 0) {
    if (NEVER.check(bare, familyOf(bare)))
      throw new RemoteFetchError("ADDRESS_REFUSED", `${bare} is not an address a service is reached at`);
    return bare;
  }
  let addresses: string[];
  try {
    addresses = await resolve(bare);
  } catch (error) {
    throw new RemoteFetchError("NETWORK", `${bare} cannot be resolved`, { cause: error });
  }
  const [first] = addresses;
  if (first === undefined) throw new RemoteFetchError("NETWORK", `${bare} resolves to no address`);
  for (const address of addresses) {
    const family = familyOf(address);
    if (NEVER.check(address, family) || LOOPBACK.check(address, family))
      throw new RemoteFetchError("ADDRESS_REFUSED", `${bare} resolves to ${address}, which is never fetched from`);
  }
  return first;
}

/**
 * GET `url` as JSON within `limits`: no redirect is followed (a 3xx is a failure), no connection
 * is reused, nothing is read past `maxBytes`. Answers the status and, for 200, the parsed body.
 */
export async function fetchJson(
  url: URL,
  limits: FetchLimits,
  resolve?: Resolve,
): Promise<{ status: number; body: unknown }> {
  const address = await resolveChecked(url.hostname, resolve);
  const secure = url.protocol === "https:";
  return new Promise((settle, fail) => {
    let done = false;
    const finish = (outcome: RemoteFetchError | { status: number; body: unknown }) => {
      if (done) return;
      done = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      if (outcome instanceof RemoteFetchError) {
        request.destroy();
        fail(outcome);
      } else settle(outcome);
    };
    const request = (secure ? httpsRequest : httpRequest)({
      host: address,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: "GET",
      headers: { host: url.host, accept: "application/json", "user-agent": "certledger-federation/1" },
      agent: false,
      ...(secure ? { servername: isIP(url.hostname) === 0 ? url.hostname : undefined } : {}),
    });
    const connectTimer = setTimeout(() => {
      finish(
        new RemoteFetchError("CONNECT_TIMEOUT", `no connection to ${url.host} within ${limits.connectTimeoutMs} ms`),
      );
    }, limits.connectTimeoutMs);
    const totalTimer = setTimeout(() => {
      finish(new RemoteFetchError("TIMEOUT", `${url.host} did not answer within ${limits.totalTimeoutMs} ms`));
    }, limits.totalTimeoutMs);
    request.on("socket", (socket) => {
      socket.once(secure ? "secureConnect" : "connect", () => {
        clearTimeout(connectTimer);
      });
    });
    request.on("error", (error) => {
      finish(new RemoteFetchError("NETWORK", `${url.host} cannot be reached: ${error.message}`, { cause: error }));
    });
    request.on("response", (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        finish(new RemoteFetchError("REDIRECT", `${url.host} answered ${status} (a redirect, not followed)`));
        return;
      }
      const declared = Number(response.headers["content-length"]);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        finish(
          new RemoteFetchError("TOO_LARGE", `${url.host} announced ${declared} bytes, more than ${limits.maxBytes}`),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          finish(new RemoteFetchError("TOO_LARGE", `${url.host} sent more than ${limits.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on("error", (error) => {
        finish(new RemoteFetchError("NETWORK", `${url.host} broke off: ${error.message}`, { cause: error }));
      });
      response.on("end", () => {
        if (status !== 200) {
          finish({ status, body: null });
          return;
        }
        try {
          finish({ status, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown });
        } catch (error) {
          finish(new RemoteFetchError("NOT_JSON", `${url.host} answered something other than JSON`, { cause: error }));
        }
      });
    });
    request.end();
  });
}
