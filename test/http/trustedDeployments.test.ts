import { expect } from "chai";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import type { TrustedDeployment } from "../../server/core/trust/deployments.ts";
import type { VerificationResult } from "../../server/core/verification/result.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";
import { byAgency, deployOnChain, devKey, issue, type AnchoredBatch } from "../verification/support/onChain.ts";

const TIANJIN = { agencyId: 1, name: "天津市市场监督管理委员会", jurisdiction: "120000" };

/** Another region's deployment on the service's chain, with one anchored business licence. */
async function otherRegion(h: Harness): Promise<{ deployment: TrustedDeployment; batch: AnchoredBatch }> {
  const chain = await deployOnChain(
    h.provider,
    { governance: devKey(10), admin: devKey(11), officers: [devKey(12)] },
    builtinTypes(),
    TIANJIN,
  );
  const batch = await issue(chain, [byAgency(sampleInputs(61)["business-licence"]!, TIANJIN)]);
  return {
    deployment: {
      chainId: chain.chainId,
      ledger: chain.ledger,
      registry: chain.registry,
      name: { zh: "天津市证照服务", en: "Tianjin certificates" },
      origins: ["https://cert.tianjin.example"],
    },
    batch,
  };
}

describe("service: its own deployment and its trust list's are trusted, nothing else", function () {
  this.timeout(120_000);
  let untrusting: Harness | undefined;
  let trusting: Harness | undefined;

  after(async () => {
    await untrusting?.close();
    await trusting?.close();
  });

  it("answers UNTRUSTED_LEDGER, naming the ledger, for another deployment's certificate when no list names it", async () => {
    untrusting = await startHarness();
    const { deployment, batch } = await otherRegion(untrusting);
    const reply = await call<VerificationResult>(untrusting.url, "POST", "/api/v1/verify", {
      body: batch.documents[0],
    });
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include({ valid: false, status: "UNTRUSTED_LEDGER" });
    expect(reply.body.checks.at(-1)).to.include({ name: "network", passed: false });
    expect(reply.body.checks.at(-1)?.detail).to.include(
      `ledger ${deployment.ledger} on chain ${deployment.chainId}, which this verifier does not recognise`,
    );
  });

  it("verifies it against that deployment's own ledger once the trust list names it, and still refuses look-alikes", async () => {
    const probe = await startHarness();
    const expected = await otherRegion(probe);
    await probe.close();
    trusting = await startHarness({ trustedDeployments: [expected.deployment] });
    const { deployment, batch } = await otherRegion(trusting);
    expect(deployment.ledger, "the same keys deploy to the same address on a fresh chain").to.equal(
      expected.deployment.ledger,
    );

    const trusted = await call<VerificationResult>(trusting.url, "POST", "/api/v1/verify", {
      body: batch.documents[0],
    });
    expect(trusted.body.status, JSON.stringify(trusted.body.checks)).to.equal("VALID");
    expect(trusted.body.anchor).to.include({
      ledger: deployment.ledger,
      agencyId: TIANJIN.agencyId,
      jurisdiction: TIANJIN.jurisdiction,
    });

    const lookalike = await deployOnChain(
      trusting.provider,
      { governance: devKey(13), admin: devKey(14), officers: [devKey(15)] },
      builtinTypes(),
      TIANJIN,
    );
    const forged = await issue(lookalike, [byAgency(sampleInputs(62)["business-licence"]!, TIANJIN)]);
    const refused = await call<VerificationResult>(trusting.url, "POST", "/api/v1/verify", {
      body: forged.documents[0],
    });
    expect(refused.body.status).to.equal("UNTRUSTED_LEDGER");
  });
});
