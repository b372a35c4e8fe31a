import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Harness } from "./serviceHarness.ts";

/**
 * What the fast-path tests ask the service's listener and Express alone, and compare: the fast
 * paths in front of Express (`server/http/fastPaths/`) must answer as Express does.
 */
export interface Answer {
  status: number;
  /** every header but the ones that differ between any two answers (date, request id, window) */
  headers: Record<string, string>;
  requestId: string | undefined;
  rateLimit: string | undefined;
  body: string;
}

/** One request with node:http, so methods, paths, headers and bodies go out exactly as written. */
export function ask(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(new URL(path, base), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const kept: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (["date", "x-request-id", "ratelimit", "connection", "keep-alive"].includes(name)) continue;
          kept[name] = String(value);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: kept,
          requestId: res.headers["x-request-id"] as string | undefined,
          rateLimit: res.headers.ratelimit as string | undefined,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    sent.on("error", reject);
    sent.end(body);
  });
}

/** A server on the same runtime that listens with Express alone: the answers a fast path must match. */
export async function expressOnly(h: Harness): Promise<{ url: string; server: Server }> {
  const server = createServer(h.runtime.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * Counts the requests that reach Express through the service's listener: a fast path that quietly
 * left everything to Express would pass every comparison and fail these counts.
 */
export function countExpress(h: Harness): { readonly count: number; restore(): void } {
  const app = h.runtime.app as unknown as { handle: (...args: unknown[]) => unknown };
  const original = app.handle;
  let count = 0;
  app.handle = function (this: unknown, ...args: unknown[]) {
    count += 1;
    return original.apply(this, args);
  };
  return {
    get count() {
      return count;
    },
    restore() {
      app.handle = original;
    },
  };
}
