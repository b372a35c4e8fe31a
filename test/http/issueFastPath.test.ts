import { gzipSync } from "node:zlib";
import type { Server } from "node:http";
import { expect } from "chai";
import { createApiKey } from "../../server/auth/apiKeys.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { waitFor } from "../../scripts/support/serviceProcess.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { ask, countExpress, expressOnly, type Answer } from "../support/sideBySide.ts";

const ISSUE = "/api/v1/certificates";
const JSON_BODY = { "content-type": "application/json" };
const licence = (n = 0): string => JSON.stringify(licenceRequest(n));

interface IssuedAck {
  id: string;
  leafHash: string;
  holder: { code: string; url: string } | null;
}

/**
 * An answer with what differs between any two certificates (id, certificate hash, holder secret)
 * replaced by placeholders, so two issuances' answers compare byte for byte otherwise.
 */
function comparable(answer: Answer): { status: number; headers: Record<string, string>; body: string } {
  if (answer.status !== 202) return { status: answer.status, headers: answer.headers, body: answer.body };
  const ack = JSON.parse(answer.body) as IssuedAck;
  const replaced: [string, string][] = [
    [ack.id, "ID"],
    [ack.leafHash, "LEAF"],
  ];
  if (ack.holder) replaced.push([ack.holder.code, "CODE"], [ack.holder.url.split("#")[1] ?? "", "SECRET"]);
  let body = answer.body;
  const headers = { ...answer.headers };
  for (const [value, placeholder] of replaced) {
    expect(value).to.not.equal("");
    body = body.replaceAll(value, placeholder);
    if (headers.location) headers.location = headers.location.replaceAll(value, placeholder);
  }
  return { status: answer.status, headers, body };
}

