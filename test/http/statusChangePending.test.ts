// A status change the chain cannot confirm now (here: nothing is mined) is recorded and answered
// 202, never a 5xx that would invite a second request; a second change meanwhile is refused; the
// outbox writes the recorded one once blocks come again. Recovery, re-applying statuses the chain
// lost, leaves a certificate with a change still unfinished to that change.
import { expect } from "chai";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

describe("HTTP: a status change the chain cannot confirm yet", function () {
  this.timeout(60_000);
  let h: Harness;
  let id: string;
  let verifyPath: string;
  const rpc = (method: string, params: unknown[] = []): Promise<unknown> =>
    (h.provider as unknown as { send(method: string, params: unknown[]): Promise<unknown> }).send(method, params);
  const officer = () => h.agencies[0].issuerKey;

  before(async () => {
    h = await startHarness();
    const issued = await call<{ id: string; verifyUrl: string }>(h.url, "POST", "/api/v1/certificates", {
      key: officer(),
      body: licenceRequest(3),
    });
    id = issued.body.id;
    const link = new URL(issued.body.verifyUrl);
    verifyPath = link.pathname + link.search;
    await h.flush();
  });
  after(async () => {
    await rpc("evm_setAutomine", [true]).catch(() => undefined);
    await h.close();
  });

  it("answers 202 with the recorded operation, refuses another change meanwhile, and applies it once mined", async () => {
    await rpc("evm_setAutomine", [false]);
    const revoke = await call<{ status: string; pending?: { operation: number; action: string }; message: string }>(
      h.url,
      "POST",
      `/api/v1/certificates/${id}/revoke`,
      { key: officer(), body: { reason: "keyCompromise" } },
    );
    expect(revoke.status).to.equal(202);
    expect(revoke.body.status, "unchanged until the chain confirms").to.equal("active");
    expect(revoke.body.pending?.action).to.equal("revoke");
    expect(revoke.body.message).to.include("recorded");

    const suspend = await call<{ error: { code: string } }>(h.url, "POST", `/api/v1/certificates/${id}/suspend`, {
      key: officer(),
      body: {},
    });
    expect(suspend.status).to.equal(409);
    expect(suspend.body.error.code).to.equal("STATUS_CHANGE_PENDING");

    await rpc("evm_mine");
    await rpc("evm_setAutomine", [true]);
    await h.runtime.statuses.resumeOwned();
    expect((await h.store.getCertificate(id))?.status).to.equal("revoked");
    const ops = await h.store.listStatusOps(["pending", "sent", "failed"]);
    expect(
      ops.filter((op) => op.certificateId === id),
      "one operation, done",
    ).to.have.length(0);
    expect((await call<{ status: string }>(h.url, "GET", verifyPath)).body.status).to.equal("REVOKED");
  });

  it("on recovery, leaves a certificate with an unfinished change to that change, and re-applies the others' lost statuses", async () => {
    const officer = h.agencies[0];
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const issued = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
        key: officer.issuerKey,
        body: licenceRequest(n),
      });
      ids.push(issued.body.id);
    }
    await h.flush();
    const [busy, lost] = ids as [string, string];
    const change = { reason: null, note: null, signer: officer.officer.address, requestedBy: "k" };
    // recorded suspended, never sent: what the service sees after the chain lost a suspension
    for (const id of ids) {
      const op = await h.store.createStatusOp({
        ...change,
        certificateId: id,
        kind: "suspend",
        createdAt: new Date().toISOString(),
      });
      await h.store.completeStatusOp(op.id, {
        txHash: "0x00",
        blockNumber: 0,
        doneAt: new Date().toISOString(),
        status: "suspended",
        statusReason: "certificateHold",
      });
    }
    const unfinished = await h.store.createStatusOp({
      ...change,
      certificateId: busy,
      kind: "revoke",
      createdAt: new Date().toISOString(),
    });

    expect(await h.runtime.statuses.reapplyLostStatuses()).to.equal(1);
    expect(await h.store.unfinishedStatusOp(busy)).to.deep.include({ id: unfinished.id, state: "pending" });
    expect((await h.store.statusHistory(busy)).map((op) => op.kind)).to.deep.equal(["suspend"]);
    expect((await h.store.statusHistory(lost)).map((op) => op.requestedBy)).to.deep.equal(["k", "recovery"]);
  });
});
