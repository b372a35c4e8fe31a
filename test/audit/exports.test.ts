import { expect } from "chai";
import { parse } from "csv-parse/sync";
import type { AgencySummary } from "../../server/audit/summary.ts";
import type { EventView } from "../../server/audit/exportFormat.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { issuePermits, PERMIT_TYPE_ID } from "./helpers.ts";

interface Page {
  items: EventView[];
  next: string | null;
  indexedThrough: number;
}

describe("Audit: agency events, exports and figures", function () {
  this.timeout(120_000);
  let h: Harness;
  let tianjin: string[];
  const events = (agencyId: number, query = "") => `/api/v1/audit/agencies/${agencyId}/events${query}`;

  before(async () => {
    h = await startHarness();
    await issuePermits(h, h.agencies[0].issuerKey, 1, 2);
    await h.flush();
    tianjin = await issuePermits(h, h.agencies[1].issuerKey, 10, 5);
    await h.flush();
    await issuePermits(h, h.agencies[1].issuerKey, 20, 3);
    await h.flush();
    for (const [i, reason] of [
      [0, "keyCompromise"],
      [1, "keyCompromise"],
      [2, "superseded"],
    ] as const) {
      const r = await call(h.url, "POST", `/api/v1/certificates/${tianjin[i] ?? ""}/revoke`, {
        key: h.agencies[1].issuerKey,
        body: { reason },
      });
      expect(r.status).to.equal(200);
    }
    await call(h.url, "POST", `/api/v1/certificates/${tianjin[3] ?? ""}/suspend`, {
      key: h.agencies[1].issuerKey,
      body: {},
    });
    await h.runtime.audit.indexer.syncOnce();
  });
  after(async () => {
    await h.close();
  });

  it("pages an agency's events in chain order with a `next` cursor, filtered by kind", async () => {
    const all = await call<Page>(h.url, "GET", events(2, "?limit=1000"), { key: h.auditorKey });
    expect(all.status).to.equal(200);
    const kinds = all.body.items.map((e) => e.kind);
    expect(kinds).to.deep.equal([
      "AgencyRegistered",
      "OfficerAdded",
      "BatchAnchored",
      "BatchAnchored",
      "CertificateRevoked",
      "CertificateRevoked",
      "CertificateRevoked",
      "CertificateSuspended",
    ]);
    expect(all.body.items.every((e) => e.agencyId === 2)).to.equal(true);

    const seen: EventView[] = [];
    let next: string | null = "";
    while (next !== null) {
      const page: { body: Page } = await call<Page>(
        h.url,
        "GET",
        events(2, `?limit=3${next ? `&after=${next}` : ""}`),
        { key: h.auditorKey },
      );
      seen.push(...page.body.items);
      next = page.body.next;
    }
    expect(seen).to.deep.equal(all.body.items);

    const revoked = await call<Page>(h.url, "GET", events(2, "?kind=CertificateRevoked,BatchRevoked"), {
      key: h.auditorKey,
    });
    expect(revoked.body.items.map((e) => e.reason)).to.deep.equal(["keyCompromise", "keyCompromise", "superseded"]);
    const anchored = await call<Page>(h.url, "GET", events(2, "?kind=BatchAnchored"), { key: h.auditorKey });
    expect(anchored.body.items.map((e) => [e.size, e.type])).to.deep.equal([
      [5, "food-business-permit"],
      [3, "food-business-permit"],
    ]);
    const bad = await call<{ error: { code: string } }>(h.url, "GET", events(2, "?kind=Nothing"), {
      key: h.auditorKey,
    });
    expect(bad.status).to.equal(400);
  });

  it("filters by block time and block number", async () => {
    const all = (await call<Page>(h.url, "GET", events(2), { key: h.auditorKey })).body.items;
    const second = all.filter((e) => e.kind === "BatchAnchored")[1];
    const fromBlock = await call<Page>(h.url, "GET", events(2, `?fromBlock=${second?.blockNumber ?? 0}`), {
      key: h.auditorKey,
    });
    expect(fromBlock.body.items[0]).to.deep.equal(second);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      (await call<Page>(h.url, "GET", events(2, `?from=${encodeURIComponent(future)}`), { key: h.auditorKey })).body
        .items,
    ).to.have.length(0);
    const past = await call<Page>(h.url, "GET", events(2, `?to=${encodeURIComponent(future)}`), { key: h.auditorKey });
    expect(past.body.items).to.deep.equal(all);
  });

  it("streams the same rows as CSV and as NDJSON", async () => {
    const all = (await call<Page>(h.url, "GET", events(2, "?limit=1000"), { key: h.auditorKey })).body.items;
    const csv = await fetch(`${h.url}${events(2, "?format=csv")}`, {
      headers: { authorization: `Bearer ${h.auditorKey}` },
    });
    expect(csv.status).to.equal(200);
    expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).to.equal('attachment; filename="agency-2-events.csv"');
    const rows = parse<Record<string, string>>(await csv.text(), { columns: true });
    expect(rows).to.have.length(all.length);
    rows.forEach((row, i) => {
      const e = all[i];
      expect(row.kind).to.equal(e?.kind);
      expect(row.txHash).to.equal(e?.txHash);
      expect(Number(row.blockNumber)).to.equal(e?.blockNumber);
      expect(row.reason).to.equal(e?.reason ?? "");
      expect(row.details === "" ? null : JSON.parse(row.details ?? "")).to.deep.equal(e?.details);
    });

    const ndjson = await fetch(`${h.url}${events(2, "?format=ndjson&kind=CertificateRevoked")}`, {
      headers: { authorization: `Bearer ${h.auditorKey}` },
    });
    expect(ndjson.headers.get("content-type")).to.match(/^application\/x-ndjson/);
    const lines = (await ndjson.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as EventView);
    expect(lines).to.deep.equal(all.filter((e) => e.kind === "CertificateRevoked"));
  });

  it("gives an officer its own agency only (404 for another), and the auditor every agency", async () => {
    const own = await call<Page>(h.url, "GET", events(2), { key: h.agencies[1].issuerKey });
    expect(own.status).to.equal(200);
    for (const path of [events(1), events(1, "?format=csv"), "/api/v1/audit/agencies/1/summary"]) {
      const r = await call<{ error: { code: string } }>(h.url, "GET", path, { key: h.agencies[1].issuerKey });
      expect(r.status, path).to.equal(404);
      expect(r.body.error.code).to.equal("NOT_FOUND");
    }
    const beijing = await call<Page>(h.url, "GET", events(1), { key: h.auditorKey });
    expect(beijing.body.items.filter((e) => e.kind === "BatchAnchored").map((e) => e.size)).to.deep.equal([2]);
    expect((await call(h.url, "GET", events(2))).status).to.equal(401);
  });

  it("sums up an agency: issued per type and month, revocations by reason, batches and sizes", async () => {
    const r = await call<AgencySummary>(h.url, "GET", "/api/v1/audit/agencies/2/summary", {
      key: h.agencies[1].issuerKey,
    });
    expect(r.status).to.equal(200);
    const month = new Date().toISOString().slice(0, 7);
    expect(r.body.issued).to.deep.equal([
      { month, typeId: PERMIT_TYPE_ID, type: "food-business-permit", batches: 2, certificates: 8 },
    ]);
    expect(r.body.revocations.certificates).to.deep.equal([
      { reason: "keyCompromise", reasonCode: 1, count: 2 },
      { reason: "superseded", reasonCode: 4, count: 1 },
    ]);
    expect(r.body.revocations.batches).to.deep.equal([]);
    expect(r.body.suspensions).to.deep.equal([{ reason: "certificateHold", reasonCode: 6, count: 1 }]);
    expect(r.body.batches).to.deep.equal([
      {
        typeId: PERMIT_TYPE_ID,
        type: "food-business-permit",
        batches: 2,
        certificates: 8,
        minSize: 3,
        maxSize: 5,
        meanSize: 4,
      },
    ]);
  });
});
