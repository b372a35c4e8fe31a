import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { call } from "../../scripts/support/http.ts";
import { startServiceProcess, waitFor } from "../../scripts/support/serviceProcess.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { serviceOnTemporaryData } from "./support/service.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The real `npm start` path in a temporary DATA_DIR, killed hard while certificates are pending. */
describe("e2e: npm start survives SIGKILL with certificates pending", function () {
  this.timeout(240_000);
  const suite = serviceOnTemporaryData();

  it("loses nothing, anchors everything exactly once, and every certificate verifies after the restart", async () => {
    // Batches of 40, flushed by age only after a minute: the first 80 anchor at once, the rest wait.
    suite.service = await startServiceProcess({ ...suite.env, BATCH_SIZE: "40", BATCH_MAX_AGE_MS: "60000" }, ROOT);
    const { apiKey } = JSON.parse(await readFile(join(suite.dataDir, "dev-credentials.json"), "utf8")) as {
      apiKey: string;
    };
    const acknowledged: { id: string; verifyUrl: string }[] = [];
    for (let round = 0; round < 5; round++) {
      const items = Array.from({ length: 21 }, (_, i) => licenceRequest(round * 100 + i));
      const r = await call<{ items: { id: string; verifyUrl: string }[] }>(
        suite.service.url,
        "POST",
        "/api/v1/certificates/batch",
        {
          key: apiKey,
          body: { items },
        },
      );
      expect(r.status).to.equal(202);
      acknowledged.push(...r.body.items);
    }
    const single = await call<{ id: string; verifyUrl: string }>(suite.service.url, "POST", "/api/v1/certificates", {
      key: apiKey,
      body: licenceRequest(999),
    });
    acknowledged.push(single.body);
    const before = await call<{ items: { state: string }[] }>(
      suite.service.url,
      "GET",
      "/api/v1/certificates?limit=500",
      {
        key: apiKey,
      },
    );
    expect(
      before.body.items.some((i) => i.state === "pending"),
      "some certificates are still pending at the crash",
    ).to.equal(true);

    await suite.service.kill();
    suite.service = await startServiceProcess({ ...suite.env, BATCH_SIZE: "40", BATCH_MAX_AGE_MS: "200" }, ROOT);

    const records = await waitFor(
      "every certificate to be anchored",
      async () => {
        const r = await call<{ items: { id: string; state: string; leafHash: string }[] }>(
          suite.service!.url,
          "GET",
          "/api/v1/certificates?limit=500",
          { key: apiKey },
        );
        return r.body.items.length === acknowledged.length && r.body.items.every((i) => i.state === "anchored")
          ? r.body.items
          : undefined;
      },
      60_000,
      250,
    );
    expect(records.map((r) => r.id).sort()).to.deep.equal(acknowledged.map((a) => a.id).sort());

    for (const { verifyUrl } of acknowledged) {
      const url = new URL(verifyUrl);
      const v = await call<{ status: string }>(suite.service.url, "GET", url.pathname + url.search);
      expect(v.body.status, verifyUrl).to.equal("VALID");
    }

    const deployment = JSON.parse(await readFile(join(suite.dataDir, "deployment.json"), "utf8")) as { ledger: string };
    const provider = new JsonRpcProvider(`http://127.0.0.1:${suite.env.LOCAL_CHAIN_PORT}`, undefined, {
      staticNetwork: true,
    });
    try {
      const ledger = ICertificateLedger__factory.connect(deployment.ledger, provider);
      const anchors = await ledger.queryFilter(ledger.filters.BatchAnchored(), 0);
      const roots = anchors.map((e) => e.args.root);
      expect(new Set(roots).size, "no root anchored twice").to.equal(roots.length);
      const total = anchors.reduce((sum, e) => sum + Number(e.args.size), 0);
      expect(total, "every certificate in exactly one anchored batch").to.equal(acknowledged.length);
    } finally {
      provider.destroy();
    }
  });
});
