import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet, type JsonRpcProvider } from "ethers";
import { devAccountKeys } from "../../server/chain/localChain/devAccounts.ts";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { startLocalChain, type LocalChain } from "../../server/chain/localChain/localChain.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { CertificateBatchTree } from "../../server/core/batch/merkle.ts";
import { attachAnchor } from "../../server/core/batch/wrap.ts";
import type { BatchedDocument, CertificateDocument } from "../../server/core/document/model.ts";
import { computeLeaf } from "../../server/core/hashing/fields.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { signTrustList } from "../../server/core/trust/trustList.ts";
import { CHECK_NAMES, type VerificationResult } from "../../server/core/verification/result.ts";
import { verifyOffline } from "../../server/core/verification/offline.ts";
import { trustOnly } from "../../server/core/verification/trust.ts";
import { verifyDocument } from "../../server/core/verification/verifyDocument.ts";
import { freePort, tempDir } from "../chain/helpers.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import {
  byAgency,
  deployOnChain,
  issue,
  ledgerAs,
  type AnchoredBatch,
  type OnChainCertledger,
} from "../verification/support/onChain.ts";
import { runCli } from "./support/runCli.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";

const EXIT = { valid: 0, invalid: 1, usage: 2, unavailable: 3, unpinned: 4 };

/** Business licence rows as a registry clerk would export them (the samples' made-up values). */
const CSV_COLUMNS = [
  "companyName",
  "uscc",
  "entityType",
  "legalRepresentative",
  "registeredCapital",
  "establishmentDate",
  "businessScope",
  "address",
  "validFrom",
] as const;

const csvCell = (value: unknown): string => `"${String(value).replace(/"/g, '""')}"`;

function licenceRow(n: number, overrides: Partial<Record<(typeof CSV_COLUMNS)[number], string>> = {}): string {
  const input = sampleInputs(n)["business-licence"]!;
  const values: Record<string, unknown> = { ...input.subject, validFrom: input.validFrom, ...overrides };
  return CSV_COLUMNS.map((column) => csvCell(values[column])).join(",");
}

