import { expect } from "chai";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

const utf8Hex = (value: string): string => Buffer.from(value, "utf8").toString("hex");

describe("privacy: no personal value in any transaction, event or log line", function () {
  this.timeout(60_000);
  const logLines: string[] = [];
  let h: Harness;
  before(async () => {
    h = await startHarness({ logLines });
  });
  after(async () => {
    await h.close();
  });

  it("issues, anchors, suspends and revokes without writing a subject value anywhere but the database", async () => {
    const inputs = sampleInputs(424242);
    const items = ["business-licence", "professional-qualification", "diploma"].map((name) => {
      const { type, subject, validFrom } = inputs[name]!;
      return { type, subject, validFrom };
    });
    const issued = await call<{ items: { id: string }[] }>(h.url, "POST", "/api/v1/certificates/batch", {
      key: h.agencies[0].issuerKey,
      body: { items },
    });
    expect(issued.status).to.equal(202);
    await h.flush();
    const [first, second] = issued.body.items;
    await call(h.url, "POST", `/api/v1/certificates/${first!.id}/suspend`, {
      key: h.agencies[0].issuerKey,
      body: { note: "张示例 asked" },
    });
    await call(h.url, "POST", `/api/v1/certificates/${second!.id}/revoke`, {
      key: h.agencies[0].issuerKey,
      body: { reason: "unspecified" },
    });

    const secrets = items.flatMap((item) => Object.values(item.subject).map(String)).filter((v) => v.length >= 4);
    secrets.push("张示例 asked");
    expect(secrets.length).to.be.greaterThan(15);

    const latest = await h.provider.getBlockNumber();
    let transactions = 0;
    for (let n = 0; n <= latest; n++) {
      const block = await h.provider.getBlock(n, true);
      for (const tx of block?.prefetchedTransactions ?? []) {
        transactions++;
        const receipt = await h.provider.getTransactionReceipt(tx.hash);
        const onChain = [tx.data, ...(receipt?.logs ?? []).flatMap((log) => [log.data, ...log.topics])]
          .join("")
          .toLowerCase();
        for (const secret of secrets)
          expect(onChain, `a transaction carries "${secret}"`).to.not.include(utf8Hex(secret));
      }
    }
    expect(transactions).to.be.greaterThan(5);
    const logs = logLines.join("\n");
    expect(logLines.length).to.be.greaterThan(3);
    for (const secret of secrets) expect(logs, `a log line carries "${secret}"`).to.not.include(secret);
  });
});
