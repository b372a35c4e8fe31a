import { expect } from "chai";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { decodeQrPng } from "../qr/decode.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

const licence = () => licenceRequest(Math.floor(Math.random() * 1e6));

describe("HTTP: certificates", function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  describe("POST /api/v1/certificates", () => {
    it("accepts a valid certificate with 202, its leaf hash, verification URL and QR links", async () => {
      const r = await call(h.url, "POST", "/api/v1/certificates", { key: h.agencies[0].issuerKey, body: licence() });
      expect(r.status).to.equal(202);
      expect(r.body.state).to.equal("pending");
      expect(r.body.id).to.match(/^[0-9A-Z]{26}$/);
      expect(r.body.leafHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(r.body.verifyUrl).to.equal(`${h.url}/v/${String(r.body.id)}?h=${String(r.body.leafHash)}`);
      expect(r.body.qr).to.deep.equal({
        png: `${h.url}/api/v1/certificates/${String(r.body.id)}/qr.png`,
        svg: `${h.url}/api/v1/certificates/${String(r.body.id)}/qr.svg`,
      });
      const stored = await h.store.getCertificate(String(r.body.id));
      expect(stored?.state).to.equal("pending");
    });

    it("refuses requests without a key (401), with a bad key (401) and from auditors (403)", async () => {
      expect((await call(h.url, "POST", "/api/v1/certificates", { body: licence() })).status).to.equal(401);
      const bad = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/certificates", {
        key: "clk_0000000000000000_" + "a".repeat(43),
        body: licence(),
      });
      expect(bad.status).to.equal(401);
      expect(bad.body.error.code).to.equal("UNAUTHENTICATED");
      const auditor = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/certificates", {
        key: h.auditorKey,
        body: licence(),
      });
      expect(auditor.status).to.equal(403);
      expect(auditor.body.error.code).to.equal("FORBIDDEN");
    });

    it("reports each invalid field with 422 and stores nothing", async () => {
      const before = await h.store.countCertificates();
      const body = licence();
      const r = await call<{
        error: { code: string; details: { index: number; issues: { path: string; code: string }[] }[] };
      }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body: { ...body, subject: { ...body.subject, uscc: "91110108000000011X", establishmentDate: "2019-13-01" } },
      });
      expect(r.status).to.equal(422);
      expect(r.body.error.code).to.equal("INVALID_CERTIFICATE");
      const paths = r.body.error.details[0]?.issues.map((i) => i.path);
      expect(paths).to.include.members(["subject.uscc", "subject.establishmentDate"]);
      expect(await h.store.countCertificates()).to.deep.equal(before);
    });

    it("rejects unknown top-level fields and invalid JSON with 400", async () => {
      const extra = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body: { ...licence(), owner: "x" },
      });
      expect(extra.status).to.equal(400);
      expect(extra.body.error.code).to.equal("VALIDATION_ERROR");
      const broken = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        raw: "{",
      });
      expect(broken.status).to.equal(400);
      expect(broken.body.error.code).to.equal("INVALID_JSON");
    });

    it("honours Idempotency-Key: the same request gives the same certificate, another request 422", async () => {
      const body = licence();
      const headers = { "idempotency-key": `k-${Date.now()}` };
      type Issued = { id: string; holder: { url: string } | null };
      const first = await call<Issued>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body,
        headers,
      });
      const again = await call<Issued>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body,
        headers,
      });
      expect(first.status).to.equal(202);
      expect(again.status).to.equal(202);
      expect(again.body.id).to.equal(first.body.id);
      expect(again.headers.get("idempotent-replayed")).to.equal("true");
      // the replay shows no holder link (its secret was never stored) and leaves the first one working
      expect(again.body.holder).to.equal(null);
      const secret = new URL(first.body.holder!.url).hash.slice(1);
      const holderView = await call(h.url, "GET", `/api/v1/holder/${first.body.id}`, {
        headers: { authorization: `Holder ${secret}` },
      });
      expect(holderView.status).to.equal(200);
      const other = await call<{ error: { code: string } }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body: licence(),
        headers,
      });
      expect(other.status).to.equal(422);
      expect(other.body.error.code).to.equal("IDEMPOTENCY_KEY_REUSED");
      const sameKeyOtherOfficer = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[1].issuerKey,
        body,
        headers,
      });
      expect(sameKeyOtherOfficer.status).to.equal(202);
      expect(sameKeyOtherOfficer.body.id).to.not.equal(first.body.id);
    });
  });

  describe("POST /api/v1/certificates/batch", () => {
    it("issues many at once", async () => {
      const items = Array.from({ length: 25 }, () => licence());
      const r = await call<{ count: number; items: { id: string }[] }>(h.url, "POST", "/api/v1/certificates/batch", {
        key: h.agencies[0].issuerKey,
        body: { items },
      });
      expect(r.status).to.equal(202);
      expect(r.body.count).to.equal(25);
      expect(new Set(r.body.items.map((i) => i.id)).size).to.equal(25);
    });

    it("issues none when some items are invalid, and names each bad item by index", async () => {
      const items = Array.from({ length: 5 }, () => licence());
      const bad = { ...items[1]!, subject: { ...items[1]!.subject, uscc: "nope" } };
      const worse = { ...items[3]!, validFrom: "yesterday" };
      const r = await call<{ error: { code: string; details: { index: number }[] } }>(
        h.url,
        "POST",
        "/api/v1/certificates/batch",
        {
          key: h.agencies[0].issuerKey,
          body: { items: [items[0], bad, items[2], worse, items[4]] },
        },
      );
      expect(r.status).to.equal(422);
      expect(r.body.error.details.map((d) => d.index)).to.deep.equal([1, 3]);
    });

    it("refuses an empty batch and more than 10,000 items", async () => {
      const empty = await call(h.url, "POST", "/api/v1/certificates/batch", {
        key: h.agencies[0].issuerKey,
        body: { items: [] },
      });
      expect(empty.status).to.equal(400);
      const one = licence();
      const tooMany = await call(h.url, "POST", "/api/v1/certificates/batch", {
        key: h.agencies[0].issuerKey,
        body: { items: Array.from({ length: 10_001 }, () => one) },
      });
      expect(tooMany.status).to.equal(400);
    });
  });

  describe("reading, documents and QR codes", () => {
    let id: string;
    let verifyUrl: string;
    before(async () => {
      const r = await call<{ id: string; verifyUrl: string }>(h.url, "POST", "/api/v1/certificates", {
        key: h.agencies[0].issuerKey,
        body: licence(),
      });
      id = r.body.id;
      verifyUrl = r.body.verifyUrl;
    });

    it("shows a pending certificate to its agency's officer and to auditors, and 404 to another agency", async () => {
      const own = await call<{ state: string; anchor: unknown }>(h.url, "GET", `/api/v1/certificates/${id}`, {
        key: h.agencies[0].issuerKey,
      });
      expect(own.status).to.equal(200);
      expect(own.body.state).to.equal("pending");
      expect(own.body.anchor).to.equal(null);
      expect((await call(h.url, "GET", `/api/v1/certificates/${id}`, { key: h.auditorKey })).status).to.equal(200);
      const other = await call<{ error: { code: string } }>(h.url, "GET", `/api/v1/certificates/${id}`, {
        key: h.agencies[1].issuerKey,
      });
      expect(other.status).to.equal(404);
      expect(other.body.error.code).to.equal("NOT_FOUND");
      expect(
        (await call(h.url, "GET", `/api/v1/certificates/${id}/document`, { key: h.agencies[1].issuerKey })).status,
      ).to.equal(404);
    });

    it("has no portable document until anchored (409), then one with the full proof", async () => {
      const pending = await call<{ error: { code: string } }>(h.url, "GET", `/api/v1/certificates/${id}/document`, {
        key: h.agencies[0].issuerKey,
      });
      expect(pending.status).to.equal(409);
      expect(pending.body.error.code).to.equal("CERTIFICATE_PENDING");
      await h.flush();
      const doc = await call<{ proof: Record<string, unknown> }>(h.url, "GET", `/api/v1/certificates/${id}/document`, {
        key: h.agencies[0].issuerKey,
      });
      expect(doc.status).to.equal(200);
      expect(doc.body.proof.chainId).to.equal(h.chainId);
      expect(doc.body.proof.ledger).to.equal(h.ledger);
      expect(doc.body.proof.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const record = await call<{ state: string; anchor: { root: string; blockNumber: number } }>(
        h.url,
        "GET",
        `/api/v1/certificates/${id}`,
        {
          key: h.agencies[0].issuerKey,
        },
      );
      expect(record.body.state).to.equal("anchored");
      expect(record.body.anchor.root).to.equal(doc.body.proof.root);
      expect(record.body.anchor.blockNumber).to.be.a("number");
    });

    it("serves a QR PNG that an independent decoder reads as the verification URL", async () => {
      const response = await fetch(`${h.url}/api/v1/certificates/${id}/qr.png`, {
        headers: { authorization: `Bearer ${h.agencies[0].issuerKey}` },
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.equal("image/png");
      expect(decodeQrPng(Buffer.from(await response.arrayBuffer()))?.text).to.equal(verifyUrl);
    });

    it("serves the QR code as SVG too", async () => {
      const response = await fetch(`${h.url}/api/v1/certificates/${id}/qr.svg`, {
        headers: { authorization: `Bearer ${h.auditorKey}` },
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get("content-type")).to.match(/^image\/svg\+xml/);
      expect(await response.text()).to.match(/^<svg[\s\S]*<path/);
    });

    it("lists an agency's certificates, page by page, and filters by state", async () => {
      const first = await call<{ items: { id: string; agencyId: number }[]; next: string | null }>(
        h.url,
        "GET",
        "/api/v1/certificates?limit=2",
        {
          key: h.agencies[0].issuerKey,
        },
      );
      expect(first.status).to.equal(200);
      expect(first.body.items).to.have.length(2);
      expect(first.body.items.every((i) => i.agencyId === 1)).to.equal(true);
      expect(first.body.next).to.equal(first.body.items[1]?.id);
      const second = await call<{ items: { id: string }[] }>(
        h.url,
        "GET",
        `/api/v1/certificates?limit=2&after=${first.body.next ?? ""}`,
        {
          key: h.agencies[0].issuerKey,
        },
      );
      expect((second.body.items[0]?.id ?? "") > (first.body.next ?? "")).to.equal(true);
      const anchored = await call<{ items: { state: string }[] }>(
        h.url,
        "GET",
        "/api/v1/certificates?state=anchored&limit=500",
        { key: h.auditorKey },
      );
      expect(anchored.body.items.length).to.be.greaterThan(0);
      expect(anchored.body.items.every((i) => i.state === "anchored")).to.equal(true);
      const otherAgency = await call<{ items: unknown[] }>(h.url, "GET", "/api/v1/certificates?agencyId=1", {
        key: h.agencies[1].issuerKey,
      });
      expect(otherAgency.body.items).to.deep.equal([]);
    });
  });
});
