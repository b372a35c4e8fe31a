import { statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { expect } from "chai";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

type ErrorBody = {
  error: { code: string; message: string; details?: { index: number; issues: { path: string; code: string }[] }[] };
};

const ID = "01JD0000000000000000000000";
/** Percent-encodings no decoder accepts: invalid UTF-8, a lone surrogate, a truncated escape. */
const UNDECODABLE = ["%ff%fe", "%ED%A0%80", "%E0%A4%A", "%C0%AF"];

describe("HTTP: hardening against hostile input", function () {
  this.timeout(60_000);
  let h: Harness;
  let logLines: string[];
  before(async () => {
    logLines = [];
    h = await startHarness({ logLines, storeOnDisk: true });
  });
  after(async () => {
    await h.close();
  });

  describe("undecodable ids and unreadable bodies answer 4xx with a code and log one line", () => {
    const routes = (bad: string): [string, string][] => [
      ["GET", `/api/v1/certificates/${bad}`],
      ["GET", `/api/v1/certificates/${bad}/document`],
      ["GET", `/api/v1/certificates/${bad}/qr.png`],
      ["GET", `/api/v1/certificates/${bad}/qr.svg`],
      ["POST", `/api/v1/certificates/${bad}/revoke`],
      ["POST", `/api/v1/certificates/${bad}/suspend`],
      ["POST", `/api/v1/certificates/${bad}/reinstate`],
      ["GET", `/api/v1/audit/certificates/${bad}/history`],
      ["GET", `/api/v1/audit/agencies/${bad}/events`],
      ["GET", `/v/${bad}`],
    ];
    for (const bad of UNDECODABLE) {
      it(`answers 400 MALFORMED_URL for ${bad} on every route, before and without a key`, async () => {
        for (const [method, path] of routes(bad)) {
          const before = logLines.length;
          const r = await call<ErrorBody>(h.url, method, path);
          expect(r.status, `${method} ${path}`).to.equal(400);
          expect(r.body.error.code, `${method} ${path}`).to.equal("MALFORMED_URL");
          expect(logLines.length - before, `${method} ${path} log lines`).to.be.at.most(1);
          expect(logLines.slice(before).join("")).to.not.include("stack");
        }
      });
    }

    for (const encoding of ["gzip", "deflate", "br"]) {
      it(`answers 400 BAD_REQUEST to a corrupt ${encoding} body, on public and authenticated routes`, async () => {
        for (const [path, key] of [
          ["/api/v1/verify", undefined],
          ["/api/v1/certificates", h.agencies[0].issuerKey],
          ["/api/v1/certificates/batch", h.agencies[0].issuerKey],
        ] as const) {
          const before = logLines.length;
          const r = await call<ErrorBody>(h.url, "POST", path, {
            raw: "this is not compressed",
            headers: { "content-encoding": encoding },
            ...(key ? { key } : {}),
          });
          expect(r.status, path).to.equal(400);
          expect(r.body.error.code, path).to.equal("BAD_REQUEST");
          expect(logLines.length - before, `${path} log lines`).to.be.at.most(1);
        }
      });
    }

    it("still reads a well-formed gzip body, and answers 415 with a code to an unknown encoding", async () => {
      const document = JSON.stringify({ hello: "world" });
      const ok = await fetch(`${h.url}/api/v1/verify`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip", accept: "application/json" },
        body: gzipSync(document),
      });
      expect(ok.status).to.equal(400);
      expect(((await ok.json()) as ErrorBody).error.code).to.equal("MALFORMED");
      const unknown = await call<ErrorBody>(h.url, "POST", "/api/v1/verify", {
        raw: document,
        headers: { "content-encoding": "zstd-ish" },
      });
      expect(unknown.status).to.equal(415);
      expect(unknown.body.error.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
    });
  });

  describe("text a canonical form cannot encode, or a screen would misshow", () => {
    const cases: [string, string][] = [
      ["a lone surrogate", "\ud800"],
      ["NUL", "北京\u0000示例"],
      ["ESC", "\u001b[31m示例"],
      ["BEL", "示例\u0007"],
      ["a right-to-left override", "示例\u202e公司"],
      ["a left-to-right isolate", "\u2066示例"],
      ["a zero-width space", "示\u200b例"],
      ["a line separator", "示例\u2028公司"],
    ];
    for (const [what, text] of cases) {
      it(`refuses ${what} in a subject value with 422 naming the field, and stores nothing`, async () => {
        const before = await h.store.countCertificates();
        const body = licenceRequest(1);
        const r = await call<ErrorBody>(h.url, "POST", "/api/v1/certificates", {
          key: h.agencies[0].issuerKey,
          body: { ...body, subject: { ...body.subject, companyName: text } },
        });
        expect(r.status).to.equal(422);
        expect(r.body.error.code).to.equal("INVALID_CERTIFICATE");
        expect(r.body.error.details?.[0]?.issues.map((i) => [i.path, i.code])).to.deep.include([
          "subject.companyName",
          "INVALID_CHARACTER",
        ]);
        expect(await h.store.countCertificates()).to.deep.equal(before);
      });
    }

    it("refuses them by item in a batch, and in a field name, and issues none of the batch", async () => {
      const before = await h.store.countCertificates();
      const bad = licenceRequest(3);
      const r = await call<ErrorBody>(h.url, "POST", "/api/v1/certificates/batch", {
        key: h.agencies[0].issuerKey,
        body: { items: [licenceRequest(2), { ...bad, subject: { ...bad.subject, "x\u202e": "y" } }] },
      });
      expect(r.status).to.equal(422);
      expect(r.body.error.details?.map((d) => d.index)).to.deep.equal([1]);
      expect(r.body.error.details?.[0]?.issues[0]?.path).to.equal("subject.x\u202e");
      expect(await h.store.countCertificates()).to.deep.equal(before);
    });

    it("refuses a lone surrogate even with an Idempotency-Key (the request hash never sees it)", async () => {
      const body = licenceRequest(4);
      const r = await call<ErrorBody>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body: { ...body, subject: { ...body.subject, "\udc00": "x" } },
        headers: { "idempotency-key": "surrogate-1" },
      });
      expect(r.status).to.equal(422);
    });

    it("refuses control characters in a status note (400, naming the field)", async () => {
      const issued = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body: licenceRequest(5),
      });
      await h.flush();
      const r = await call<{ error: { code: string; details: { path: string }[] } }>(
        h.url,
        "POST",
        `/api/v1/certificates/${issued.body.id}/suspend`,
        {
          key: h.agencies[0].issuerKey,
          body: { note: "see \u202eelif" },
        },
      );
      expect(r.status).to.equal(400);
      expect(r.body.error.details.map((d) => d.path)).to.deep.equal(["note"]);
      expect((await h.store.getCertificate(issued.body.id))?.status).to.equal("active");
    });

    it("answers MALFORMED (400) to a document holding a lone surrogate or nested without end", async () => {
      const surrogate = await call<ErrorBody>(h.url, "POST", "/api/v1/verify", { body: { id: "\ud800", subject: {} } });
      expect(surrogate.status).to.equal(400);
      expect(surrogate.body.error.code).to.equal("MALFORMED");
      const deep = await call<ErrorBody>(h.url, "POST", "/api/v1/verify", {
        raw: `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      });
      expect(deep.status).to.equal(400);
      expect(deep.body.error.code).to.equal("MALFORMED");
    });
  });

  describe("QR links cut short", () => {
    let issued: { id: string; leafHash: string };
    before(async () => {
      issued = (
        await call<{ id: string; leafHash: string }>(h.url, "POST", "/api/v1/certificates", {
          key: h.agencies[0].issuerKey,
          body: licenceRequest(6),
        })
      ).body;
      await h.flush();
    });

    for (const [what, query] of [
      ["without h", ""],
      ["with an empty h", "?h="],
      ["with h cut short", "?h=0xabc"],
      ["with h repeated", "?h=0x1&h=0x2"],
    ] as const) {
      it(`answers a link ${what} with INCOMPLETE_LINK, never TAMPERED or unknown, in JSON and HTML`, async () => {
        const json = await call<ErrorBody>(h.url, "GET", `/v/${issued.id}${query}`);
        expect(json.status).to.equal(400);
        expect(json.body.error.code).to.equal("INCOMPLETE_LINK");
        const page = await call<string>(h.url, "GET", `/v/${issued.id}${query}`, {
          headers: { accept: "text/html", "accept-language": "en" },
        });
        expect(page.status).to.equal(400);
        expect(page.body).to.include('data-error="incompleteLink"');
        expect(page.body).to.include("scan the code again");
        expect(page.body).to.not.match(/TAMPERED|banner--invalid/);
      });
    }

    it("still answers TAMPERED to a complete link whose fingerprint is not this certificate's", async () => {
      const other = `0x${"ab".repeat(32)}`;
      const r = await call<{ status: string }>(h.url, "GET", `/v/${issued.id}?h=${other}`);
      expect(r.body.status).to.equal("TAMPERED");
    });

    it("answers an incomplete link for an unknown id the same way (no existence oracle)", async () => {
      const r = await call<ErrorBody>(h.url, "GET", `/v/${ID}`);
      expect(r.body.error.code).to.equal("INCOMPLETE_LINK");
    });
  });

  describe("personal data is not cached or world-readable", () => {
    it("sends authenticated certificate reads and the holder's document with Cache-Control: no-store", async () => {
      const issued = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body: licenceRequest(7),
      });
      await h.flush();
      for (const path of [
        `/api/v1/certificates/${issued.body.id}`,
        `/api/v1/certificates/${issued.body.id}/document`,
        "/api/v1/certificates",
      ]) {
        const r = await call(h.url, "GET", path, { key: h.agencies[0].issuerKey });
        expect(r.status, path).to.equal(200);
        expect(r.headers.get("cache-control"), path).to.equal("no-store");
      }
      const refused = await call(h.url, "GET", `/api/v1/certificates/${issued.body.id}`);
      expect(refused.headers.get("cache-control")).to.equal("no-store");
    });

    it("keeps the database files owner-only (0600)", () => {
      const path = h.sql("SELECT file FROM pragma_database_list WHERE name = 'main'")[0]?.file;
      if (typeof path !== "string") throw new Error("no database file");
      for (const file of [path, `${path}-wal`]) {
        expect(statSync(file).mode & 0o777, file).to.equal(0o600);
      }
      expect(statSync(join(path, "..")).mode & 0o077).to.equal(0);
    });
  });

  describe("readiness", () => {
    // a service of its own: a count another test's probe left (kept up to 5 s) would answer the
    // anchoring check in place of the count that never answers
    let ready: Harness;
    before(async () => {
      ready = await startHarness();
    });
    after(async () => {
      await ready.close();
    });

    it("answers 503 with the report when the store throws synchronously or never answers", async () => {
      const store = ready.store as unknown as Record<string, unknown>;
      const ping = store.ping;
      const count = store.countCertificates;
      try {
        store.ping = () => {
          throw new Error("database disk image is malformed");
        };
        store.countCertificates = () => {
          throw new Error("database disk image is malformed");
        };
        const r = await call<{ ready: boolean; checks: Record<string, { ok: boolean; detail: string }> }>(
          ready.url,
          "GET",
          "/readyz",
        );
        expect(r.status).to.equal(503);
        expect(r.body.ready).to.equal(false);
        expect(r.body.checks.database).to.deep.equal({ ok: false, detail: "database disk image is malformed" });
        expect(r.body.checks.chain?.ok).to.equal(true);
        store.ping = () => Promise.reject(new Error("closed"));
        store.countCertificates = () => new Promise(() => undefined);
        const hung = await call<{ checks: Record<string, { ok: boolean }> }>(ready.url, "GET", "/readyz");
        expect(hung.status).to.equal(503);
        expect(hung.body.checks.anchoring?.ok).to.equal(false);
      } finally {
        store.ping = ping;
        store.countCertificates = count;
      }
      expect((await call(ready.url, "GET", "/readyz")).status).to.equal(200);
    });
  });

  describe("request ids", () => {
    it("echoes a plain X-Request-Id, makes one otherwise, and puts it in every log line of the request", async () => {
      const kept = await call(h.url, "GET", "/healthz", { headers: { "x-request-id": "proxy-42.a" } });
      expect(kept.headers.get("x-request-id")).to.equal("proxy-42.a");
      for (const unfit of ["two words", "x".repeat(65), "<script>"]) {
        const replaced = await call(h.url, "GET", "/healthz", { headers: { "x-request-id": unfit } });
        expect(replaced.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
      }

      const store = h.store as unknown as Record<string, unknown>;
      const get = store.getCertificate;
      store.getCertificate = () => Promise.reject(new Error("boom"));
      const before = logLines.length;
      try {
        const r = await call<ErrorBody>(h.url, "GET", `/api/v1/certificates/${ID}`, { key: h.agencies[0].issuerKey });
        expect(r.status).to.equal(500);
        expect(r.body.error.code).to.equal("INTERNAL");
        const id = r.headers.get("x-request-id");
        const lines = logLines.slice(before).map((l) => JSON.parse(l) as { reqId?: string; msg: string });
        expect(lines.map((l) => l.msg)).to.include.members(["request failed", "request"]);
        for (const line of lines) expect(line.reqId, line.msg).to.equal(id);
      } finally {
        store.getCertificate = get;
      }
    });
  });
});

describe("HTTP: rate limits", function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ rateLimitPerMinute: 5 });
  });
  after(async () => {
    await h.close();
  });

  it("throttles a flood of undecodable requests (429) like any other", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await call(h.url, "GET", `/api/v1/certificates/%ff${i}`)).status);
    expect(statuses.slice(0, 5)).to.deep.equal([400, 400, 400, 400, 400]);
    expect(statuses.slice(5)).to.deep.equal([429, 429, 429]);
  });

  it("shows browsers the rate-limited page at 429 on /v/, and JSON to scripts", async () => {
    const link = `/v/${ID}?h=0x${"00".repeat(32)}`;
    let page: Awaited<ReturnType<typeof call<string>>> | undefined;
    for (let i = 0; i < 8 && page?.status !== 429; i++) {
      page = await call<string>(h.url, "GET", link, {
        headers: { accept: "text/html,application/xhtml+xml", "accept-language": "en" },
      });
    }
    expect(page?.status).to.equal(429);
    expect(page?.headers.get("content-type")).to.match(/^text\/html/);
    expect(page?.body).to.include('data-error="rateLimited"');
    const json = await call<ErrorBody>(h.url, "GET", link);
    expect(json.status).to.equal(429);
    expect(json.body.error.code).to.equal("RATE_LIMITED");
  });
});
