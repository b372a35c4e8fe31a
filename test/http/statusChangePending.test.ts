// A status change the chain cannot confirm now (here: nothing is mined) is recorded and answered
// 202, never a 5xx that would invite a second request; a second change meanwhile is refused; the
// outbox writes the recorded one once blocks come again.
import { expect } from "chai";
import { sampleInputs } from "../core/support/samples.ts";
import { call } from "../support/http.ts";
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
    const { type, subject, validFrom } = sampleInputs(3)["business-licence"]!;
    const issued = await call<{ id: string; verifyUrl: string }>(h.url, "POST", "/api/v1/certificates", {
      key: officer(),
      body: { type, subject, validFrom },
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
});
