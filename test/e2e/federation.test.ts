import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { z } from "zod";
import type { Browser } from "playwright-core";
import type { VerificationResult } from "../../server/core/verification/result.ts";
import { call } from "../../scripts/support/http.ts";
import { freePort, waitFor } from "../../scripts/support/serviceProcess.ts";
import { launchBrowser, openPage, skipWithoutBrowser, browserSkipReason } from "./support/browser.ts";
import { AGENCY, startExternalChain, type ExternalChain } from "../../scripts/support/externalChain.ts";
import { qrVideo } from "./support/media.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import {
  countingSocket,
  deployLookalike,
  devWallet,
  registerAgency,
  startRegionalService,
  writeTrustList,
  type ListEntry,
  type RegionalService,
} from "./support/regions.ts";

const BEIJING_NAME = { zh: "北京市证照核验服务", en: "Beijing certificate service" };
const TIANJIN_NAME = { zh: "天津市证照核验服务", en: "Tianjin certificate service" };
const TIANJIN_AGENCY = { agencyId: 2, name: "天津市市场监督管理委员会", jurisdiction: "120000" };

interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string } | undefined>;
}
type ErrorBody = {
  error: { code: string; message: string; details?: { origin: string; message: { zh: string; en: string } } };
};

/** An HTTP server on loopback that answers every request with `handler`. */
async function misbehaving(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const port = await freePort();
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, server };
}

/**
 * Regions on one chain and one registry: Beijing (agency 1, 110000) and Tianjin (agency 2,
 * 120000) each with their own keys, database and port, each naming the other in its signed trust
 * list; a look-alike deployment of the same contracts with its own "agency 1"; and origins on
 * Tianjin's list that misbehave.
 */
