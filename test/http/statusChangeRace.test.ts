// Two status changes of one certificate arriving at the same moment: the store, not a check made
// before the insert, lets only one of them be recorded, so only one transaction reaches the chain.
// On PostgreSQL, where each store call is real I/O, the requests interleave between a check and an
// insert (with SQLite in one process they happen not to); several certificates are contested at
// once so that they do on nearly every run.
import { expect } from "chai";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startPgCluster, type PgCluster } from "../../scripts/support/postgres.ts";
import { requirePostgres } from "../support/postgres.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

const CONTESTED = 8;

describe("HTTP: two status changes of one certificate at once", function () {
  this.timeout(60_000);
  let cluster: PgCluster;
  let h: Harness;

  before(async function () {
    cluster = await startPgCluster(requirePostgres(this));
    h = await startHarness({ databaseUrl: await cluster.createDatabase("status_race") });
  });
  after(async () => {
    await (h as Harness | undefined)?.close();
    await (cluster as PgCluster | undefined)?.stop();
  });

  it("accepts exactly one of each pair, answers the other 409 STATUS_CHANGE_PENDING, and sends one transaction", async () => {
    const officer = h.agencies[0].issuerKey;
    const ids: string[] = [];
    for (let n = 0; n < CONTESTED; n++) {
      const issued = await call<{ id: string }>(h.url, "POST", "/api/v1/certificates", {
        key: officer,
        body: licenceRequest(n),
      });
      ids.push(issued.body.id);
    }
    await h.flush();

    const change = (id: string, kind: "revoke" | "suspend") =>
      call<{ error?: { code: string } }>(h.url, "POST", `/api/v1/certificates/${id}/${kind}`, {
        key: officer,
        body: kind === "revoke" ? { reason: "keyCompromise" } : {},
      });
    const pairs = await Promise.all(ids.map((id) => Promise.all([change(id, "revoke"), change(id, "suspend")])));

    const ledger = ICertificateLedger__factory.connect(h.ledger, h.provider);
    const ops = await h.store.listStatusOps(["pending", "sent", "done", "failed"]);
    for (const [i, id] of ids.entries()) {
      const answers = pairs[i] ?? [];
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses, `answers for certificate ${i}`).to.have.length(2);
      expect([200, 202], `accepted for certificate ${i}`).to.include(statuses[0]);
      expect(statuses[1], `refused for certificate ${i}`).to.equal(409);
      expect(answers.find((a) => a.status === 409)?.body.error?.code).to.equal("STATUS_CHANGE_PENDING");
      expect(
        ops.filter((op) => op.certificateId === id),
        `operations recorded for certificate ${i}`,
      ).to.have.length(1);
      const leaf = (await h.store.getCertificate(id))?.leaf;
      const onChain = [
        ...(await ledger.queryFilter(ledger.filters.CertificateRevoked(leaf))),
        ...(await ledger.queryFilter(ledger.filters.CertificateSuspended(leaf))),
      ];
      expect(onChain, `status changes on chain for certificate ${i}`).to.have.length(1);
    }
  });
});