const errorOf = (answer: Answer): { code: string; message: string } =>
  (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;

/**
 * Issuing one certificate is served in front of Express (`server/http/fastPaths/issue.ts`). Each
 * test sends the service's listener and Express alone the same request and wants the same answer,
 * header by header, and checks which of the two actually answered.
 */
describe("HTTP: the issuance fast path answers exactly as Express does", function () {
  this.timeout(60_000);
  let h: Harness;
  let plain: { url: string; server: Server };

  const officer = (): Record<string, string> => ({ ...JSON_BODY, authorization: `Bearer ${h.agencies[0].issuerKey}` });

  const bothAnswer = async (
    path: string,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    expectedPath: "fast" | "express",
    method = "POST",
  ): Promise<Answer> => {
    const express = countExpress(h);
    let fast: Answer;
    try {
      fast = await ask(h.url, method, path, headers, body);
      expect(express.count, `${method} ${path} ${JSON.stringify(headers)}`).to.equal(expectedPath === "fast" ? 0 : 1);
    } finally {
      express.restore();
    }
    const reference = await ask(plain.url, method, path, headers, body);
    expect(comparable(fast)).to.deep.equal(comparable(reference));
    expect(fast.requestId).to.be.a("string").and.not.equal("");
    return fast;
  };

  before(async () => {
    h = await startHarness({ rateLimitPerMinute: 10_000 });
    plain = await expressOnly(h);
  });
  after(async () => {
    plain.server.close();
    await h.close();
  });

  it("issues a certificate itself, and stores it as Express's route does", async () => {
    const answer = await bothAnswer(ISSUE, officer(), licence(3), "fast");
    expect(answer.status).to.equal(202);
    expect(answer.headers).to.include({
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    expect(answer.headers["content-security-policy"]).to.include("default-src 'self'");
    expect(answer.rateLimit).to.be.a("string");
    const ack = JSON.parse(answer.body) as IssuedAck;
    expect(answer.headers.location).to.equal(`${ISSUE}/${ack.id}`);

    const stored = await h.store.getCertificate(ack.id);
    expect(stored).to.include({ state: "pending", agencyId: h.agencies[0].agencyId, leaf: ack.leafHash });
    expect((stored?.document.subject as Record<string, unknown>).name).to.equal(licenceRequest(3).subject.name);
    // the holder link it shows opens the certificate: the secret was stored with it
    const secret = ack.holder?.url.split("#")[1] ?? "";
    const opened = await ask(h.url, "GET", `/api/v1/holder/${ack.id}`, {
      accept: "application/json",
      authorization: `Holder ${secret}`,
    });
    expect(opened.status, opened.body).to.equal(200);
  });

  it("refuses what Express refuses, with the same answer, in Express's order (body, then key, then content)", async () => {
    const auditor = { ...JSON_BODY, authorization: `Bearer ${h.auditorKey}` };
    const revoked = await createApiKey(h.store, {
      agencyId: h.agencies[0].agencyId,
      role: "issuer",
      label: "revoked officer",
      now: new Date(),
    });
    await h.store.revokeApiKey(revoked.record.id, new Date().toISOString());
    const { subject, type } = licenceRequest(4);
    const cases: [string, Record<string, string>, string | Buffer | undefined, number, string][] = [
      ["not JSON", officer(), "{not json", 400, "INVALID_JSON"],
      ["not JSON, and no key", JSON_BODY, "{not json", 400, "INVALID_JSON"],
      ["JSON but not an object or array", officer(), "42", 400, "INVALID_JSON"],
      [
        "a charset JSON cannot have",
        { ...officer(), "content-type": "application/json; charset=latin1" },
        licence(),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "a corrupt gzip body",
        { ...officer(), "content-encoding": "gzip" },
        Buffer.from("not gzip"),
        400,
        "BAD_REQUEST",
      ],
      [
        "over the size limit",
        officer(),
        JSON.stringify({ ...licenceRequest(0), pad: "x".repeat(1024 * 1024) }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      ["no key", JSON_BODY, licence(), 401, "UNAUTHENTICATED"],
      [
        "a key of no known shape",
        { ...JSON_BODY, authorization: "Bearer clk_nope" },
        licence(),
        401,
        "UNAUTHENTICATED",
      ],
      ["a revoked key", { ...JSON_BODY, authorization: `Bearer ${revoked.apiKey}` }, licence(), 401, "UNAUTHENTICATED"],
      [
        "a real key's id with a forged secret",
        { ...JSON_BODY, authorization: `Bearer ${h.agencies[0].issuerKey.slice(0, 21)}${"A".repeat(43)}` },
        licence(),
        401,
        "UNAUTHENTICATED",
      ],
      ["an auditor's key", auditor, licence(), 403, "FORBIDDEN"],
      [
        "a body that is not JSON by its type",
        { ...officer(), "content-type": "text/plain" },
        licence(),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "a field no request has",
        officer(),
        JSON.stringify({ ...licenceRequest(0), extra: 1 }),
        400,
        "VALIDATION_ERROR",
      ],
      [
        "an unknown certificate type",
        officer(),
        JSON.stringify({ type: "pilot-licence", subject }),
        422,
        "INVALID_CERTIFICATE",
      ],
      [
        "a bidirectional override in a name",
        officer(),
        JSON.stringify({ type, subject: { ...subject, name: "A\u202eB" } }),
        422,
        "INVALID_CERTIFICATE",
      ],
      [
        "a malformed Idempotency-Key",
        { ...officer(), "idempotency-key": "x".repeat(201) },
        licence(),
        400,
        "INVALID_IDEMPOTENCY_KEY",
      ],
    ];
    for (const [what, headers, body, status, code] of cases) {
      const answer = await bothAnswer(ISSUE, headers, body, "fast");
      expect(answer.status, what).to.equal(status);
      expect(errorOf(answer).code, what).to.equal(code);
    }
    // a gzip body Express reads is read here too
    const zipped = await bothAnswer(ISSUE, { ...officer(), "content-encoding": "gzip" }, gzipSync(licence(5)), "fast");
    expect(zipped.status).to.equal(202);
  });

  it("issues for the key's own agency only: another agency's officer can neither name an issuer nor supersede", async () => {
    const second = { ...JSON_BODY, authorization: `Bearer ${h.agencies[1].issuerKey}` };
    const named = await bothAnswer(
      ISSUE,
      second,
      JSON.stringify({ ...licenceRequest(11), issuer: { agencyId: h.agencies[0].agencyId } }),
      "fast",
    );
    expect(named.status).to.equal(400);
    expect(errorOf(named).code).to.equal("VALIDATION_ERROR");

    const first = JSON.parse((await ask(h.url, "POST", ISSUE, officer(), licence(12))).body) as IssuedAck;
    const superseding = await bothAnswer(
      ISSUE,
      second,
      JSON.stringify({ ...licenceRequest(12), supersedes: first.id }),
      "fast",
    );
    expect(superseding.status).to.equal(422);
    expect(errorOf(superseding).code).to.equal("SUPERSEDES_NOT_FOUND");
    expect((await h.store.getCertificate(first.id))?.agencyId).to.equal(h.agencies[0].agencyId);

    const own = JSON.parse((await ask(h.url, "POST", ISSUE, second, licence(13))).body) as IssuedAck;
    const stored = await h.store.getCertificate(own.id);
    expect(stored?.agencyId).to.equal(h.agencies[1].agencyId);
    expect(stored?.document.issuer).to.deep.include({ agencyId: h.agencies[1].agencyId, name: h.agencies[1].name });
  });

  it("replays an Idempotency-Key as Express does, on either path, and refuses it for another request", async () => {
    const first = await ask(h.url, "POST", ISSUE, { ...officer(), "idempotency-key": "fast-1" }, licence(6));
    expect(first.status).to.equal(202);
    expect(first.headers["idempotent-replayed"]).to.equal(undefined);
    const again = await bothAnswer(ISSUE, { ...officer(), "idempotency-key": "fast-1" }, licence(6), "fast");
    expect(again.headers["idempotent-replayed"]).to.equal("true");
    const original = JSON.parse(first.body) as IssuedAck;
    expect(JSON.parse(again.body)).to.deep.include({ id: original.id, leafHash: original.leafHash, holder: null });

    const reused = await bothAnswer(ISSUE, { ...officer(), "idempotency-key": "fast-1" }, licence(7), "fast");
    expect(reused.status).to.equal(422);
    expect(errorOf(reused).code).to.equal("IDEMPOTENCY_KEY_REUSED");
  });

  it("answers a failure of the store with Express's 500 answer, and loses nothing", async () => {
    const store = h.store as unknown as { insertCertificates: (...args: unknown[]) => Promise<void> };
    const original = store.insertCertificates;
    store.insertCertificates = () => Promise.reject(new Error("disk gone"));
    let failed: Answer;
    try {
      failed = await bothAnswer(ISSUE, { ...officer(), "idempotency-key": "store-down" }, licence(8), "fast");
    } finally {
      store.insertCertificates = original;
    }
    expect(failed.status).to.equal(500);
    expect(JSON.parse(failed.body)).to.deep.equal({
      error: { code: "INTERNAL", message: "Something went wrong on our side; try again later" },
    });
    // nothing was kept of the failed request: the same key issues afresh once the store is back
    const retried = await ask(h.url, "POST", ISSUE, { ...officer(), "idempotency-key": "store-down" }, licence(8));
    expect(retried.status).to.equal(202);
    expect(retried.headers["idempotent-replayed"]).to.equal(undefined);
  });

  it("leaves to Express every request that is not exactly a POST to the path", async () => {
    const cases: [string, string, number][] = [
      ["POST", `${ISSUE}?lang=en`, 202],
      ["POST", `${ISSUE}/`, 202],
      ["POST", "/API/v1/Certificates", 202],
      ["GET", ISSUE, 200],
      ["PUT", ISSUE, 404],
    ];
    for (const [method, path, status] of cases) {
      const answer = await bothAnswer(path, officer(), method === "GET" ? undefined : licence(9), "express", method);
      expect(answer.status, `${method} ${path}`).to.equal(status);
    }
  });

  it("keeps the caller's request id and counts the request under Express's route label", async () => {
    const counted = async (route: string, status: string): Promise<number> =>
      (await h.runtime.metrics.httpRequests.get()).values.find(
        (v) => v.labels.route === route && v.labels.status === status && v.labels.method === "POST",
      )?.value ?? 0;
    const issuedBefore = await counted(ISSUE, "202");
    const unreadBefore = await counted("unmatched", "400");
    const answer = await ask(h.url, "POST", ISSUE, { ...officer(), "x-request-id": "desk-3.issue:7" }, licence(10));
    expect(answer.requestId).to.equal("desk-3.issue:7");
    // a body the parser refuses never reached the router: Express labels it "unmatched", and so does the fast path
    await ask(h.url, "POST", ISSUE, officer(), "{");
    await ask(plain.url, "POST", ISSUE, officer(), "{");
    // counted when the answer has been handed to the socket, which may be just after the client has it
    await waitFor(
      "the requests to be counted",
      async () =>
        (await counted(ISSUE, "202")) - issuedBefore === 1 && (await counted("unmatched", "400")) - unreadBefore === 2
          ? true
          : undefined,
      5_000,
      10,
    );
  });
});

describe("HTTP: the issuance fast path is held to the API limit, the error budget and CORS", function () {
  this.timeout(60_000);
  // the API limit is ten times this a minute, the error budget this
  const PER_MINUTE = 2;
  let h: Harness;
  let plain: { url: string; server: Server };

  before(async () => {
    h = await startHarness({ rateLimitPerMinute: PER_MINUTE, corsOrigins: ["https://desk.example"] });
    plain = await expressOnly(h);
  });
  after(async () => {
    plain.server.close();
    await h.close();
  });

  const officer = (n: 0 | 1): Record<string, string> => ({
    ...JSON_BODY,
    authorization: `Bearer ${h.agencies[n].issuerKey}`,
  });

  it("leaves a cross-origin request to Express, which adds the CORS headers", async () => {
    const express = countExpress(h);
    try {
      const answer = await ask(h.url, "POST", ISSUE, { ...officer(0), origin: "https://desk.example" }, licence(1));
      expect(express.count).to.equal(1);
      expect(answer.status).to.equal(202);
      expect(answer.headers["access-control-allow-origin"]).to.equal("https://desk.example");
    } finally {
      express.restore();
    }
  });

  /** Asks the service's listener, and wants the fast path to have answered, not Express. */
  const askFast = async (headers: Record<string, string>, body: string): Promise<Answer> => {
    const express = countExpress(h);
    try {
      const answer = await ask(h.url, "POST", ISSUE, headers, body);
      expect(express.count, "Express answered, not the fast path").to.equal(0);
      return answer;
    } finally {
      express.restore();
    }
  };

  it("counts bad requests on either path in one error budget, and refuses past it as Express does", async () => {
    const fast = [await askFast(officer(1), "{"), await askFast(officer(1), "{")];
    expect(fast.map((a) => a.status)).to.deep.equal([400, 400]);
    const overExpress = await ask(plain.url, "POST", ISSUE, officer(1), "{");
    const overFast = await askFast(officer(1), "{");
    expect([overExpress.status, overFast.status]).to.deep.equal([429, 429]);
    expect(overFast.body).to.equal(overExpress.body);
    expect(overFast.headers).to.deep.equal(overExpress.headers);
    expect(errorOf(overFast).code).to.equal("RATE_LIMITED");
  });

  it("counts issuance on either path against one API limit, and refuses past it as Express does", async () => {
    let remaining = Number.POSITIVE_INFINITY;
    for (let turn = 0; remaining > 0; turn++) {
      expect(turn, "the API limit never ran out").to.be.below(10 * PER_MINUTE);
      const answer =
        turn % 2 === 0
          ? await askFast(officer(0), licence(turn))
          : await ask(plain.url, "POST", ISSUE, officer(0), licence(turn));
      expect(answer.status).to.equal(202);
      remaining = Number(/\br=(\d+)/.exec(answer.rateLimit ?? "")?.[1]);
    }
    const overFast = await askFast(officer(0), licence(1));
    const overExpress = await ask(plain.url, "POST", ISSUE, officer(0), licence(1));
    expect([overFast.status, overExpress.status]).to.deep.equal([429, 429]);
    expect(overFast.body).to.equal(overExpress.body);
    expect(overFast.headers).to.deep.equal(overExpress.headers);
  });
});
