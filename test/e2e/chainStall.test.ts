import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { expect } from "chai";
import { pino } from "pino";
import { loadConfig } from "../../server/config/loadConfig.ts";
import { startService, type RunningService } from "../../server/serviceLifetime.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { freePort, waitFor } from "../../scripts/support/serviceProcess.ts";

const READ_TIMEOUT_MS = 2000;
/** how long the node is frozen: longer than the read timeout, shorter than the RPC timeout (10 s) */
const STALL_MS = 5000;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

/** The node stops answering without closing its socket (SIGSTOP): a stall, not an outage. */
describe("e2e: the chain stalls", function () {
  this.timeout(120_000);
  let dataDir: string;
  let service: RunningService | null = null;
  let chainPid = 0;

  after(async () => {
    if (chainPid) process.kill(chainPid, "SIGCONT");
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers UNAVAILABLE within the short timeout and at once after, keeps issuing, and anchors everything afterwards", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "certledger-stall-"));
    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        LOCAL_CHAIN_PORT: String(await freePort()),
        BATCH_MAX_AGE_MS: "100",
        RATE_LIMIT_PER_MINUTE: "0",
        CHAIN_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
      },
      { envFile: false },
    );
    service = await startService(config, { logger: pino({ level: "silent" }), print: () => undefined });
    const base = service.url;
    const { apiKey } = JSON.parse(await readFile(join(dataDir, "dev-credentials.json"), "utf8")) as { apiKey: string };
    const first = await call<{ id: string; verifyUrl: string }>(base, "POST", "/api/v1/certificates", {
      key: apiKey,
      body: licenceRequest(1),
    });
    const link = new URL(first.body.verifyUrl);
    const linkPath = link.pathname + link.search;
    await waitFor(
      "the first certificate to verify",
      async () => ((await call<{ status: string }>(base, "GET", linkPath)).body.status === "VALID" ? true : undefined),
      20_000,
    );
    const document = (await call(base, "GET", `/api/v1/certificates/${first.body.id}/document`, { key: apiKey })).body;

    chainPid = Number((await readFile(join(dataDir, "chain", "anvil.pid"), "utf8")).split("\n")[0]);
    process.kill(chainPid, "SIGSTOP");
    const stalledAt = Date.now();

    // the first read after the stall waits for the deadline; a cached answer may come first, but
    // within a read timeout the head poll has opened the circuit and every answer is UNAVAILABLE
    const firstAnswer = await timed(() =>
      waitFor(
        "verification to notice the stall",
        async () => {
          const r = await call<{ status: string; valid: boolean }>(base, "GET", linkPath);
          expect(r.body.status, "never a negative verdict").to.be.oneOf(["VALID", "UNAVAILABLE"]);
          return r.status === 503 ? r : undefined;
        },
        10_000,
        50,
      ),
    );
    expect(firstAnswer.ms, "UNAVAILABLE within the short timeout").to.be.below(READ_TIMEOUT_MS * 2);
    expect(firstAnswer.value.body).to.include({ status: "UNAVAILABLE", valid: false });

    const again = await timed(() => call<{ status: string }>(base, "GET", linkPath));
    expect(again.value.status).to.equal(503);
    expect(again.ms, "at once while the chain is known to be down").to.be.below(500);
    const byDocument = await timed(() => call<{ status: string }>(base, "POST", "/api/v1/verify", { body: document }));
    expect(byDocument.value.status).to.equal(503);
    expect(byDocument.value.body.status).to.equal("UNAVAILABLE");
    expect(byDocument.ms).to.be.below(500);
    const page = await fetch(`${base}${linkPath}`, { headers: { accept: "text/html" } });
    expect(page.status).to.equal(503);

    const ready = await timed(() =>
      call<{ ready: boolean; checks: { chain: { ok: boolean } } }>(base, "GET", "/readyz"),
    );
    expect(ready.value.status).to.equal(503);
    expect(ready.value.body.checks.chain.ok).to.equal(false);
    expect(ready.ms, "readiness within the short timeout").to.be.below(READ_TIMEOUT_MS + 1000);

    const during = await timed(() =>
      call<{ id: string; verifyUrl: string }>(base, "POST", "/api/v1/certificates", {
        key: apiKey,
        body: licenceRequest(2),
      }),
    );
    expect(during.value.status, "issuance keeps accepting").to.equal(202);
    expect(during.ms).to.be.below(1000);

    // the scenario is a stall of STALL_MS, not a wait for a condition
    await delay(Math.max(0, STALL_MS - (Date.now() - stalledAt)));
    process.kill(chainPid, "SIGCONT");
    chainPid = 0;

    const duringLink = new URL(during.value.body.verifyUrl);
    await waitFor(
      "anchoring to resume",
      async () => {
        const r = await call<{ status: string }>(base, "GET", duringLink.pathname + duringLink.search);
        return r.body.status === "VALID" ? true : undefined;
      },
      30_000,
      200,
    );
    expect((await call<{ status: string }>(base, "GET", linkPath)).body.status).to.equal("VALID");
    await waitFor(
      "readiness to return",
      async () => ((await call(base, "GET", "/readyz")).status === 200 ? true : undefined),
      10_000,
    );
  });
});
