import type { Server } from "node:http";
import { expect } from "chai";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { waitFor } from "../../scripts/support/serviceProcess.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { ask, countExpress, expressOnly, type Answer } from "../support/sideBySide.ts";

const JSON_ACCEPT = { accept: "application/json" };

async function issueAnchored(h: Harness, count: number): Promise<string[]> {
  const reply = await call<{ items: { verifyUrl: string }[] }>(h.url, "POST", "/api/v1/certificates/batch", {
    key: h.agencies[0].issuerKey,
    body: { items: Array.from({ length: count }, () => licenceRequest(5)) },
  });
  expect(reply.status).to.equal(202);
  await h.flush();
  return reply.body.items.map((item) => {
    const url = new URL(item.verifyUrl);
    return url.pathname + url.search;
  });
}

/**
 * The QR target's JSON answer is served in front of Express (`server/http/fastPaths/scan.ts`). Each
 * test asks the service's listener and Express alone the same thing and wants the same answer,
 * header by header, and checks which of the two actually answered: a fast path that quietly left
 * everything to Express would pass the comparison and fail these counts.
 */
describe("HTTP: the QR fast path answers exactly as Express does", function () {
  this.timeout(60_000);
  let h: Harness;
  let plain: { url: string; server: Server };
  let links: string[];
  let revokedLink: string;

  const bothAnswer = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    expectedPath: "fast" | "express",
  ): Promise<Answer> => {
    const express = countExpress(h);
    let fast: Answer;
    try {
      fast = await ask(h.url, method, path, headers);
      expect(express.count, `${method} ${path} ${JSON.stringify(headers)}`).to.equal(expectedPath === "fast" ? 0 : 1);
    } finally {
      express.restore();
    }
    const reference = await ask(plain.url, method, path, headers);
    expect(fast.status).to.equal(reference.status);
    // a page says when it was checked: its length and text may move on between the two requests
    const page = !(reference.headers["content-type"] ?? "").includes("json");
    const comparable = (answer: Answer) => {
      const { "content-length": length, ...others } = answer.headers;
      return page ? others : { ...others, "content-length": length };
    };
    expect(comparable(fast)).to.deep.equal(comparable(reference));
    if (!page) expect(fast.body).to.equal(reference.body);
    expect(fast.requestId).to.be.a("string").and.not.equal("");
    return fast;
  };

  before(async () => {
    h = await startHarness({ rateLimitPerMinute: 10_000 });
    plain = await expressOnly(h);
    links = await issueAnchored(h, 3);
    revokedLink = links[2]!;
    const id = revokedLink.split("?")[0]!.split("/").at(-1)!;
    const revoked = await call(h.url, "POST", `/api/v1/certificates/${id}/revoke`, {
      key: h.agencies[0].issuerKey,
      body: { reason: "unspecified" },
    });
    expect(revoked.status).to.be.oneOf([200, 202]);
    await h.flush();
  });
  after(async () => {
    plain.server.close();
    await h.close();
  });

  it("answers a whole link's JSON itself: valid, revoked, tampered, unknown, each as Express would", async () => {
    const valid = await bothAnswer("GET", links[0]!, JSON_ACCEPT, "fast");
    expect(valid.status).to.equal(200);
    expect(JSON.parse(valid.body)).to.include({ status: "VALID" });
    expect(valid.headers).to.include({
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      vary: "Accept, Accept-Language",
      "x-content-type-options": "nosniff",
    });
    expect(valid.headers["content-security-policy"]).to.include("default-src 'self'");
    expect(valid.rateLimit).to.be.a("string");

    expect(JSON.parse((await bothAnswer("GET", revokedLink, JSON_ACCEPT, "fast")).body)).to.include({
      status: "REVOKED",
    });
    const tampered = links[1]!.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    expect(JSON.parse((await bothAnswer("GET", tampered, JSON_ACCEPT, "fast")).body)).to.include({
      status: "TAMPERED",
    });
    const unknown = links[0]!.replace(/\/v\/[0-9A-Z]{26}/, "/v/01ARZ3NDEKTSV4RRFFQ69G5FAV");
    const missing = await bothAnswer("GET", unknown, JSON_ACCEPT, "fast");
    expect(missing.status).to.equal(404);
    expect(JSON.parse(missing.body)).to.include({ status: "UNKNOWN_CERTIFICATE" });
    // a scanner's own parameters are ignored, on both paths
    await bothAnswer("GET", `${links[0]!}&lang=en&src=counter`, JSON_ACCEPT, "fast");
  });

  it("leaves to Express everything that is not a plain JSON scan of a whole link", async () => {
    const link = links[0]!;
    const [path, query] = link.split("?") as [string, string];
    const cases: [string, string, Record<string, string>][] = [
      ["GET", link, { accept: "text/html" }],
      ["GET", link, { accept: "*/*" }],
      ["GET", link, {}],
      ["HEAD", link, JSON_ACCEPT],
      ["GET", `${link}&part=result`, JSON_ACCEPT],
      ["GET", `${link}&h=${query.slice(2)}`, JSON_ACCEPT],
      ["GET", path, JSON_ACCEPT],
      ["GET", `${path}?h=0x1234`, JSON_ACCEPT],
      ["GET", `${path}/?${query}`, JSON_ACCEPT],
      ["GET", `${path.toLowerCase()}?${query}`, JSON_ACCEPT],
      ["GET", `${path.replace("/v/", "/V/")}?${query}`, JSON_ACCEPT],
      ["GET", `${path.replace(/.$/, (c) => `%${c.charCodeAt(0).toString(16)}`)}?${query}`, JSON_ACCEPT],
      ["GET", `/v/not-an-id?${query}`, JSON_ACCEPT],
    ];
    for (const [method, target, headers] of cases) await bothAnswer(method, target, headers, "express");
  });

  it("keeps the caller's request id and counts the scan under Express's route label", async () => {
    const scansCounted = async () =>
      (await h.runtime.metrics.httpRequests.get()).values.find(
        (v) => v.labels.route === "/v/:id" && v.labels.status === "200" && v.labels.method === "GET",
      )?.value ?? 0;
    const counted = await scansCounted();
    const answer = await ask(h.url, "GET", links[0]!, { ...JSON_ACCEPT, "x-request-id": "counter-7.scan:42" });
    expect(answer.requestId).to.equal("counter-7.scan:42");
    // counted when the answer has been handed to the socket, which may be just after the client has it
    await waitFor(
      "the scan to be counted",
      async () => ((await scansCounted()) - counted === 1 ? true : undefined),
      5_000,
      10,
    );
    expect((await scansCounted()) - counted).to.equal(1);
  });

  it("answers a failure inside the verification with Express's 500 answer", async () => {
    const store = h.store as unknown as { getCertificateStanding: (id: string) => Promise<unknown> };
    const original = store.getCertificateStanding;
    store.getCertificateStanding = () => Promise.reject(new Error("disk gone"));
    try {
      const failed = await bothAnswer("GET", links[0]!, JSON_ACCEPT, "fast");
      expect(failed.status).to.equal(500);
      expect(JSON.parse(failed.body)).to.deep.equal({
        error: { code: "INTERNAL", message: "Something went wrong on our side; try again later" },
      });
    } finally {
      store.getCertificateStanding = original;
    }
  });
});

