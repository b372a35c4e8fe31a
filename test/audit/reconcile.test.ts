import { expect } from "chai";
import type { Wallet } from "ethers";
import type { ReconcileReport } from "../../server/audit/reconcile.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { anchorRandomRoot, issuePermits, outsideOfficer, PERMIT_TYPE_ID } from "./helpers.ts";

describe("Audit: reconciliation of the database with the chain", function () {
  this.timeout(120_000);
  let h: Harness;
  let ids: string[];
  const reconcile = async () => {
    const r = await call<ReconcileReport>(h.url, "GET", "/api/v1/audit/reconcile", { key: h.auditorKey });
    expect(r.status).to.equal(200);
    return r.body;
  };
  const row = (id: string) =>
    h.sql(
      `SELECT d.document, c.status, c.status_reason, c.leaf FROM certificates c
       JOIN certificate_documents d ON d.id = c.document_id WHERE c.id = ?`,
      id,
    )[0] ?? {};
  /** SQLite keeps documents apart from the certificates' rows: the one of certificate `?` */
  const DOCUMENT_OF = "WHERE id = (SELECT document_id FROM certificates WHERE id = ?)";

  before(async () => {
    h = await startHarness({ storeOnDisk: true });
    ids = [
      ...(await issuePermits(h, h.agencies[0].issuerKey, 1, 4)),
      ...(await issuePermits(h, h.agencies[1].issuerKey, 10, 4)),
    ];
    await h.flush();
    await issuePermits(h, h.agencies[1].issuerKey, 20, 2);
    await h.flush();
    const revoke = await call(h.url, "POST", `/api/v1/certificates/${ids[5] ?? ""}/revoke`, {
      key: h.agencies[1].issuerKey,
      body: { reason: "cessationOfOperation" },
    });
    expect(revoke.status).to.equal(200);
    const suspend = await call(h.url, "POST", `/api/v1/certificates/${ids[1] ?? ""}/suspend`, {
      key: h.agencies[0].issuerKey,
      body: {},
    });
    expect(suspend.status).to.equal(200);
  });
  after(async () => {
    await h.close();
  });

  it("finds nothing when the database tells the chain's story", async () => {
    const report = await reconcile();
    expect(report.findings).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.checked).to.deep.equal({ batches: 3, certificates: 10, chainRoots: 3 });
    expect(report.indexedThrough).to.equal(await h.provider.getBlockNumber());
  });

  it("reports exactly the certificate whose stored document was edited", async () => {
    const id = ids[6] ?? "";
    const original = row(id).document;
    h.sql(
      `UPDATE certificate_documents SET document = json_set(document, '$.subject.operatorName', '冒名顶替') ${DOCUMENT_OF}`,
      id,
    );
    try {
      const report = await reconcile();
      expect(report.ok).to.equal(false);
      expect(report.findings).to.have.length(1);
      expect(report.findings[0]).to.include({ severity: "high", code: "DOCUMENT_MISMATCH", certificateId: id });
    } finally {
      h.sql(`UPDATE certificate_documents SET document = ? ${DOCUMENT_OF}`, original ?? null, id);
    }
    expect((await reconcile()).ok).to.equal(true);
  });

  it("reports exactly the certificate whose status was edited, both ways", async () => {
    const active = ids[2] ?? "";
    const revoked = ids[5] ?? "";
    h.sql("UPDATE certificates SET status = 'revoked', status_reason = 'keyCompromise' WHERE id = ?", active);
    h.sql("UPDATE certificates SET status = 'active', status_reason = NULL WHERE id = ?", revoked);
    try {
      const report = await reconcile();
      expect(report.findings.map((f) => [f.code, f.certificateId])).to.have.deep.members([
        ["STATUS_MISMATCH", active],
        ["STATUS_MISMATCH", revoked],
      ]);
      expect(report.findings.find((f) => f.certificateId === active)?.detail).to.equal(
        "the database says revoked (keyCompromise), the chain says active",
      );
      expect(report.findings.find((f) => f.certificateId === revoked)?.detail).to.equal(
        "the database says active, the chain says revoked (cessationOfOperation)",
      );
    } finally {
      h.sql("UPDATE certificates SET status = 'active', status_reason = NULL WHERE id = ?", active);
      h.sql("UPDATE certificates SET status = 'revoked', status_reason = 'cessationOfOperation' WHERE id = ?", revoked);
    }
    expect((await reconcile()).ok).to.equal(true);
  });

  it("reports a changed leaf as a batch that no longer rebuilds, pointing at its certificate", async () => {
    const id = ids[0] ?? "";
    const leaf = row(id).leaf;
    h.sql(`UPDATE certificates SET leaf = '0x${"ab".repeat(32)}' WHERE id = ?`, id);
    try {
      const report = await reconcile();
      const codes = report.findings.map((f) => `${f.code} ${f.certificateId ?? f.root ?? ""}`);
      expect(
        report.findings.filter((f) => f.certificateId !== undefined).every((f) => f.certificateId === id),
      ).to.equal(true);
      expect(codes).to.include(`NOT_PROVEN ${id}`);
      expect(codes).to.include(`DOCUMENT_MISMATCH ${id}`);
      expect(report.findings.map((f) => f.code)).to.include("BATCH_ROOT_MISMATCH");
    } finally {
      h.sql("UPDATE certificates SET leaf = ? WHERE id = ?", leaf ?? null, id);
    }
  });

  it("reports a root anchored on chain by an officer key outside the service as UNKNOWN_ROOT, first", async () => {
    const officer: Wallet = await outsideOfficer(h, 1, 6);
    const root = await anchorRandomRoot(h, officer, PERMIT_TYPE_ID, 7);
    const report = await reconcile();
    expect(report.ok).to.equal(false);
    expect(report.findings).to.have.length(1);
    expect(report.findings[0]).to.include({ severity: "critical", code: "UNKNOWN_ROOT", root });
    expect(report.findings[0]?.detail).to.include(officer.address).and.include("agency 2");
    expect(report.checked.chainRoots).to.equal(4);
  });

  it("is for auditor keys only", async () => {
    const r = await call<{ error: { code: string } }>(h.url, "GET", "/api/v1/audit/reconcile", {
      key: h.agencies[0].issuerKey,
    });
    expect(r.status).to.equal(403);
    expect(r.body.error.code).to.equal("FORBIDDEN");
  });
});