describe("certledger CLI against a local anvil", function () {
  this.timeout(180_000);

  let dir = "";
  let localChain: LocalChain;
  let provider: JsonRpcProvider;
  let chain: OnChainCertledger;
  let batch: AnchoredBatch;
  let documentFile = "";

  const file = (name: string) => join(dir, name);
  const document = () => batch.documents[0]!;

  async function writeJson(name: string, value: unknown): Promise<string> {
    await writeFile(file(name), `${JSON.stringify(value, null, 2)}\n`);
    return file(name);
  }

  before(async () => {
    dir = await tempDir("certledger-cli-");
    localChain = await startLocalChain({ dataDir: join(dir, "data"), port: await freePort() });
    provider = createProvider(localChain.rpcUrl, { chainId: localChain.chainId });
    const keys = devAccountKeys();
    chain = await deployOnChain(
      provider,
      { governance: keys.governance, admin: keys.agencyAdmin, officers: [keys.serviceSigner] },
      builtinTypes(),
    );
    batch = await issue(
      chain,
      [1, 2, 3].map((n) => byAgency(sampleInputs(n)["business-licence"]!, chain.agency)),
    );
    documentFile = await writeJson("doc.json", document());
  });

  after(async () => {
    provider.destroy();
    await localChain.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe("verify", () => {
    it("prints VALID and exits 0 for an anchored document", async () => {
      const run = await runCli(["verify", documentFile, "--rpc", localChain.rpcUrl, "--ledger", chain.ledger]);
      expect(run.code, run.stderr).to.equal(EXIT.valid);
      expect(run.stdout).to.match(/^✔ VALID$/m);
      expect(run.stdout).to.include(document().id);
      expect(run.stdout).to.include(`tx ${batch.txHash}`);
      for (const name of CHECK_NAMES) expect(run.stdout).to.match(new RegExp(`✔ ${name}: `));
    });

    it("prints a parseable result with --json", async () => {
      const run = await runCli([
        "verify",
        documentFile,
        "--rpc",
        localChain.rpcUrl,
        "--ledger",
        chain.ledger,
        "--json",
      ]);
      expect(run.code, run.stderr).to.equal(EXIT.valid);
      const result = JSON.parse(run.stdout) as VerificationResult;
      expect(result).to.include({ valid: true, status: "VALID" });
      expect(result.checks.map((c) => c.name)).to.deep.equal([...CHECK_NAMES]);
      expect(result.anchor).to.include({
        chainId: localChain.chainId,
        ledger: chain.ledger,
        root: batch.root,
        txHash: batch.txHash,
        blockNumber: batch.blockNumber,
      });
      expect(result.certificate?.id).to.equal(document().id);
    });

    it("exits 1 with TAMPERED for an altered document", async () => {
      const altered = structuredClone(document());
      altered.subject.companyName = `${String(altered.subject.companyName)}集团`;
      const run = await runCli([
        "verify",
        await writeJson("tampered.json", altered),
        "--rpc",
        localChain.rpcUrl,
        "--ledger",
        chain.ledger,
      ]);
      expect(run.code).to.equal(EXIT.invalid);
      expect(run.stdout).to.match(/^✘ TAMPERED$/m);
      expect(run.stdout).to.include("✘ integrity");
    });

    it("exits 3 with UNAVAILABLE when the RPC endpoint cannot be reached", async () => {
      const run = await runCli([
        "verify",
        documentFile,
        "--rpc",
        `http://127.0.0.1:${await freePort()}`,
        "--ledger",
        chain.ledger,
        "--json",
      ]);
      expect(run.code, run.stderr).to.equal(EXIT.unavailable);
      const result = JSON.parse(run.stdout) as VerificationResult;
      expect(result).to.include({ valid: false, status: "UNAVAILABLE" });
      expect(result.checks.at(-1)).to.include({ name: "anchored", passed: false });
    });

    it("gives UNTRUSTED_LEDGER when the document names another ledger than the pinned one, whatever that ledger says", async () => {
      const other = Wallet.createRandom().address;
      const trustingOther = await runCli(["verify", documentFile, "--rpc", localChain.rpcUrl, "--ledger", other]);
      expect(trustingOther.code).to.equal(EXIT.invalid);
      expect(trustingOther.stdout).to.match(/^✘ UNTRUSTED_LEDGER$/m);
      expect(trustingOther.stdout).to.include(
        `anchored on ledger ${chain.ledger} on chain ${chain.chainId}, which this verifier does not recognise`,
      );

      const elsewhere = structuredClone(document());
      elsewhere.proof.ledger = other;
      const namingOther = await runCli([
        "verify",
        await writeJson("elsewhere.json", elsewhere),
        "--rpc",
        localChain.rpcUrl,
        "--ledger",
        chain.ledger,
      ]);
      expect(namingOther.code).to.equal(EXIT.invalid);
      expect(namingOther.stdout).to.match(/^✘ UNTRUSTED_LEDGER$/m);
    });

    it("gives WRONG_NETWORK when the pinned ledger is no contract on the RPC's chain", async () => {
      const pinnedNothing = structuredClone(document());
      const nothing = Wallet.createRandom().address;
      pinnedNothing.proof.ledger = nothing;
      const run = await runCli([
        "verify",
        await writeJson("nothing.json", pinnedNothing),
        "--rpc",
        localChain.rpcUrl,
        "--ledger",
        nothing,
      ]);
      expect(run.code).to.equal(EXIT.invalid);
      expect(run.stdout).to.match(/^✘ WRONG_NETWORK$/m);
    });

    it("never says VALID without a pin: it names the document's ledger, says how to pin it, and exits 4", async () => {
      const run = await runCli(["verify", documentFile, "--rpc", localChain.rpcUrl, "--json"]);
      expect(run.code, run.stderr).to.equal(EXIT.unpinned);
      const result = JSON.parse(run.stdout) as VerificationResult;
      expect(result).to.include({ valid: false, status: "UNTRUSTED_LEDGER" });
      expect(result.checks.at(-1)?.detail).to.include(
        `The document names ledger ${chain.ledger} on chain ${chain.chainId}`,
      );
      expect(run.stderr).to.include("--ledger ADDRESS").and.to.include("--trust-list FILE --trust-list-signer ADDRESS");
    });

    it("gives REVOKED once the issuer revoked the certificate", async () => {
      const revoked = batch.documents[2]!;
      const p = revoked.proof;
      await (
        await ledgerAs(chain, chain.officers[0]!).revoke(
          p.root,
          p.leaf,
          statusTarget(chain.agency.agencyId, p.index, 1),
          p.proof,
        )
      ).wait();
      const run = await runCli([
        "verify",
        await writeJson("revoked.json", revoked),
        "--rpc",
        localChain.rpcUrl,
        "--ledger",
        chain.ledger,
      ]);
      expect(run.code).to.equal(EXIT.invalid);
      expect(run.stdout).to.match(/^✘ REVOKED$/m);
      expect(run.stdout).to.match(/revoked +certificate, reason keyCompromise at \d{4}-\S+ by 0x[0-9a-fA-F]{40}/);
    });

    it("exits 2 for a file it cannot read, or a --ledger that is not an address", async () => {
      const missing = await runCli([
        "verify",
        file("missing.json"),
        "--rpc",
        localChain.rpcUrl,
        "--ledger",
        chain.ledger,
      ]);
      expect(missing.code).to.equal(EXIT.usage);
      expect(missing.stderr).to.include("cannot read");
      const notAddress = await runCli(["verify", documentFile, "--rpc", localChain.rpcUrl, "--ledger", "ledger.eth"]);
      expect(notAddress.code).to.equal(EXIT.usage);
      expect(notAddress.stderr).to.include("not an address");
      expect(notAddress.stdout).to.equal("");
    });
  });

  describe("trust lists", () => {
    const signer = Wallet.createRandom();
    const listOf = (ledger: string, days = 30) => ({
      format: "certledger-trust-list/1",
      issuedAt: new Date(Date.now() - 86_400_000).toISOString(),
      expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
      deployments: [
        {
          chainId: chain.chainId,
          registry: chain.registry,
          ledger,
          name: { zh: "北京市证照服务", en: "Beijing certificates" },
          origins: ["https://cert.beijing.example"],
        },
      ],
    });
    const verifyWith = async (listFile: string, pinned: string) =>
      runCli([
        "verify",
        documentFile,
        "--rpc",
        localChain.rpcUrl,
        "--trust-list",
        listFile,
        "--trust-list-signer",
        pinned,
      ]);

    it("trust-list sign, verify and show make and check a list; verify with the signed list says VALID", async () => {
      const keyFile = file("trust.key");
      await writeFile(keyFile, `${signer.privateKey}\n`, { mode: 0o600 });
      const signed = file("trust-list.json");
      const sign = await runCli([
        "trust-list",
        "sign",
        await writeJson("unsigned.json", listOf(chain.ledger)),
        "--key-file",
        keyFile,
        "-o",
        signed,
      ]);
      expect(sign.code, sign.stderr).to.equal(0);
      expect(sign.stdout).to.include(signer.address);

      const checked = await runCli(["trust-list", "verify", signed, "--signer", signer.address]);
      expect(checked.code, checked.stderr).to.equal(0);
      const shown = await runCli(["trust-list", "show", signed, "--signer", signer.address]);
      expect(shown.stdout)
        .to.include("北京市证照服务 / Beijing certificates")
        .and.to.include(chain.ledger)
        .and.to.include("https://cert.beijing.example");
      const foreign = await runCli(["trust-list", "verify", signed, "--signer", Wallet.createRandom().address]);
      expect(foreign.code).to.equal(1);
      expect(foreign.stderr).to.include("WRONG_SIGNER");

      const run = await verifyWith(signed, signer.address);
      expect(run.code, run.stderr).to.equal(EXIT.valid);
      expect(run.stdout).to.match(/^✔ VALID$/m);
    });

    it("refuses a list signed by another key, altered after signing, or expired, and says nothing about the document", async () => {
      const attacker = Wallet.createRandom();
      const byAttacker = await writeJson("attacker-list.json", await signTrustList(listOf(chain.ledger), attacker));
      const altered = await signTrustList(listOf(chain.ledger), signer);
      (altered.list as { deployments: { ledger: string }[] }).deployments[0]!.ledger = Wallet.createRandom().address;
      const expired = await signTrustList(
        { ...listOf(chain.ledger), issuedAt: "2020-01-01T00:00:00Z", expiresAt: "2020-02-01T00:00:00Z" },
        signer,
      );
      for (const [listFile, code] of [
        [byAttacker, "WRONG_SIGNER"],
        [await writeJson("altered-list.json", altered), "WRONG_SIGNER"],
        [await writeJson("expired-list.json", expired), "EXPIRED"],
      ] as const) {
        const run = await verifyWith(listFile, signer.address);
        expect(run.code, listFile).to.equal(EXIT.usage);
        expect(run.stderr, listFile).to.include(`trust list refused (${code})`);
        expect(run.stdout, listFile).to.equal("");
      }
    });

    it("gives UNTRUSTED_LEDGER for a document whose ledger the list does not name", async () => {
      const other = await writeJson(
        "other-list.json",
        await signTrustList(listOf(Wallet.createRandom().address), signer),
      );
      const run = await verifyWith(other, signer.address);
      expect(run.code).to.equal(EXIT.invalid);
      expect(run.stdout).to.match(/^✘ UNTRUSTED_LEDGER$/m);
    });
  });

  describe("the engine as the CLI and the service run it, over createProvider's JSON-RPC", () => {
    it("makes one eth_call and no other request per verification when the anchoring transaction is known", async () => {
      const rpc = createProvider(localChain.rpcUrl, { chainId: localChain.chainId });
      const methods: string[] = [];
      const send = rpc._send.bind(rpc);
      rpc._send = (payload) => {
        methods.push(...[payload].flat().map((p) => p.method));
        return send(payload);
      };
      const deps = {
        keccak: chain.keccak,
        types: chain.types,
        trust: trustOnly(new EthersLedgerView(rpc, chain.ledger), chain.chainId),
      };
      for (const verified of batch.documents.slice(0, 2)) {
        const result = await verifyDocument(verified, deps, {
          now: new Date(),
          knownAnchor: { txHash: batch.txHash, blockNumber: batch.blockNumber },
        });
        expect(result.status).to.equal("VALID");
      }
      expect(methods).to.deep.equal(["eth_call", "eth_call"]);
      rpc.destroy();
    });
  });

  describe("disclose", () => {
    it("writes a document that shows only the kept field and still verifies VALID", async () => {
      const out = file("disclosed.json");
      const run = await runCli(["disclose", documentFile, "--keep", "subject.companyName", "-o", out]);
      expect(run.code, run.stderr).to.equal(0);
      const text = await readFile(out, "utf8");
      const disclosed = JSON.parse(text) as CertificateDocument;
      expect(disclosed.subject).to.deep.equal({ companyName: document().subject.companyName });
      for (const [name, value] of Object.entries(document().subject)) {
        if (name === "companyName") continue;
        expect(disclosed.hidden, name).to.have.property(`subject.${name}`);
        if (typeof value === "string") expect(text, name).to.not.include(value);
      }
      expect(disclosed.issuer.name, "the issuer is never hidden").to.equal(chain.agency.name);

      const verified = await runCli(["verify", out, "--rpc", localChain.rpcUrl, "--ledger", chain.ledger, "--json"]);
      expect(verified.code, verified.stderr).to.equal(EXIT.valid);
      const result = JSON.parse(verified.stdout) as VerificationResult;
      expect(result.status).to.equal("VALID");
      expect(result.certificate?.hiddenFields).to.include("subject.uscc");
    });
  });

  describe("wrap", () => {
    it("writes one document per row and batch.json whose root is the tree of the documents' leaves; the batch anchors and verifies", async () => {
      const rows = [11, 12, 13, 14, 15].map((n) => licenceRow(n));
      const input = file("licences.csv");
      await writeFile(input, `${CSV_COLUMNS.join(",")}\n${rows.join("\n")}\n`);
      const out = file("wrapped");
      const run = await runCli([
        "wrap",
        input,
        "--type",
        "business-licence",
        "--agency-id",
        "1",
        "--issuer-name",
        chain.agency.name,
        "--jurisdiction",
        "110000",
        "-o",
        out,
      ]);
      expect(run.code, run.stderr).to.equal(0);

      const names = (await readdir(out)).filter((name) => name !== "batch.json");
      expect(names).to.have.length(rows.length);
      const documents = await Promise.all(
        names.map(async (name) => JSON.parse(await readFile(join(out, name), "utf8")) as BatchedDocument),
      );
      documents.sort((a, b) => a.proof.index - b.proof.index);
      expect(documents.map((d) => d.proof.index)).to.deep.equal([0, 1, 2, 3, 4]);
      expect(documents.map((d) => d.subject.uscc)).to.deep.equal(
        [11, 12, 13, 14, 15].map((n) => sampleInputs(n)["business-licence"]!.subject.uscc),
      );
      const leaves = documents.map((d) => computeLeaf(d, chain.keccak));
      const written = JSON.parse(await readFile(join(out, "batch.json"), "utf8")) as {
        root: string;
        size: number;
        typeIds: number[];
        leaves: string[];
      };
      expect(written.root).to.equal(CertificateBatchTree.of(leaves, chain.keccak).root);
      expect(written).to.deep.include({
        size: rows.length,
        typeIds: [chain.types.get("business-licence").typeId],
        leaves,
      });
      for (const d of documents) expect(verifyOffline(d, chain.keccak, chain.types).passed, d.id).to.equal(true);

      const receipt = await (
        await ledgerAs(chain, chain.officers[0]!).anchor(written.root, written.typeIds[0]!, written.size)
      ).wait();
      const anchored = attachAnchor(documents[3]!, {
        chainId: chain.chainId,
        ledger: chain.ledger,
        txHash: receipt!.hash,
      });
      const result = await verifyDocument(
        anchored,
        {
          keccak: chain.keccak,
          types: chain.types,
          trust: trustOnly(new EthersLedgerView(provider, chain.ledger), chain.chainId),
        },
        { now: new Date() },
      );
      expect(result.status).to.equal("VALID");
    });

    it("reports each invalid field of a bad row and exits non-zero, writing nothing", async () => {
      const input = file("bad.csv");
      const uscc = String(sampleInputs(22)["business-licence"]!.subject.uscc);
      const badUscc = uscc.slice(0, 17) + (uscc.endsWith("0") ? "1" : "0");
      const rows = [licenceRow(21), licenceRow(22, { uscc: badUscc, establishmentDate: "2019-02-30" })];
      await writeFile(input, `${CSV_COLUMNS.join(",")}\n${rows.join("\n")}\n`);
      const out = file("bad-out");
      const run = await runCli([
        "wrap",
        input,
        "--type",
        "business-licence",
        "--agency-id",
        "1",
        "--issuer-name",
        "X",
        "--jurisdiction",
        "110000",
        "-o",
        out,
      ]);
      expect(run.code).to.not.equal(0);
      expect(run.stderr).to.match(/subject\.uscc: /);
      expect(run.stderr).to.match(/subject\.establishmentDate: /);
      await mkdir(out, { recursive: true });
      expect(await readdir(out)).to.deep.equal([]);
    });

    it("refuses an NDJSON file that mixes certificate types (the ledger anchors a batch under one type)", async () => {
      const samples = sampleInputs(31);
      const lines = [samples["business-licence"]!, samples.diploma!].map(({ issuer: _issuer, ...input }) =>
        JSON.stringify(input),
      );
      const input = file("mixed.ndjson");
      await writeFile(input, `${lines.join("\n")}\n`);
      const out = file("mixed-out");
      const run = await runCli([
        "wrap",
        input,
        "--agency-id",
        "1",
        "--issuer-name",
        "X",
        "--jurisdiction",
        "110000",
        "-o",
        out,
      ]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include("mixes certificate types");
      await mkdir(out, { recursive: true });
      expect(await readdir(out)).to.deep.equal([]);
    });
  });
});
