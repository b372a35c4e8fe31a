import { expect } from "chai";
import { disclose } from "../../server/core/document/disclose.ts";
import type { CertificateDocument } from "../../server/core/document/model.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

interface Result {
  valid: boolean;
  status: string;
  revocation?: { state: string; reason: string; txHash?: string };
  warnings: { code: string; params: Record<string, string>; message: string }[];
}

const permit = (n: number) => {
  const { type, subject, validFrom, validUntil } = sampleInputs(n)["food-business-permit"]!;
  return { type, subject, validFrom, validUntil };
};

describe("HTTP: issue → anchor → QR → verify → suspend → reinstate → revoke", function () {
  this.timeout(60_000);
  let h: Harness;
  let id: string;
  let verifyPath: string;
  let document: Record<string, unknown>;
  const officer = () => h.agencies[1].issuerKey;

  before(async () => {
    h = await startHarness();
    const r = await call<{ id: string; verifyUrl: string }>(h.url, "POST", "/api/v1/certificates", {
      key: officer(),
      body: permit(7),
    });
    id = r.body.id;
    verifyPath = new URL(r.body.verifyUrl).pathname + new URL(r.body.verifyUrl).search;
  });
  after(async () => {
    await h.close();
  });

  it("answers NOT_ANCHORED while the certificate waits for its batch", async () => {
    const r = await call<Result>(h.url, "GET", verifyPath);
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal("NOT_ANCHORED");
    expect(r.body.valid).to.equal(false);
  });

  it("verifies VALID by QR link once anchored, as JSON and as an HTML page", async () => {
    await h.flush();
    const json = await call<Result>(h.url, "GET", verifyPath);
    expect(json.body.status).to.equal("VALID");
    expect(json.body.valid).to.equal(true);
    const page = await fetch(`${h.url}${verifyPath}`, {
      headers: { accept: "text/html", "accept-language": "zh-CN,zh;q=0.9" },
    });
    expect(page.status).to.equal(200);
    const text = await page.text();
    expect(text).to.include('lang="zh-CN"');
    expect(text).to.include(String(permit(7).subject.operatorName));
  });

  it("answers TAMPERED when the link's hash is not the certificate's, and 404 for unknown ids", async () => {
    const wrong = verifyPath.replace(/h=0x[0-9a-f]{4}/, "h=0x0000");
    expect((await call<Result>(h.url, "GET", wrong)).body.status).to.equal("TAMPERED");
    const unknown = await call<Result>(h.url, "GET", `/v/01J00000000000000000000000?h=0x${"1".repeat(64)}`);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.status).to.equal("UNKNOWN_CERTIFICATE");
  });

  it("verifies the holder's document by POST /api/v1/verify, and a disclosed one; a changed one is TAMPERED", async () => {
    const doc = await call(h.url, "GET", `/api/v1/certificates/${id}/document`, { key: officer() });
    document = doc.body;
    const ok = await call<Result>(h.url, "POST", "/api/v1/verify", { body: document });
    expect(ok.status).to.equal(200);
    expect(ok.body.status).to.equal("VALID");
    const disclosed = disclose(
      document as unknown as CertificateDocument,
      ["subject.operatorName", "subject.permitNumber"],
      h.keccak,
    );
    expect(JSON.stringify(disclosed)).to.not.include("李示例");
    const partial = await call<Result & { certificate: { hiddenFields: string[] } }>(h.url, "POST", "/api/v1/verify", {
      body: disclosed,
    });
    expect(partial.body.status).to.equal("VALID");
    expect(partial.body.certificate.hiddenFields).to.include("subject.legalRepresentative");
    const subject = { ...(document.subject as Record<string, unknown>), operatorName: "冒名顶替有限公司" };
    const forged = await call<Result>(h.url, "POST", "/api/v1/verify", { body: { ...document, subject } });
    expect(forged.status).to.equal(200);
    expect(forged.body.status).to.equal("TAMPERED");
  });

  it("answers 400 MALFORMED for what is not a certificate document", async () => {
    const r = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/verify", { body: { hello: "world" } });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal("MALFORMED");
    const list = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/verify", { body: [1, 2] });
    expect(list.status).to.equal(400);
  });

  it("refuses status changes by another agency's officer (404) and by auditors (403)", async () => {
    expect(
      (
        await call(h.url, "POST", `/api/v1/certificates/${id}/revoke`, {
          key: h.agencies[0].issuerKey,
          body: { reason: "unspecified" },
        })
      ).status,
    ).to.equal(404);
    expect(
      (
        await call(h.url, "POST", `/api/v1/certificates/${id}/revoke`, {
          key: h.auditorKey,
          body: { reason: "unspecified" },
        })
      ).status,
    ).to.equal(403);
    expect((await call<Result>(h.url, "GET", verifyPath)).body.status).to.equal("VALID");
  });

  it("validates the reason: an unknown one is 400", async () => {
    const r = await call<{ error: { code: string } }>(h.url, "POST", `/api/v1/certificates/${id}/revoke`, {
      key: officer(),
      body: { reason: "because" },
    });
    expect(r.status).to.equal(400);
  });

  it("suspends: the next verification says SUSPENDED with the reason", async () => {
    const r = await call<{ status: string; txHash: string }>(h.url, "POST", `/api/v1/certificates/${id}/suspend`, {
      key: officer(),
      body: { note: "inspection pending" },
    });
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal("suspended");
    expect(r.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const v = await call<Result>(h.url, "GET", verifyPath);
    expect(v.body.status).to.equal("SUSPENDED");
    expect(v.body.revocation?.reason).to.equal("certificateHold");
    expect(v.body.revocation?.txHash).to.equal(r.body.txHash);
  });

  it("refuses to suspend twice (409) and reinstates to VALID", async () => {
    const twice = await call<{ error: { code: string } }>(h.url, "POST", `/api/v1/certificates/${id}/suspend`, {
      key: officer(),
      body: {},
    });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal("INVALID_TRANSITION");
    const r = await call<{ status: string }>(h.url, "POST", `/api/v1/certificates/${id}/reinstate`, {
      key: officer(),
      body: {},
    });
    expect(r.body.status).to.equal("active");
    expect((await call<Result>(h.url, "GET", verifyPath)).body.status).to.equal("VALID");
  });

  it("revokes for good: REVOKED by link and by document, and it cannot be reinstated", async () => {
    const r = await call<{ status: string }>(h.url, "POST", `/api/v1/certificates/${id}/revoke`, {
      key: officer(),
      body: { reason: "privilegeWithdrawn", note: "hygiene violations" },
    });
    expect(r.status).to.equal(200);
    expect(r.body.status).to.equal("revoked");
    const v = await call<Result>(h.url, "GET", verifyPath);
    expect(v.body.status).to.equal("REVOKED");
    expect(v.body.revocation).to.include({ state: "revoked", reason: "privilegeWithdrawn" });
    expect((await call<Result>(h.url, "POST", "/api/v1/verify", { body: document })).body.status).to.equal("REVOKED");
    const again = await call<{ error: { code: string } }>(h.url, "POST", `/api/v1/certificates/${id}/reinstate`, {
      key: officer(),
      body: {},
    });
    expect(again.status).to.equal(409);
  });

  it("warns that a certificate was superseded, naming its successor", async () => {
    const original = await call<{ id: string; verifyUrl: string }>(h.url, "POST", "/api/v1/certificates", {
      key: officer(),
      body: permit(8),
    });
    const renewal = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
      key: officer(),
      body: { ...permit(9), supersedes: original.body.id },
    });
    expect(renewal.status).to.equal(202);
    await h.flush();
    const url = new URL(original.body.verifyUrl);
    const v = await call<Result>(h.url, "GET", url.pathname + url.search);
    expect(v.body.status).to.equal("VALID");
    expect(v.body.warnings).to.deep.equal([
      { code: "SUPERSEDED", params: { id: renewal.body.id }, message: `superseded by ${renewal.body.id}` },
    ]);
    const stranger = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/certificates", {
      key: h.agencies[0].issuerKey,
      body: { ...permit(10), supersedes: original.body.id },
    });
    expect(stranger.status).to.equal(422);
    expect(stranger.body.error.code).to.equal("SUPERSEDES_NOT_FOUND");
  });
});
