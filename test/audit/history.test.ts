import { expect } from "chai";
import type { CertificateHistory } from "../../server/audit/history.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { apiKeyId, issuePermits, permit } from "./helpers.ts";

describe("Audit: certificate history from chain events", function () {
  this.timeout(120_000);
  let h: Harness;
  let id: string;
  const officer = () => h.agencies[1].issuerKey;

  before(async () => {
    h = await startHarness();
    [id] = (await issuePermits(h, officer(), 1, 3)) as [string];
    await h.flush();
    const change = async (kind: string, body: object) => {
      const r = await call(h.url, "POST", `/api/v1/certificates/${id}/${kind}`, { key: officer(), body });
      expect(r.status, JSON.stringify(r.body)).to.equal(200);
    };
    await change("suspend", { note: "inspection pending" });
    await change("reinstate", {});
    await change("revoke", { reason: "privilegeWithdrawn" });
    await h.runtime.audit.indexer.syncOnce();
  });
  after(async () => {
    await h.close();
  });

  it("lists issue, suspend, reinstate and revoke in chain order, with actors, agency and reasons", async () => {
    const r = await call<CertificateHistory>(h.url, "GET", `/api/v1/audit/certificates/${id}/history`, {
      key: officer(),
    });
    expect(r.status).to.equal(200);
    const entries = r.body.entries;
    expect(entries.map((e) => e.event)).to.deep.equal(["anchored", "suspended", "reinstated", "revoked"]);
    expect(entries.map((e) => e.reason)).to.deep.equal([null, "certificateHold", null, "privilegeWithdrawn"]);
    expect(entries.map((e) => e.reasonCode)).to.deep.equal([null, 6, null, 9]);
    for (const e of entries) {
      expect(e.actor).to.equal(h.agencies[1].officer.address);
      expect(e.agencyId).to.equal(h.agencies[1].agencyId);
      expect(e.requestedBy).to.equal(apiKeyId(officer()));
      expect(e.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(Date.parse(e.time ?? "")).to.be.greaterThan(0);
    }
    const blocks = entries.map((e) => e.blockNumber ?? 0);
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
    expect(new Set(entries.map((e) => e.txHash)).size).to.equal(4);
    // the chain agrees with what the service recorded for each change
    const ops = await h.store.statusHistory(id);
    expect(entries.slice(1).map((e) => e.txHash)).to.deep.equal(ops.map((op) => op.txHash));
  });

  it("adds the anchoring of a successor as `supersededBy`", async () => {
    const original = (
      await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", { key: officer(), body: permit(20) })
    ).body.id;
    const renewal = (
      await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
        key: officer(),
        body: { ...permit(21), supersedes: original },
      })
    ).body.id;
    await h.flush();
    await h.runtime.audit.indexer.syncOnce();
    const r = await call<CertificateHistory>(h.url, "GET", `/api/v1/audit/certificates/${original}/history`, {
      key: h.auditorKey,
    });
    expect(r.body.entries.map((e) => e.event)).to.deep.equal(["anchored", "supersededBy"]);
    expect(r.body.entries[1]?.successorId).to.equal(renewal);
    expect(r.body.entries[1]?.txHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("shows a certificate to the auditor and to its own agency's officers only (404 otherwise)", async () => {
    const path = `/api/v1/audit/certificates/${id}/history`;
    expect((await call(h.url, "GET", path, { key: h.auditorKey })).status).to.equal(200);
    const stranger = await call<{ error: { code: string } }>(h.url, "GET", path, { key: h.agencies[0].issuerKey });
    expect(stranger.status).to.equal(404);
    expect(stranger.body.error.code).to.equal("NOT_FOUND");
    expect((await call(h.url, "GET", path)).status).to.equal(401);
    expect(
      (await call(h.url, "GET", "/api/v1/audit/certificates/not-an-id/history", { key: h.auditorKey })).status,
    ).to.equal(404);
  });
});
