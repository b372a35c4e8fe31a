import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { pino } from "pino";
import { startLocalChain, type LocalChain } from "../../server/chain/localChain/localChain.ts";
import { loadConfig } from "../../server/config/loadConfig.ts";
import { startService, type RunningService } from "../../server/serviceLifetime.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { freePort, waitFor } from "../../scripts/support/serviceProcess.ts";

/** The chain goes away and comes back: no verdict of forgery, nothing lost, anchoring resumes. */
describe("e2e: the chain is unreachable for a while", function () {
  this.timeout(120_000);
  let dataDir: string;
  let service: RunningService | null = null;
  let revived: LocalChain | null = null;

  after(async () => {
    await service?.stop();
    await revived?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers UNAVAILABLE (503), keeps accepting certificates, and anchors them once the chain is back", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "certledger-outage-"));
    const chainPort = await freePort();
    const config = loadConfig(
      {
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        LOCAL_CHAIN_PORT: String(chainPort),
        BATCH_MAX_AGE_MS: "100",
        RATE_LIMIT_PER_MINUTE: "0",
      },
      { envFile: false },
    );
    service = await startService(config, { logger: pino({ level: "silent" }), print: () => undefined });
    const { apiKey } = JSON.parse(await readFile(join(dataDir, "dev-credentials.json"), "utf8")) as { apiKey: string };
    const before = await call<{ id: string; verifyUrl: string }>(service.url, "POST", "/api/v1/certificates", {
      key: apiKey,
      body: licenceRequest(1),
    });
    const link = new URL(before.body.verifyUrl);
    await waitFor(
      "the first certificate to verify",
      async () => {
        const r = await call<{ status: string }>(service!.url, "GET", link.pathname + link.search);
        return r.body.status === "VALID" ? true : undefined;
      },
      20_000,
    );
    const document = (
      await call(service.url, "GET", `/api/v1/certificates/${before.body.id}/document`, { key: apiKey })
    ).body;

    const [pidLine] = (await readFile(join(dataDir, "chain", "anvil.pid"), "utf8")).split("\n");
    process.kill(Number(pidLine), "SIGTERM");
    await waitFor(
      "the chain to be gone",
      async () => ((await call<{ ready: boolean }>(service!.url, "GET", "/readyz")).status === 503 ? true : undefined),
      20_000,
    );

    // answers cached while the head stood still are dropped within one head poll (100 ms)
    const byLink = await waitFor(
      "verification to notice the outage",
      async () => {
        const r = await call<{ status: string; valid: boolean }>(service!.url, "GET", link.pathname + link.search);
        return r.status === 503 ? r : undefined;
      },
      10_000,
    );
    expect(byLink.body.status).to.equal("UNAVAILABLE");
    expect(byLink.body.valid).to.equal(false);
    const byDocument = await call<{ status: string }>(service.url, "POST", "/api/v1/verify", { body: document });
    expect(byDocument.status).to.equal(503);
    expect(byDocument.body.status).to.equal("UNAVAILABLE");
    const page = await fetch(`${service.url}${link.pathname}${link.search}`, { headers: { accept: "text/html" } });
    expect(page.status).to.equal(503);

    const during = await call<{ id: string; verifyUrl: string }>(service.url, "POST", "/api/v1/certificates", {
      key: apiKey,
      body: licenceRequest(2),
    });
    expect(during.status).to.equal(202);

    revived = await startLocalChain({ dataDir, port: chainPort });
    const duringLink = new URL(during.body.verifyUrl);
    await waitFor(
      "anchoring to resume",
      async () => {
        const r = await call<{ status: string }>(service!.url, "GET", duringLink.pathname + duringLink.search);
        return r.body.status === "VALID" ? true : undefined;
      },
      30_000,
      200,
    );
    expect((await call<{ status: string }>(service.url, "GET", link.pathname + link.search)).body.status).to.equal(
      "VALID",
    );
  });
});
