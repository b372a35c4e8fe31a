import { expect } from "chai";
import type { EventView } from "../../server/audit/exportFormat.ts";
import { rebuildAgencyHistory } from "../../server/audit/rebuild.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { anchorRandomRoot, issuePermits, outsideOfficer, PERMIT_TYPE_ID } from "./helpers.ts";

describe("Audit: an agency's history rebuilt from the chain alone", function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    h = await startHarness();
    const ids = await issuePermits(h, h.agencies[0].issuerKey, 1, 3);
    await h.flush();
    await call(h.url, "POST", `/api/v1/certificates/${ids[0] ?? ""}/revoke`, {
      key: h.agencies[0].issuerKey,
      body: { reason: "affiliationChanged" },
    });
    await anchorRandomRoot(h, await outsideOfficer(h, 0, 7), PERMIT_TYPE_ID);
    await h.runtime.audit.indexer.syncOnce();
  });
  after(async () => {
    await h.close();
  });

  it("prints, as NDJSON, exactly the events the service's index holds for the agency", async () => {
    const lines: string[] = [];
    const types = builtinTypes();
    const result = await rebuildAgencyHistory(
      {
        provider: h.provider,
        deployment: { chainId: h.chainId, ledger: h.ledger, registry: h.registry, deploymentBlock: 0 },
        typeName: (id) => types.byTypeId(id)?.name,
      },
      1,
      (line) => {
        lines.push(line);
      },
      { blockRange: 5 },
    );
    const rebuilt = lines.map((l) => JSON.parse(l) as EventView);
    expect(result.events).to.equal(rebuilt.length);
    const served = await call<{ items: EventView[] }>(h.url, "GET", "/api/v1/audit/agencies/1/events?limit=1000", {
      key: h.auditorKey,
    });
    expect(rebuilt).to.deep.equal(served.body.items);
    expect(rebuilt.map((e) => e.kind)).to.deep.equal([
      "AgencyRegistered",
      "OfficerAdded",
      "BatchAnchored",
      "CertificateRevoked",
      "OfficerAdded",
      "BatchAnchored",
    ]);
    expect(rebuilt.find((e) => e.kind === "CertificateRevoked")).to.include({
      agencyId: 1,
      reason: "affiliationChanged",
      actor: h.agencies[0].officer.address,
    });
  });

  it("resolves a status change's agency from the ledger when the scan starts after the anchoring", async () => {
    const revoked = (
      await call<{ items: EventView[] }>(h.url, "GET", "/api/v1/audit/agencies/1/events?kind=CertificateRevoked", {
        key: h.auditorKey,
      })
    ).body.items[0];
    const lines: string[] = [];
    await rebuildAgencyHistory(
      {
        provider: h.provider,
        deployment: {
          chainId: h.chainId,
          ledger: h.ledger,
          registry: h.registry,
          deploymentBlock: revoked?.blockNumber ?? 0,
        },
        typeName: () => undefined,
      },
      1,
      (line) => {
        lines.push(line);
      },
    );
    expect((JSON.parse(lines[0] ?? "{}") as EventView).txHash).to.equal(revoked?.txHash);
  });
});
