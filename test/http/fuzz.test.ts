import { deflateSync, gzipSync } from "node:zlib";
import { expect } from "chai";
import fc from "fast-check";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

/**
 * Property-based fuzzing of every route: random methods, ids, query strings, headers, bodies and
 * body encodings, with and without keys. Whatever arrives: no 5xx, every 4xx carries an error
 * code, a refused request changes nothing stored, and an anonymous request writes at most one log
 * line. Seeded (FUZZ_SEED to replay a failure) and bounded in time (FUZZ_MS, default 25 s).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const TIME_LIMIT_MS = Number(process.env.FUZZ_MS ?? 25_000);

type Auth = "none" | "issuer" | "otherIssuer" | "auditor" | "garbage";

interface FuzzRequest {
  method: string;
  path: string;
  auth: Auth;
  headers: Record<string, string>;
  body: { kind: "none" } | { kind: "json"; value: unknown } | { kind: "raw"; text: string };
  encoding: "none" | "gzip" | "deflate" | "gzip-corrupt" | "br-corrupt" | "bogus";
}

const ROUTES: readonly [string, string][] = [
  ["GET", "/api/v1/certificates/:id"],
  ["GET", "/api/v1/certificates/:id/document"],
  ["GET", "/api/v1/certificates/:id/qr.png"],
  ["GET", "/api/v1/certificates/:id/qr.svg"],
  ["POST", "/api/v1/certificates/:id/revoke"],
  ["POST", "/api/v1/certificates/:id/suspend"],
  ["POST", "/api/v1/certificates/:id/reinstate"],
  ["POST", "/api/v1/certificates"],
  ["POST", "/api/v1/certificates/batch"],
  ["GET", "/api/v1/certificates"],
  ["POST", "/api/v1/verify"],
  ["GET", "/v/:id"],
  ["GET", "/api/v1/audit/certificates/:id/history"],
  ["GET", "/api/v1/audit/agencies/:id/events"],
  ["GET", "/api/v1/audit/agencies/:id/summary"],
  ["GET", "/api/v1/audit/reconcile"],
  ["GET", "/api/v1/types"],
  ["GET", "/api/v1/openapi.json"],
  ["GET", "/api/v1/docs"],
  ["GET", "/healthz"],
  ["GET", "/readyz"],
  ["GET", "/metrics"],
  ["GET", "/scan"],
  ["GET", "/console"],
  ["GET", "/audit"],
  ["GET", "/print"],
  ["GET", "/static/js/dom.js"],
  ["GET", "/static/vendor/jsqr.js"],
  ["GET", "/:id"],
];

const QUERY_KEYS = [
  "h",
  "lang",
  "type",
  "state",
  "status",
  "limit",
  "after",
  "from",
  "to",
  "kind",
  "format",
  "agencyId",
  "fromBlock",
  "toBlock",
];

/** Texts that break naive decoders: percent garbage, lone surrogates, controls, huge numbers. */
const nastyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    "%",
    "%ff",
    "%ED%A0%80",
    "%C0%AF",
    "%00",
    "%E0%A4%A",
    "..%2f..%2f",
    "\ud800",
    "\u202e",
    "1e999",
    "-0",
    "__proto__",
    "constructor",
  ),
  fc.stringMatching(/^(%[0-9A-Fa-f]{0,2}|[A-Z0-9]){1,30}$/),
);

function pathSegment(id: string, knownIds: readonly string[]) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...knownIds, id) },
    { weight: 3, arbitrary: nastyText.map((t) => (/%/.test(t) ? t : safeEncode(t))) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) },
  );
}

function safeEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}

function requests(knownIds: readonly string[], sample: Record<string, unknown>): fc.Arbitrary<FuzzRequest> {
  const query = fc
    .array(fc.tuple(fc.constantFrom(...QUERY_KEYS, "x"), nastyText), { maxLength: 4 })
    .map((pairs) =>
      pairs.length === 0 ? "" : `?${pairs.map(([k, v]) => `${k}=${/%/.test(v) ? v : safeEncode(v)}`).join("&")}`,
    );
  const jsonBody = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.constant(sample),
    fc.record({ type: nastyText, subject: fc.dictionary(nastyText, fc.oneof(nastyText, fc.double(), fc.boolean())) }),
    fc.record({ items: fc.array(fc.oneof(fc.constant(sample), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }) }),
    fc.record(
      {
        reason: fc.oneof(fc.constantFrom("keyCompromise", "cessationOfOperation", "bogus"), nastyText),
        note: nastyText,
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(nastyText, fc.jsonValue({ maxDepth: 2 })),
  );
  const headerValue = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 80,
  });
  return fc
    .record({
      route: fc.constantFrom(...ROUTES),
      otherMethod: fc.option(fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"), { freq: 8 }),
      id: pathSegment(knownIds[0] ?? "", knownIds),
      query,
      auth: fc.constantFrom<Auth>("none", "issuer", "otherIssuer", "auditor", "garbage"),
      headers: fc.record(
        {
          accept: fc.constantFrom(
            "application/json",
            "text/html",
            "*/*",
            "image/png",
            "text/html;q=0.1, application/json",
          ),
          "content-type": fc.oneof(
            fc.constantFrom(
              "application/json",
              "text/plain",
              "application/json; charset=latin9",
              "application/x-www-form-urlencoded",
            ),
            headerValue,
          ),
          "idempotency-key": headerValue,
          "x-request-id": headerValue,
          "accept-language": fc.constantFrom("zh", "en", "fr", "*", "zh-CN,zh;q=0.9,en;q=0.8"),
          origin: fc.constantFrom("https://evil.example", "null"),
        },
        { requiredKeys: [] },
      ),
      body: fc.oneof(
        fc.constant({ kind: "none" as const }),
        jsonBody.map((value) => ({ kind: "json" as const, value })),
        fc.string({ maxLength: 200 }).map((text) => ({ kind: "raw" as const, text })),
      ),
      encoding: fc.constantFrom("none", "none", "none", "gzip", "deflate", "gzip-corrupt", "br-corrupt", "bogus"),
    })
    .map(({ route, otherMethod, id, query, ...rest }) => ({
      ...rest,
      method: otherMethod ?? route[0],
      path: route[1].replace(":id", id) + query,
    }));
}

