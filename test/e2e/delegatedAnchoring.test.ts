import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { HDNodeWallet } from "ethers";
import { pino } from "pino";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { DEV_MNEMONIC } from "../../server/chain/localChain/devAccounts.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { loadConfig } from "../../server/config/loadConfig.ts";
import { startService, type RunningService } from "../../server/serviceLifetime.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startSignerProcess, type SignerProcess } from "../chain/support/remoteSigner.ts";
import { freePort, waitFor } from "../../scripts/support/serviceProcess.ts";
import { AGENCY, serveAgency, startExternalChain, type ExternalChain } from "../../scripts/support/externalChain.ts";

// DEV-ONLY: anvil's funded account 5 plays the relayer; it is no officer of any agency.
const relayer = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/5");
const ledgerInterface = ICertificateLedger__factory.createInterface();

/**
 * The relayer mode: the officer key lives in a separate signer process that only signs EIP-712
 * messages; the service holds no officer key, only a relayer key that pays the gas and can forge
 * nothing.
 */
describe("e2e: delegated anchoring through a relayer key", function () {
  this.timeout(180_000);
  let chain: ExternalChain;
  let signer: SignerProcess | null = null;
  let service: RunningService | null = null;
  let dataDir: string;
  const logs: string[] = [];

  // a failure here has been seen once in CI and never again locally: what the service said is the only trace
  afterEach(function () {
    if (this.currentTest?.state === "failed") console.error(`the service's log:\n${logs.join("")}`);
  });

  after(async () => {
    await service?.stop();
    await signer?.stop();
    await (chain as ExternalChain | undefined)?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("anchors and revokes for the officer with the relayer's transactions; a signature by another key is refused and the batch waits", async () => {
    chain = await startExternalChain();
    const signerPort = await freePort();
    signer = await startSignerProcess(chain.officerKey, signerPort);
    dataDir = await mkdtemp(join(tmpdir(), "certledger-relayer-"));
    const seed = SqliteStore.open(join(dataDir, "certledger.db"));
    const apiKey = await serveAgency(seed, chain);
    await seed.close();

    const config = loadConfig(
      {
        ...chain.env,
        REMOTE_SIGNER_URL: signer.url,
        RELAYER_KEY: relayer.privateKey,
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        BATCH_MAX_AGE_MS: "100",
        RATE_LIMIT_PER_MINUTE: "0",
      },
      { envFile: false },
    );
    service = await startService(config, {
      logger: pino({ level: "info" }, { write: (line: string) => void logs.push(line) }),
      print: () => undefined,
    });
    const url = service.url;
    expect(logs.join("\n")).not.to.include(relayer.privateKey.slice(2));
    expect(logs.some((l) => l.includes("relayer mode") && l.includes(relayer.address))).to.equal(true);

    const issue = async (n: number) =>
      (
        await call<{ id: string; verifyUrl: string }>(url, "POST", "/api/v1/certificates", {
          key: apiKey,
          body: licenceRequest(n),
        })
      ).body;
    const stateOf = async (id: string) =>
      (
        await call<{ state: string; anchor: { txHash: string; root: string; index: number } | null }>(
          url,
          "GET",
          `/api/v1/certificates/${id}`,
          {
            key: apiKey,
          },
        )
      ).body;
    const verdict = async (verifyUrl: string) => {
      const link = new URL(verifyUrl);
      return (await call<{ status: string }>(url, "GET", link.pathname + link.search)).body.status;
    };
    const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
    try {
      const ledger = ICertificateLedger__factory.connect(chain.ledger, provider);
      const first = await issue(1);
      const anchored = await waitFor(
        "the first certificate anchored",
        async () => {
          const s = await stateOf(first.id);
          return s.state === "anchored" ? s : undefined;
        },
        30_000,
      );
      const tx = await provider.getTransaction(anchored.anchor!.txHash);
      expect(tx?.from, "sent by the relayer").to.equal(relayer.address);
      expect(ledgerInterface.parseTransaction({ data: tx!.data })?.name).to.equal("anchorBySig");
      expect(await verdict(first.verifyUrl)).to.equal("VALID");

      const revoked = await call<{ status: string }>(url, "POST", `/api/v1/certificates/${first.id}/revoke`, {
        key: apiKey,
        body: { reason: "keyCompromise" },
      });
      expect(revoked.status).to.equal(200);
      expect(await verdict(first.verifyUrl)).to.equal("REVOKED");
      const { root, index } = anchored.anchor!;
      expect(
        await ledger.statusVersion(AGENCY.agencyId, root, index),
        "the relayed revocation moved its status word's version on",
      ).to.equal(1n);

      // a signer that answers with another key's signature: refused before anything is sent
      await signer.stop();
      signer = await startSignerProcess(chain.officerKey, signerPort, { tamper: true });
      const sentBefore = await provider.getTransactionCount(relayer.address);
      const waiting = await issue(2);
      const from = logs.length;
      await waitFor(
        "a round to refuse the forged signature",
        () =>
          Promise.resolve(
            logs
              .slice(from)
              .some((l) => l.includes("DELEGATED_SIGNATURE_REFUSED") || l.includes("refused, nothing sent"))
              ? true
              : undefined,
          ),
        20_000,
        50,
      );
      expect((await stateOf(waiting.id)).state, "waits for a correct signature").to.equal("pending");
      expect(await provider.getTransactionCount(relayer.address), "the relayer sent nothing").to.equal(sentBefore);

      await signer.stop();
      signer = await startSignerProcess(chain.officerKey, signerPort);
      await waitFor(
        "the waiting certificate anchored once the signer is honest again",
        async () => ((await verdict(waiting.verifyUrl)) === "VALID" ? true : undefined),
        30_000,
      );
    } finally {
      provider.destroy();
    }
  });
});