describe("HTTP: the QR fast path is held to the public rate limit and to CORS", function () {
  this.timeout(60_000);
  const LIMIT = 4;
  let h: Harness;
  let plain: { url: string; server: Server };
  let link: string;

  before(async () => {
    h = await startHarness({ rateLimitPerMinute: LIMIT, corsOrigins: ["https://counter.example"] });
    plain = await expressOnly(h);
    // issuing and flushing go through the API's limit, not the public one
    [link] = (await issueAnchored(h, 1)) as [string];
  });
  after(async () => {
    plain.server.close();
    await h.close();
  });

  it("counts fast scans and Express's in one budget and refuses past it as Express does", async () => {
    const express = countExpress(h);
    try {
      const fast: Answer[] = [];
      for (let i = 0; i < LIMIT - 1; i++) fast.push(await ask(h.url, "GET", link, JSON_ACCEPT));
      expect(fast.map((a) => a.status)).to.deep.equal([200, 200, 200]);
      expect(express.count).to.equal(0);
      expect(fast.map((a) => /\br=(\d+)/.exec(a.rateLimit ?? "")?.[1])).to.deep.equal(["3", "2", "1"]);
      expect((await ask(plain.url, "GET", link, JSON_ACCEPT)).status).to.equal(200);

      const beforeRefusal = express.count;
      const refused = await ask(h.url, "GET", link, JSON_ACCEPT);
      expect(express.count - beforeRefusal, "the refusal is Express's answer").to.equal(1);
      const reference = await ask(plain.url, "GET", link, JSON_ACCEPT);
      expect(refused.status).to.equal(429);
      const message = (JSON.parse(reference.body) as { error: { message: string } }).error.message;
      expect(JSON.parse(refused.body)).to.deep.equal({ error: { code: "RATE_LIMITED", message } });
      expect(refused.headers).to.deep.equal(reference.headers);
      expect(/\br=(\d+)/.exec(refused.rateLimit ?? "")?.[1]).to.equal("0");
      // without a trusted proxy, a forwarded-for header is the client's own word: no fresh budget
      const spoofed = await ask(h.url, "GET", link, { ...JSON_ACCEPT, "x-forwarded-for": "203.0.113.9" });
      expect(spoofed.status).to.equal(429);
    } finally {
      express.restore();
    }
  });

  it("leaves a cross-origin scan to Express, which adds the CORS headers (refused or not)", async () => {
    const express = countExpress(h);
    try {
      const answer = await ask(h.url, "GET", link, { ...JSON_ACCEPT, origin: "https://counter.example" });
      expect(express.count).to.equal(1);
      expect(answer.headers["access-control-allow-origin"]).to.equal("https://counter.example");
    } finally {
      express.restore();
    }
  });
});

describe("HTTP: behind a trusted proxy, the QR fast path limits each forwarded client apart", function () {
  this.timeout(60_000);
  const LIMIT = 2;
  let h: Harness;
  let link: string;

  before(async () => {
    h = await startHarness({ rateLimitPerMinute: LIMIT, trustProxy: true });
    [link] = (await issueAnchored(h, 1)) as [string];
  });
  after(async () => {
    await h.close();
  });

  it("refuses the client that used its budget and answers another one, as Express's req.ip tells them apart", async () => {
    const from = (address: string) => ({ ...JSON_ACCEPT, "x-forwarded-for": address });
    const first: number[] = [];
    for (let i = 0; i <= LIMIT; i++) first.push((await ask(h.url, "GET", link, from("203.0.113.1"))).status);
    expect(first).to.deep.equal([200, 200, 429]);
    expect((await ask(h.url, "GET", link, from("203.0.113.2"))).status).to.equal(200);
  });
});