describe("HTTP: fuzzing every route", function () {
  this.timeout(TIME_LIMIT_MS + 60_000);
  let h: Harness;
  let logLines: string[];
  let knownIds: string[];
  let sample: Record<string, unknown>;

  before(async () => {
    logLines = [];
    h = await startHarness({ logLines });
    sample = licenceRequest(1);
    const issued = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
      key: h.agencies[0].issuerKey,
      body: sample,
    });
    const pending = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
      key: h.agencies[1].issuerKey,
      body: sample,
    });
    await h.flush();
    knownIds = [issued.body.id, pending.body.id, "1", "2"];
  });
  after(async () => {
    await h.close();
  });

  /** What a refused request must not change: certificates, their states and statuses, status operations. */
  const snapshot = async (): Promise<string> => {
    const records = await h.store.queryCertificates({ limit: 10_000 });
    return JSON.stringify(records.map((r) => [r.id, r.state, r.status, r.statusUpdatedAt]));
  };

  const send = async (request: FuzzRequest): Promise<{ status: number; type: string; text: string } | null> => {
    const keys: Record<Auth, string | undefined> = {
      none: undefined,
      issuer: h.agencies[0].issuerKey,
      otherIssuer: h.agencies[1].issuerKey,
      auditor: h.auditorKey,
      garbage: "clk_0000000000000000_" + "a".repeat(43),
    };
    const headers: Record<string, string> = { ...request.headers };
    const key = keys[request.auth];
    if (key) headers.authorization = `Bearer ${key}`;
    let body: Blob | string | undefined;
    if (request.body.kind !== "none" && request.method !== "GET" && request.method !== "HEAD") {
      const text = request.body.kind === "json" ? JSON.stringify(request.body.value) : request.body.text;
      body = text;
      if (request.encoding === "gzip") body = new Blob([gzipSync(text)]);
      if (request.encoding === "deflate") body = new Blob([deflateSync(text)]);
      if (request.encoding !== "none") {
        headers["content-encoding"] = {
          gzip: "gzip",
          deflate: "deflate",
          "gzip-corrupt": "gzip",
          "br-corrupt": "br",
          bogus: "x-bogus",
        }[request.encoding];
      }
    }
    try {
      // one request is one answer: a redirect followed would be a second request with its own log line
      const response = await fetch(`${h.url}${request.path}`, {
        method: request.method,
        redirect: "manual",
        headers,
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
    } catch (error) {
      // the client refused to send it (a header fetch will not put on the wire): nothing to check
      if (error instanceof TypeError && !/fetch failed/.test(error.message)) return null;
      throw error;
    }
  };

  it("never answers 5xx, always names a 4xx, changes nothing when refusing, and logs one line for strangers", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(requests(knownIds, sample), async (request) => {
        runs++;
        const before = await snapshot();
        const linesBefore = logLines.length;
        const response = await send(request);
        if (response === null) return;
        const where = `${request.method} ${request.path} (${request.auth}, ${request.encoding})`;
        expect(response.status, `${where}: ${response.text.slice(0, 300)}`).to.be.below(500);
        if (response.status >= 400 && request.method !== "HEAD") {
          if (response.type.includes("json")) {
            const parsed = JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown } };
            expect(parsed.error?.code, where)
              .to.be.a("string")
              .and.match(/^[A-Z_]+$/);
            expect(parsed.error?.message, where).to.be.a("string");
          } else {
            expect(response.type, where).to.match(/^text\/html/);
            expect(response.text, where).to.match(/data-error="\w+"/);
          }
          expect(await snapshot(), `${where} changed the store`).to.equal(before);
        }
        if (request.auth === "none" || request.auth === "garbage") {
          expect(
            logLines.length - linesBefore,
            `${where} log lines: ${logLines.slice(linesBefore).join("")}`,
          ).to.be.at.most(1);
        }
      }),
      { seed: SEED, numRuns: 100_000, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
    );
    expect(runs, "requests tried within the time limit").to.be.above(10);
  });
});
