import { expect } from "chai";
import { sampleInputs } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { waitFor } from "../chain/helpers.ts";
import { startHarness, type Harness } from "../support/serviceHarness.ts";

/** The counts' bound on seeing another replica's changes (CERTIFICATE_COUNTS_MAX_AGE_MS). */
const MAX_AGE_MS = 5_000;

/**
 * Readiness probes and metrics scrapes share one count of certificates by state: counted again
 * once it is old, or at once when this replica issued, anchored or found a batch's root gone from
 * the chain; a change another replica made in the shared database shows within the bound.
 */
describe("HTTP: certificate counts of readiness and metrics", function () {
  this.timeout(60_000);
  let h: Harness;
  let now = Date.now();
  let counted = 0;

  const scrape = async (): Promise<{ pending: number; anchored: number }> => {
    const text = (await call<string>(h.url, "GET", "/metrics", { headers: { accept: "text/plain" } })).body;
    const of = (state: string) =>
      Number(new RegExp(`certledger_certificates\\{state="${state}"\\} (\\d+)`).exec(text)?.[1]);
    return { pending: of("pending"), anchored: of("anchored") };
  };
  const probe = async (): Promise<string | undefined> =>
    (await call<{ checks: Record<string, { detail: string }> }>(h.url, "GET", "/readyz")).body.checks.anchoring?.detail;
  const issue = async (count: number): Promise<string[]> => {
    const { type, subject } = sampleInputs(1)["business-licence"]!;
    const reply = await call<{ items: { id: string }[] }>(h.url, "POST", "/api/v1/certificates/batch", {
      key: h.agencies[0].issuerKey,
      body: { items: Array.from({ length: count }, () => ({ type, subject })) },
    });
    return reply.body.items.map((item) => item.id);
  };

  const rpc = (method: string, params: unknown[] = []): Promise<unknown> =>
    (h.provider as unknown as { send(method: string, params: unknown[]): Promise<unknown> }).send(method, params);

  before(async () => {
    h = await startHarness({ clock: () => new Date(now), storeOnDisk: true });
    const store = h.store as unknown as { countCertificates: () => Promise<unknown> };
    const count = store.countCertificates.bind(h.store);
    store.countCertificates = () => {
      counted += 1;
      return count();
    };
  });
  after(async () => {
    await h.close();
  });

  it("counts once for scrapes and probes in quick succession, again after the bound", async () => {
    await issue(2);
    await h.flush();
    now += MAX_AGE_MS;
    counted = 0;
    expect(await scrape()).to.deep.equal({ pending: 0, anchored: 2 });
    expect(await probe()).to.equal("0 pending, 2 anchored");
    expect(await scrape()).to.deep.equal({ pending: 0, anchored: 2 });
    expect(counted).to.equal(1);
    now += MAX_AGE_MS - 1;
    await scrape();
    expect(counted).to.equal(1);
    now += 1;
    await scrape();
    expect(counted).to.equal(2);
  });

  it("shows this replica's issuance and anchoring at once", async () => {
    const before = await scrape();
    await issue(1);
    expect(await scrape()).to.deep.equal({ pending: before.pending + 1, anchored: before.anchored });
    await h.flush();
    expect(await probe()).to.equal(`${before.pending} pending, ${before.anchored + 1} anchored`);
  });

  it("shows at once a batch this replica sends again because the chain lost it", async () => {
    const [id] = await issue(1);
    const beforeAnchoring = await rpc("evm_snapshot");
    await h.flush();
    const batchId = (await h.store.getCertificate(id!))!.batchId!;
    const before = await scrape();
    await rpc("evm_revert", [beforeAnchoring]);
    // nothing is mined: the batch waits sent, its certificate pending, until blocks come again
    await rpc("evm_setAutomine", [false]);
    const recovering = h.runtime.anchors.recoverAnchored();
    let meanwhile: Awaited<ReturnType<typeof scrape>>;
    try {
      await waitFor(async () => (await h.store.getBatch(batchId))?.state === "sent", "the batch sent again");
      meanwhile = await scrape();
    } finally {
      await rpc("evm_mine");
      await rpc("evm_setAutomine", [true]);
    }
    expect(await recovering, "batches anchored again").to.equal(1);
    expect(meanwhile, "while sent again").to.deep.equal({ pending: before.pending + 1, anchored: before.anchored - 1 });
    expect(await scrape(), "anchored again").to.deep.equal(before);
  });

  it("shows another replica's change in the shared database within the bound", async () => {
    const [id] = await issue(1);
    await h.flush();
    const before = await scrape();
    // another replica found the batch's root gone from the chain and put its certificate back to pending
    h.sql("UPDATE certificates SET state = 'pending', anchored_at = NULL WHERE id = ?", id!);
    expect(await scrape(), "counted a moment ago").to.deep.equal(before);
    now += MAX_AGE_MS;
    expect(await scrape()).to.deep.equal({ pending: before.pending + 1, anchored: before.anchored - 1 });
  });
});