describe("e2e: federation of regional services through a signed trust list", function () {
  this.timeout(240_000);
  const listKey = new Wallet(Wallet.createRandom().privateKey);
  let chain: ExternalChain;
  let work: string;
  let beijing: RegionalService;
  let tianjin: RegionalService;
  let lookalike: RegionalService;
  let proxy: Awaited<ReturnType<typeof countingSocket>>;
  let redirectSink: Awaited<ReturnType<typeof countingSocket>>;
  const servers: Server[] = [];
  let origins: { redirect: string; slow: string; huge: string };
  let hugeBytesSent = 0;
  let tianjinList: string;
  let entries: Record<"beijing" | "tianjin" | "lookalike" | "redirect" | "slow" | "huge", ListEntry>;
  let licence: { id: string; verifyUrl: string };
  let fake: { id: string; verifyUrl: string };
  let lookalikeDeployment: { registry: string; ledger: string; deploymentBlock: number };
  const reloaded = async (has: string, present: boolean) =>
    waitFor(
      "Tianjin to reload its trust list",
      async () => {
        const ready = await call<Readiness>(tianjin.url, "GET", "/readyz");
        return ready.body.checks.trustList?.detail.includes(has) === present ? true : undefined;
      },
      10_000,
    );

  const issueAnchored = async (region: RegionalService, n: number) => {
    const ack = await call<{ id: string; verifyUrl: string }>(region.url, "POST", "/api/v1/certificates", {
      key: region.apiKey,
      body: licenceRequest(n),
    });
    expect(ack.status, JSON.stringify(ack.body)).to.equal(202);
    await waitFor(
      "the certificate anchored",
      async () => {
        const r = await call<{ state: string }>(region.url, "GET", `/api/v1/certificates/${ack.body.id}`, {
          key: region.apiKey,
        });
        return r.body.state === "anchored" ? true : undefined;
      },
      30_000,
      100,
    );
    return ack.body;
  };
  const verifyLink = (url: string) =>
    call<VerificationResult & ErrorBody>(tianjin.url, "POST", "/api/v1/verify-link", { body: { url } });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), "certledger-federation-"));
    chain = await startExternalChain();
    const shared = { registry: chain.registry, ledger: chain.ledger, deploymentBlock: chain.deploymentBlock };
    const tianjinOfficer = devWallet(5);
    const lookalikeOfficer = devWallet(8);
    [lookalikeDeployment] = await Promise.all([
      deployLookalike(chain, devWallet(6)),
      registerAgency(chain, chain.registry, devWallet(0), TIANJIN_AGENCY, devWallet(4), tianjinOfficer),
    ]);
    await registerAgency(chain, lookalikeDeployment.registry, devWallet(6), AGENCY, devWallet(7), lookalikeOfficer);

    const [beijingPort, tianjinPort, lookalikePort] = await Promise.all([freePort(), freePort(), freePort()]);
    proxy = await countingSocket(lookalikePort);
    redirectSink = await countingSocket();
    const redirect = await misbehaving((req, res) => {
      res.writeHead(302, { location: `${redirectSink.url}${req.url ?? "/"}` }).end();
    });
    const slow = await misbehaving(() => undefined);
    const huge = await misbehaving((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let left = 50;
      const pump = (): void => {
        while (left > 0) {
          left -= 1;
          hugeBytesSent += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      res.on("close", () => (left = 0));
      pump();
    });
    servers.push(redirect.server, slow.server, huge.server);
    origins = { redirect: redirect.url, slow: slow.url, huge: huge.url };

    const onShared = (name: { zh: string; en: string }, origin: string): ListEntry => ({
      chainId: chain.chainId,
      ...shared,
      name,
      origins: [origin],
    });
    entries = {
      beijing: onShared(BEIJING_NAME, `http://127.0.0.1:${beijingPort}`),
      tianjin: onShared(TIANJIN_NAME, `http://127.0.0.1:${tianjinPort}`),
      // named wrongly: the list gives the look-alike's origin the real registry and ledger
      lookalike: onShared({ zh: "相似服务", en: "Look-alike service" }, proxy.url),
      redirect: onShared({ zh: "重定向", en: "Redirecting" }, origins.redirect),
      slow: onShared({ zh: "慢", en: "Slow" }, origins.slow),
      huge: onShared({ zh: "大", en: "Huge" }, origins.huge),
    };
    const beijingList = join(work, "beijing-list.json");
    tianjinList = join(work, "tianjin-list.json");
    await writeTrustList(beijingList, listKey, [entries.beijing, entries.tianjin]);
    await writeTrustList(tianjinList, listKey, Object.values(entries));

    [beijing, tianjin, lookalike] = await Promise.all([
      startRegionalService({
        chain,
        deployment: shared,
        agency: AGENCY,
        officer: devWallet(1),
        name: BEIJING_NAME,
        port: beijingPort,
        trustList: { file: beijingList, signer: listKey.address },
      }),
      startRegionalService({
        chain,
        deployment: shared,
        agency: TIANJIN_AGENCY,
        officer: tianjinOfficer,
        name: TIANJIN_NAME,
        port: tianjinPort,
        trustList: { file: tianjinList, signer: listKey.address },
      }),
      startRegionalService({
        chain,
        deployment: lookalikeDeployment,
        agency: AGENCY,
        officer: lookalikeOfficer,
        name: BEIJING_NAME,
        port: lookalikePort,
        publicUrl: proxy.url,
      }),
    ]);
    [licence, fake] = await Promise.all([issueAnchored(beijing, 1), issueAnchored(lookalike, 1)]);
  });

  after(async () => {
    const maybe = <T>(value: T): T | undefined => value;
    await Promise.all([maybe(beijing)?.stop(), maybe(tianjin)?.stop(), maybe(lookalike)?.stop()]);
    await Promise.all([maybe(proxy)?.close(), maybe(redirectSink)?.close()]);
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await maybe(chain)?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("describes each deployment at /.well-known/certledger.json, cacheably", async () => {
    const reply = await fetch(`${beijing.url}/.well-known/certledger.json`);
    expect(reply.status).to.equal(200);
    expect(reply.headers.get("cache-control")).to.match(/public, max-age=\d+/);
    const etag = reply.headers.get("etag");
    expect(etag).to.match(/^"[^"]+"$/);
    const descriptor = (await reply.json()) as Record<string, unknown>;
    expect(descriptor).to.deep.include({
      format: "certledger-deployment/1",
      name: BEIJING_NAME,
      publicUrl: beijing.url,
      chainId: chain.chainId,
      registry: chain.registry,
      ledger: chain.ledger,
      deploymentBlock: chain.deploymentBlock,
      documentFormats: ["certledger/2"],
    });
    // the published JSON Schema accepts it (zod reads JSON Schema 2020-12 itself)
    const schema = z.fromJSONSchema(
      JSON.parse(
        await readFile(new URL("../../docs/deployment-descriptor.schema.json", import.meta.url), "utf8"),
      ) as Record<string, unknown>,
    );
    expect(schema.safeParse(descriptor).success, JSON.stringify(schema.safeParse(descriptor).error)).to.equal(true);
    expect(schema.safeParse({ ...descriptor, ledger: "0x12" }).success).to.equal(false);
    expect(descriptor.agencies).to.deep.equal([{ agencyId: 1, name: { zh: AGENCY.name }, jurisdiction: "110000" }]);
    const again = await fetch(`${beijing.url}/.well-known/certledger.json`, { headers: { "if-none-match": etag! } });
    expect(again.status).to.equal(304);
  });

  it("shows in /readyz and on its operator page which deployments it recognises and when the list expires", async () => {
    const ready = await call<Readiness>(tianjin.url, "GET", "/readyz");
    expect(ready.status).to.equal(200);
    expect(ready.body.checks.trustList?.ok).to.equal(true);
    expect(ready.body.checks.trustList?.detail).to.include(
      `Beijing certificate service (${entries.beijing.origins[0]})`,
    );
    expect(ready.body.checks.trustList?.detail).to.match(/the list expires at \d{4}-/);
    const page = await fetch(`${tianjin.url}/federation?lang=zh`);
    const text = await page.text();
    expect(page.status).to.equal(200);
    expect(text)
      .to.include("北京市证照核验服务")
      .and.to.include(entries.beijing.origins[0])
      .and.to.include("列表有效期至");
  });

  it("verifies Beijing's licence in Tianjin against the shared ledger, naming Beijing's service and agency", async () => {
    const reply = await verifyLink(licence.verifyUrl);
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    expect(reply.body.status).to.equal("VALID");
    expect(reply.body.issuingService).to.deep.equal({ name: BEIJING_NAME, origin: entries.beijing.origins[0] });
    expect(reply.body.anchor).to.include({ agencyId: 1, jurisdiction: "110000", ledger: chain.ledger });
    expect(reply.body.certificate?.issuer).to.include({ agencyId: 1, jurisdiction: "110000", name: AGENCY.name });
    // the public view only: what Beijing's own QR page shows, nothing private
    expect(reply.body.certificate?.disclosure?.view).to.equal("public");
  });

  it("scans Beijing's QR code on Tianjin's /scan page: VALID with Beijing's agency, REVOKED once Beijing revokes it", async function () {
    if (browserSkipReason() !== null) skipWithoutBrowser(this);
    const png = Buffer.from(
      await (
        await fetch(`${beijing.url}/api/v1/certificates/${licence.id}/qr.png`, {
          headers: { authorization: `Bearer ${beijing.apiKey}` },
        })
      ).arrayBuffer(),
    );
    const browser: Browser = await launchBrowser({ fakeCamera: await qrVideo(png, work, "beijing") });
    try {
      const scan = async () => {
        const { context, page, problems } = await openPage(browser, { locale: "en-US" });
        await page.goto(`${tianjin.url}/scan`);
        await page.click("#camera-start");
        const banner = page.locator("#result-body .banner[data-status]");
        await banner.waitFor({ timeout: 20_000 });
        const seen = {
          status: await banner.getAttribute("data-status"),
          text: await page.locator("#result-body").innerText(),
          errors: problems.errors,
        };
        await context.close();
        return seen;
      };
      const valid = await scan();
      expect(valid.status).to.equal("VALID");
      expect(valid.text).to.include(BEIJING_NAME.en).and.to.include(AGENCY.name).and.to.include(licence.id);
      expect(valid.errors).to.deep.equal([]);

      const revoked = await call(beijing.url, "POST", `/api/v1/certificates/${licence.id}/revoke`, {
        key: beijing.apiKey,
        body: { reason: "privilegeWithdrawn" },
      });
      expect(revoked.status).to.equal(200);
      const after = await scan();
      expect(after.status).to.equal("REVOKED");
      expect(after.text).to.include(BEIJING_NAME.en);
    } finally {
      await browser.close();
    }
  });

  it("answers UNTRUSTED_LEDGER for the look-alike's certificate when the list names its origin with another ledger", async () => {
    const before = proxy.connections();
    const reply = await verifyLink(fake.verifyUrl);
    expect(reply.status).to.equal(200);
    expect(reply.body.status).to.equal("UNTRUSTED_LEDGER");
    expect(reply.body.valid).to.equal(false);
    expect(reply.body.checks.at(-1)?.detail).to.include("does not recognise");
    expect(proxy.connections(), "the look-alike was asked (the counter works)").to.be.above(before);
  });

  it("answers UNTRUSTED_LEDGER when the list names the look-alike's ledger with the real registry (the ledger is its own registry)", async () => {
    const misnamed = {
      ...entries.lookalike,
      name: { zh: "相似账本", en: "Look-alike ledger" },
      ledger: lookalikeDeployment.ledger,
    };
    await writeTrustList(tianjinList, listKey, [entries.beijing, entries.tianjin, misnamed]);
    await reloaded("Look-alike ledger", true);
    const reply = await verifyLink(fake.verifyUrl);
    expect(reply.body.status).to.equal("UNTRUSTED_LEDGER");
    expect(reply.body.checks.at(-1)?.detail).to.include(`is its own registry, not the registry ${misnamed.registry}`);
  });

  it("refuses the look-alike's link without a request once a reloaded list no longer names it", async () => {
    await writeTrustList(tianjinList, listKey, [
      entries.beijing,
      entries.tianjin,
      entries.redirect,
      entries.slow,
      entries.huge,
    ]);
    await reloaded(proxy.url, false);
    const before = proxy.connections();
    const reply = await verifyLink(fake.verifyUrl);
    expect(reply.status).to.equal(422);
    expect(reply.body.error.code).to.equal("UNRECOGNISED_ISSUER");
    expect(reply.body.error.details?.message.en).to.include("not a recognised issuing service");
    expect(reply.body.error.details?.message.zh).to.include("不是本服务认可的签发服务");
    expect(proxy.connections(), "no connection to an origin off the list").to.equal(before);
  });

  it("does not follow a listed origin's redirect: UNAVAILABLE, and nothing is fetched from where it points", async () => {
    const reply = await verifyLink(
      `${origins.redirect}/v/${licence.id}?h=${new URL(licence.verifyUrl).searchParams.get("h")}`,
    );
    expect(reply.status).to.equal(503);
    expect(reply.body.status).to.equal("UNAVAILABLE");
    expect(reply.body.checks[0]?.detail).to.include("redirect");
    expect(redirectSink.connections()).to.equal(0);
  });

  it("gives up on a listed origin that does not answer within the read timeout: UNAVAILABLE", async () => {
    const started = Date.now();
    const reply = await verifyLink(
      `${origins.slow}/v/${licence.id}?h=${new URL(licence.verifyUrl).searchParams.get("h")}`,
    );
    expect(reply.status).to.equal(503);
    expect(reply.body.status).to.equal("UNAVAILABLE");
    expect(Date.now() - started, "bounded by the 5 s read timeout").to.be.below(8000);
  });

  it("stops reading a listed origin that sends 50 MB: UNAVAILABLE, and most of it is never sent", async () => {
    const reply = await verifyLink(
      `${origins.huge}/v/${licence.id}?h=${new URL(licence.verifyUrl).searchParams.get("h")}`,
    );
    expect(reply.status).to.equal(503);
    expect(reply.body.status).to.equal("UNAVAILABLE");
    expect(reply.body.checks[0]?.detail).to.include("more than");
    await waitFor(
      "the huge origin to stop sending",
      () => Promise.resolve(hugeBytesSent < 50 * 1024 * 1024 ? true : undefined),
      5000,
    );
  });

  it("refuses to start with a trust list altered after signing, signed by another key, or expired, naming the problem", async () => {
    const good = JSON.parse(await readFile(tianjinList, "utf8")) as {
      list: { deployments: ListEntry[] };
      signature: string;
    };
    const altered = join(work, "altered.json");
    const otherKey = join(work, "other-key.json");
    const expired = join(work, "expired.json");
    good.list.deployments[0]!.origins = ["https://forged.example"];
    await writeFile(altered, JSON.stringify(good));
    await writeTrustList(otherKey, new Wallet(Wallet.createRandom().privateKey), [entries.beijing]);
    await writeTrustList(expired, listKey, [entries.beijing], {
      issuedAt: new Date(Date.now() - 2 * 86_400_000),
      expiresAt: new Date(Date.now() - 86_400_000),
    });
    const start = async (file: string) => {
      const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
        env: {
          ...process.env,
          ...chain.env,
          SIGNER_KEY: devWallet(1).privateKey,
          DATA_DIR: join(work, "refused"),
          PORT: String(await freePort()),
          TRUST_LIST: file,
          TRUST_LIST_SIGNER: listKey.address,
          LOG_LEVEL: "fatal",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      // a service that starts after all is stopped, so the test fails instead of hanging on it
      const started = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      clearTimeout(started);
      return { code, output };
    };
    const [a, b, c] = await Promise.all([start(altered), start(otherKey), start(expired)]);
    for (const refused of [a, b, c]) expect(refused.code).to.equal(1);
    expect(a.output).to.include(`TRUST_LIST ${altered} is refused`).and.to.include("altered after signing");
    expect(b.output).to.include(`is not signed by ${listKey.address}`);
    expect(c.output).to.include("the trust list expired at");
  });
});
