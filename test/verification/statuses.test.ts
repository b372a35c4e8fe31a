import { expect } from "chai";
import { BrowserProvider, Wallet, type Eip1193Provider } from "ethers";
import { network } from "hardhat";
import { AgencyRegistry__factory } from "../../types/ethers-contracts/index.ts";
import { bindOfficer } from "../../server/chain/officerConsent.ts";
import { EthersLedgerView } from "../../server/chain/ledgerView.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { attachAnchor } from "../../server/core/batch/wrap.ts";
import { disclose } from "../../server/core/document/disclose.ts";
import type { BatchedDocument, CertificateInput } from "../../server/core/document/model.ts";
import { BUILTIN_TYPE_DEFINITIONS, builtinTypes } from "../../server/core/registry/builtin.ts";
import { CertificateTypeRegistry, schemaHash } from "../../server/core/registry/registry.ts";
import type { ChainCheckOptions } from "../../server/core/verification/engine.ts";
import { unknownCertificateResult } from "../../server/core/verification/engine.ts";
import type { LedgerView } from "../../server/core/verification/ledgerView.ts";
import {
  VERIFICATION_STATUSES,
  type VerificationResult,
  type VerificationStatus,
} from "../../server/core/verification/result.ts";
import { TrustAnchors } from "../../server/core/trust/deployments.ts";
import { trustOnly, type TrustPolicy } from "../../server/core/verification/trust.ts";
import {
  isPresentationLive,
  presentationExpiredResult,
  presentedResult,
} from "../../server/core/verification/presentation.ts";
import { verifyDocument } from "../../server/core/verification/verifyDocument.ts";
import { freePort } from "../chain/helpers.ts";
import { sampleInputs } from "../../scripts/support/samples.ts";
import {
  DEV_ROLE_KEYS,
  anchorWrapped,
  byAgency,
  deployOnChain,
  issue,
  ledgerAs,
  wrapInputs,
  type AnchoredBatch,
  type OnChainCertledger,
  devKey,
} from "./support/onChain.ts";
import {
  changedValue,
  clone,
  expectStatus,
  expectWellFormed,
  primitives,
  reversedKeys,
  setValue,
  valueAt,
} from "./support/results.ts";
import { statusTarget } from "../../server/chain/statusTarget.ts";

const connection = await network.create();
const { networkHelpers } = connection;
const provider = connection.ethers.provider;

/** Inside every shipped type's validity window. */
const NOW = new Date("2026-06-01T00:00:00Z");
const HOUR = 3600;
const REASON = { keyCompromise: 1, cessationOfOperation: 5, certificateHold: 6 } as const;
const TYPE_NAMES = builtinTypes()
  .list()
  .map((t) => t.name);

/** A type this verifier does not ship, defined on chain for the test. */
const FISHING_LICENCE = {
  name: "fishing-licence",
  version: 1,
  typeId: 20,
  labels: { zh: "捕捞许可证", en: "Fishing licence" },
  validUntilRequired: false,
  fields: [{ name: "holderName", type: "string", maxLength: 50, required: true, labels: { zh: "姓名", en: "Name" } }],
};

describe("verification against a real chain: every status", function () {
  this.timeout(120_000);

  let chain: OnChainCertledger;
  let ledgerView: EthersLedgerView;
  /** one anchored batch of three documents per shipped type */
  const byType = new Map<string, AnchoredBatch>();
  const seen = new Set<VerificationStatus>();

  function inputsOf(type: string, count: number, overrides: Partial<CertificateInput> = {}): CertificateInput[] {
    return Array.from({ length: count }, (_, i) => byAgency(sampleInputs(100 + i)[type]!, chain.agency, overrides));
  }

  function batchOf(type: string): AnchoredBatch {
    const batch = byType.get(type);
    if (!batch) throw new Error(`no batch of ${type}`);
    return batch;
  }

  function first(batch: AnchoredBatch): BatchedDocument {
    return batch.documents[0]!;
  }

  async function verify(
    input: unknown,
    options: Partial<ChainCheckOptions> = {},
    ledger: LedgerView | TrustPolicy = ledgerView,
    types = chain.types,
  ): Promise<VerificationResult> {
    const trust = "anchors" in ledger ? ledger : trustOnly(ledger, chain.chainId);
    const result = await verifyDocument(input, { keccak: chain.keccak, types, trust }, { now: NOW, ...options });
    expectWellFormed(result);
    seen.add(result.status);
    return result;
  }

  before(async () => {
    chain = await deployOnChain(provider, DEV_ROLE_KEYS, builtinTypes());
    ledgerView = new EthersLedgerView(provider, chain.ledger, { fromBlock: chain.deploymentBlock });
    for (const type of TYPE_NAMES) byType.set(type, await issue(chain, inputsOf(type, 3)));
  });

  after(async () => {
    await connection.close();
  });

  describe("VALID", () => {
    it("an anchored document of every shipped type passes every check in order, with what the chain recorded", async () => {
      for (const type of TYPE_NAMES) {
        const batch = batchOf(type);
        for (const document of batch.documents) {
          const result = await verify(document);
          expectStatus(result, "VALID");
          expect(result.certificate).to.include({ id: document.id, type });
          expect(result.certificate?.hiddenFields).to.deep.equal([]);
          expect(result.anchor).to.include({
            chainId: chain.chainId,
            ledger: chain.ledger,
            root: batch.root,
            txHash: batch.txHash,
            officer: chain.officers[0]!.address,
            agencyId: chain.agency.agencyId,
            jurisdiction: chain.agency.jurisdiction,
            agencyStatus: "active",
          });
          expect(result.revocation).to.equal(undefined);
          expect(result.warnings).to.deep.equal([]);
        }
      }
    });

    it("reads the anchoring transaction from the logs when asked (as the CLI does)", async () => {
      const batch = batchOf("diploma");
      const result = await verify(first(batch), { lookupAnchorEvent: true });
      expectStatus(result, "VALID");
      expect(result.anchor).to.include({ txHash: batch.txHash, blockNumber: batch.blockNumber });
      const block = await provider.getBlock(batch.blockNumber);
      expect(result.anchor?.anchoredAt).to.equal(new Date(block!.timestamp * 1000).toISOString());
    });

    it("makes exactly one eth_call, and no other request, when the anchoring transaction is known", async () => {
      const methods: string[] = [];
      const counting: Eip1193Provider = {
        request: async (request): Promise<unknown> => {
          methods.push(request.method);
          return connection.provider.request(request);
        },
      };
      const countingProvider = new BrowserProvider(counting, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
      const view = new EthersLedgerView(countingProvider, chain.ledger);
      const batch = batchOf("business-licence");
      const result = await verify(
        first(batch),
        { knownAnchor: { txHash: batch.txHash, blockNumber: batch.blockNumber } },
        view,
      );
      expectStatus(result, "VALID");
      expect(result.anchor).to.include({ txHash: batch.txHash, blockNumber: batch.blockNumber });
      expect(methods).to.deep.equal(["eth_call"]);
      countingProvider.destroy();
    });

    it("a superseded certificate still verifies, with a warning naming its successor", async () => {
      const successor = first(batchOf("food-business-permit")).id;
      const result = await verify(first(batchOf("business-licence")), { supersededBy: [successor] });
      expectStatus(result, "VALID");
      expect(result.warnings).to.deep.equal([
        { code: "SUPERSEDED", params: { id: successor }, message: `superseded by ${successor}` },
      ]);
    });

    it("disclosed documents of every type verify, and their hidden values appear nowhere in them or in the result", async () => {
      for (const type of TYPE_NAMES) {
        const document = first(batchOf(type));
        const [kept, ...others] = Object.keys(document.subject);
        const disclosed = disclose(document, [`subject.${kept!}`], chain.keccak);
        const text = JSON.stringify(disclosed);
        const result = await verify(text);
        expectStatus(result, "VALID");
        const hiddenPaths = [
          ...others.map((name) => `subject.${name}`),
          "issuedAt",
          ...(document.supersedes ? ["supersedes"] : []),
        ];
        expect(Object.keys(disclosed.hidden ?? {})).to.have.members(hiddenPaths);
        expect(result.certificate?.hiddenFields).to.have.members(hiddenPaths);
        expect(Object.keys(disclosed.subject)).to.deep.equal([kept]);
        const shown = new Set(primitives(disclosed));
        const resultText = JSON.stringify(result);
        for (const path of hiddenPaths) {
          const value = valueAt(document, path);
          // a university issuing its own diploma names itself as the institution: shown as the issuer
          if (value === document.issuer.name) continue;
          expect(shown.has(value), `${type} ${path} in a value`).to.equal(false);
          if (typeof value === "string" && value.length >= 4) {
            expect(text, `${type} ${path} in the document`).to.not.include(value);
            expect(resultText, `${type} ${path} in the result`).to.not.include(value);
          }
        }
      }
    });
  });

  describe("MALFORMED", () => {
    it("for what is not a certledger/1 document, and for a document without its proof block", async () => {
      const unproven: Partial<BatchedDocument> = clone(first(batchOf("diploma")));
      delete unproven.proof;
      for (const input of ["not json at all", "{}", { hello: "world" }, null, 42, unproven, JSON.stringify(unproven)]) {
        const result = await verify(input);
        expectStatus(result, "MALFORMED", "format");
        expect(result.checks).to.have.length(1);
        expect(result.certificate).to.equal(null);
        expect(result.anchor).to.equal(null);
      }
    });
  });

  describe("TAMPERED", () => {
    it("changing the value of any field of any shipped type", async () => {
      let tried = 0;
      for (const type of TYPE_NAMES) {
        const document = first(batchOf(type));
        for (const path of Object.keys(document.salts)) {
          const tampered = clone(document);
          setValue(tampered, path, changedValue(valueAt(document, path)));
          const result = await verify(tampered);
          expect(result.status, `${type} ${path}`).to.equal("TAMPERED");
          expect(result.checks.at(-1)).to.include({ name: "integrity", passed: false });
          tried++;
        }
      }
      expect(tried).to.be.greaterThan(60);
    });

    it("but re-ordered keys and other whitespace still verify VALID", async () => {
      for (const type of TYPE_NAMES) {
        const document = first(batchOf(type));
        for (const text of [
          JSON.stringify(reversedKeys(document)),
          JSON.stringify(reversedKeys(document), null, 4),
          `\r\n ${JSON.stringify(document, null, "\t").replace(/\n/g, "\r\n")}\n\n`,
        ]) {
          expectStatus(await verify(text), "VALID");
        }
      }
    });

    it("a proof that does not lead to the root: another certificate's, or a changed sibling", async () => {
      const [a, b] = batchOf("driving-licence").documents as [BatchedDocument, BatchedDocument];
      const borrowed = clone(a);
      borrowed.proof.proof = [...b.proof.proof];
      borrowed.proof.index = b.proof.index;
      const altered = clone(a);
      altered.proof.proof[0] = "0x" + "ab".repeat(32);
      for (const tampered of [borrowed, altered]) {
        expectStatus(await verify(tampered), "TAMPERED", "merkleProof");
      }
    });
  });

  describe("NOT_ANCHORED", () => {
    it("a batch whose root was never anchored on this ledger", async () => {
      const wrapped = wrapInputs(chain, inputsOf("diploma", 2));
      const document = attachAnchor(wrapped.documents[0]!, {
        chainId: chain.chainId,
        ledger: chain.ledger,
        txHash: "0x" + "12".repeat(32),
      });
      const result = await verify(document);
      expectStatus(result, "NOT_ANCHORED", "anchored");
      expect(result.checks.at(-2)).to.include({ name: "network", passed: true });
    });

    it("a document whose proof names no chain or ledger yet, without asking the chain", async () => {
      const wrapped = wrapInputs(chain, inputsOf("diploma", 2));
      const untouchable: LedgerView = {
        ledger: chain.ledger,
        verifyLeaf: () => Promise.reject(new Error("the chain was asked")),
        anchorEvent: () => Promise.reject(new Error("the chain was asked")),
        statusEvent: () => Promise.reject(new Error("the chain was asked")),
        restorationEvent: () => Promise.reject(new Error("the chain was asked")),
      };
      const result = await verify(wrapped.documents[1]!, {}, untouchable);
      expectStatus(result, "NOT_ANCHORED", "network");
    });
  });

  describe("UNTRUSTED_LEDGER", () => {
    it("a document anchored, it says, on another chain id: a ledger is trusted on its chain only", async () => {
      const document = clone(first(batchOf("diploma")));
      document.proof.chainId = 1;
      const result = await verify(document);
      expectStatus(result, "UNTRUSTED_LEDGER", "network");
      expect(result.checks.at(-1)?.detail)
        .to.include(`on chain 1, which this verifier does not recognise`)
        .and.to.include(`chain ${chain.chainId}`);
    });

    it("a document genuinely anchored on another ledger than the one this verifier trusts, whatever that ledger says", async () => {
      const rogue = await deployOnChain(provider, DEV_ROLE_KEYS, builtinTypes());
      const elsewhere = await issue(rogue, inputsOf("diploma", 1));
      expectStatus(await verify(first(elsewhere), {}, new EthersLedgerView(provider, rogue.ledger)), "VALID");
      const result = await verify(first(elsewhere));
      expectStatus(result, "UNTRUSTED_LEDGER", "network");
      expect(result.checks.at(-1)?.detail).to.include(rogue.ledger).and.to.include(chain.ledger);
      expect(result.anchor).to.equal(null);
    });
  });

  describe("WRONG_NETWORK", () => {
    it("a ledger address that holds no contract on this chain", async () => {
      const nowhere = Wallet.createRandom().address;
      const document = clone(first(batchOf("diploma")));
      document.proof.ledger = nowhere;
      const result = await verify(document, {}, new EthersLedgerView(provider, nowhere));
      expectStatus(result, "WRONG_NETWORK", "network");
    });

    it("a trusted deployment on a chain this verifier does not read", async () => {
      const document = clone(first(batchOf("diploma")));
      document.proof.chainId = 5;
      const policy: TrustPolicy = {
        anchors: TrustAnchors.of([{ chainId: 5, ledger: chain.ledger }]),
        ledgerFor: () => null,
      };
      const result = await verify(document, {}, policy);
      expectStatus(result, "WRONG_NETWORK", "network");
      expect(result.checks.at(-1)?.detail).to.include("RPC endpoint of chain 5");
    });
  });

  describe("ISSUER_UNAUTHORIZED", () => {
    it("a batch anchored by an officer declared compromised since before it; earlier batches stay valid", async () => {
      const officer = chain.officers[1]!;
      const early = await issue(chain, inputsOf("professional-qualification", 2), officer);
      await networkHelpers.time.increase(HOUR);
      const late = await issue(chain, inputsOf("professional-qualification", 2), officer);
      const lateAt = (await provider.getBlock(late.blockNumber))!.timestamp;
      const registry = AgencyRegistry__factory.connect(chain.registry, chain.admin);
      // compromised since half-way between the two anchorings
      await (await registry.declareOfficerCompromised(officer.address, lateAt - HOUR / 2)).wait();

      const result = await verify(first(late));
      expectStatus(result, "ISSUER_UNAUTHORIZED", "issuer");
      expect(result.checks.at(-1)?.detail).to.include("compromised");
      expect(result.anchor).to.include({ officer: officer.address });
      expectStatus(await verify(first(early)), "VALID");
    });

    it("a document claiming another jurisdiction than the chain records for the anchoring agency", async () => {
      const otherJurisdiction = await issue(
        chain,
        inputsOf("business-licence", 1, {
          issuer: { agencyId: chain.agency.agencyId, name: chain.agency.name, jurisdiction: "120000" },
        }),
      );
      const byJurisdiction = await verify(first(otherJurisdiction));
      expectStatus(byJurisdiction, "ISSUER_UNAUTHORIZED", "issuer");
      expect(byJurisdiction.checks.at(-1)?.detail).to.include("110000").and.to.include("120000");
    });

    it("a batch anchored under another certificate type than its documents'", async () => {
      const wrapped = wrapInputs(chain, inputsOf("business-licence", 1));
      const diploma = chain.types.get("diploma").typeId;
      const receipt = await (await ledgerAs(chain, chain.officers[0]!).anchor(wrapped.root, diploma, 1)).wait();
      const document = attachAnchor(wrapped.documents[0]!, {
        chainId: chain.chainId,
        ledger: chain.ledger,
        txHash: receipt!.hash,
      });
      expectStatus(await verify(document), "ISSUER_UNAUTHORIZED", "issuer");
    });
  });

  /** Agency 2 (Tianjin), registered on chain with one officer (DEV-ONLY key 5), unknown to the documents' agency. */
  async function deployedRival(): Promise<Wallet> {
    const governed = AgencyRegistry__factory.connect(chain.registry, chain.governance);
    const rival = new Wallet(devKey(5), provider);
    if ((await governed.officer(rival.address)).status === 0n) {
      const mask = chain.types.list().reduce((bits, type) => bits | (1n << BigInt(type.typeId)), 0n);
      await (await governed.registerAgency(2, 120000, "0x" + "22".repeat(32), chain.admin.address, mask)).wait();
      await bindOfficer(governed.connect(chain.admin), rival, 2);
    }
    return rival;
  }

  describe("batches keyed by agency and root", () => {
    it("a document naming another agency than the one that anchored its root finds no batch of that agency", async () => {
      const otherAgency = await issue(
        chain,
        inputsOf("business-licence", 1, {
          issuer: { agencyId: 2, name: "天津市市场监督管理委员会", jurisdiction: "120000" },
        }),
      );
      const result = await verify(first(otherAgency));
      expectStatus(result, "NOT_ANCHORED", "anchored");
    });

    it("a rival agency anchoring the same root (first or later) changes nothing for the issuing agency's documents", async () => {
      const rival = await deployedRival();
      const wrapped = wrapInputs(chain, inputsOf("diploma", 3));
      const diploma = chain.types.get("diploma").typeId;
      await (await ledgerAs(chain, rival).anchor(wrapped.root, diploma, 1)).wait();
      const receipt = await (await ledgerAs(chain, chain.officers[0]!).anchor(wrapped.root, diploma, 3)).wait();
      const document = attachAnchor(wrapped.documents[2]!, {
        chainId: chain.chainId,
        ledger: chain.ledger,
        txHash: receipt!.hash,
      });
      const result = await verify(document, { lookupAnchorEvent: true });
      expectStatus(result, "VALID");
      expect(result.anchor).to.include({
        officer: chain.officers[0]!.address,
        agencyId: chain.agency.agencyId,
        txHash: receipt!.hash,
      });
    });
  });

  describe("REVOKED and SUSPENDED", () => {
    it("a revoked certificate, with reason and time; the rest of its batch stays valid", async () => {
      const batch = await issue(chain, inputsOf("food-business-permit", 3));
      const [revoked, untouched] = batch.documents as [BatchedDocument, BatchedDocument];
      const ledger = ledgerAs(chain, chain.officers[0]!);
      const p = revoked.proof;
      const receipt = await (
        await ledger.revoke(p.root, p.leaf, statusTarget(chain.agency.agencyId, p.index, REASON.keyCompromise), p.proof)
      ).wait();
      const at = new Date((await provider.getBlock(receipt!.blockNumber))!.timestamp * 1000).toISOString();

      const result = await verify(revoked);
      expectStatus(result, "REVOKED", "status");
      expect(result.revocation).to.deep.equal({
        state: "revoked",
        scope: "certificate",
        reason: "keyCompromise",
        reasonCode: REASON.keyCompromise,
        at,
        txHash: receipt!.hash,
        actor: chain.officers[0]!.address,
        byGovernance: false,
      });
      expectStatus(await verify(untouched), "VALID");
    });

    it("every certificate of a batch revoked as a whole", async () => {
      const batch = await issue(chain, inputsOf("driving-licence", 3));
      await (
        await ledgerAs(chain, chain.officers[0]!).revokeBatch(
          chain.agency.agencyId,
          batch.root,
          REASON.cessationOfOperation,
        )
      ).wait();
      for (const document of batch.documents) {
        const result = await verify(document);
        expectStatus(result, "REVOKED", "status");
        expect(result.revocation).to.include({
          state: "revoked",
          scope: "batch",
          reason: "cessationOfOperation",
          reasonCode: 5,
        });
        expect(result.revocation?.at).to.be.a("string");
      }
    });

    it("a certificate a stolen key revoked, restored by governance: VALID, and the result shows the restoration", async () => {
      // a key of the agency (DEV-ONLY key 6) that is later declared compromised
      const thief = new Wallet(devKey(6), provider);
      await bindOfficer(AgencyRegistry__factory.connect(chain.registry, chain.admin), thief, chain.agency.agencyId);
      const batch = await issue(chain, inputsOf("diploma", 2));
      const document = first(batch);
      const p = document.proof;
      const revokedAt = (await provider.getBlock("latest"))!.timestamp;
      await (
        await ledgerAs(chain, thief).revoke(
          p.root,
          p.leaf,
          statusTarget(chain.agency.agencyId, p.index, REASON.keyCompromise),
          p.proof,
        )
      ).wait();
      const revoked = await verify(document);
      expectStatus(revoked, "REVOKED", "status");
      expect(revoked.revocation).to.include({ actor: thief.address, byGovernance: false });

      const registry = AgencyRegistry__factory.connect(chain.registry, chain.governance);
      await (await registry.declareOfficerCompromised(thief.address, revokedAt)).wait();
      const restored = await (
        await ledgerAs(chain, chain.governance).restoreCertificate(
          chain.agency.agencyId,
          p.root,
          p.leaf,
          p.index,
          p.proof,
          thief.address,
        )
      ).wait();
      const result = await verify(document, { lookupAnchorEvent: true });
      expectStatus(result, "VALID");
      expect(result.restoration).to.deep.include({
        scope: "certificate",
        actor: chain.governance.address,
        undid: thief.address,
        txHash: restored!.hash,
      });
      expect(result.checks.find((c) => c.name === "status")?.detail).to.include(thief.address);
    });

    it("a suspended certificate, valid again once reinstated", async () => {
      const batch = await issue(chain, inputsOf("diploma", 2));
      const document = first(batch);
      const p = document.proof;
      const ledger = ledgerAs(chain, chain.officers[0]!);
      await (
        await ledger.suspend(
          p.root,
          p.leaf,
          statusTarget(chain.agency.agencyId, p.index, REASON.certificateHold),
          p.proof,
        )
      ).wait();
      const suspended = await verify(document);
      expectStatus(suspended, "SUSPENDED", "status");
      expect(suspended.revocation).to.include({
        state: "suspended",
        scope: "certificate",
        reason: "certificateHold",
        reasonCode: 6,
      });

      await (await ledger.reinstate(p.root, p.leaf, statusTarget(chain.agency.agencyId, p.index, 0), p.proof)).wait();
      const reinstated = await verify(document);
      expectStatus(reinstated, "VALID");
      expect(reinstated.revocation).to.equal(undefined);
    });
  });

  describe("EXPIRED and NOT_YET_VALID (injected clock)", () => {
    it("before validFrom, inside the window, after validUntil", async () => {
      const document = first(batchOf("food-business-permit"));
      const validFrom = Date.parse(document.validFrom);
      const validUntil = Date.parse(document.validUntil!);
      expectStatus(await verify(document, { now: new Date(validFrom - 1000) }), "NOT_YET_VALID", "validity");
      expectStatus(await verify(document, { now: new Date(validFrom) }), "VALID");
      expectStatus(await verify(document, { now: new Date(validUntil) }), "VALID");
      const expired = await verify(document, { now: new Date(validUntil + 1000) });
      expectStatus(expired, "EXPIRED", "validity");
      expect(expired.checks.at(-1)?.detail).to.include(document.validUntil!);
    });

    it("a certificate with no expiry never expires", async () => {
      expectStatus(await verify(first(batchOf("diploma")), { now: new Date("2199-01-01T00:00:00Z") }), "VALID");
    });
  });

  describe("UNKNOWN_CERTIFICATE", () => {
    it("a document of a type this verifier does not know (anchored under a type defined on chain)", async () => {
      const extended = CertificateTypeRegistry.fromDefinitions([...BUILTIN_TYPE_DEFINITIONS, FISHING_LICENCE]);
      const governed = AgencyRegistry__factory.connect(chain.registry, chain.governance);
      await (
        await governed.defineCertificateType(
          FISHING_LICENCE.typeId,
          schemaHash(extended.get(FISHING_LICENCE.name), chain.keccak),
        )
      ).wait();
      const mask = extended.list().reduce((bits, type) => bits | (1n << BigInt(type.typeId)), 0n);
      await (await governed.setAgencyCertificateTypes(chain.agency.agencyId, mask)).wait();
      const fishing = { ...chain, types: extended };
      const input: CertificateInput = {
        type: FISHING_LICENCE.name,
        issuer: { agencyId: chain.agency.agencyId, name: chain.agency.name, jurisdiction: chain.agency.jurisdiction },
        subject: { holderName: "钱示例" },
        validFrom: "2025-01-01T00:00:00+08:00",
      };
      const batch = await anchorWrapped(fishing, wrapInputs(fishing, [input]), chain.officers[0]!);

      const result = await verify(first(batch));
      expectStatus(result, "UNKNOWN_CERTIFICATE", "issuer");
      expect(result.checks.map((c) => c.name)).to.deep.equal(["format", "integrity", "merkleProof", "issuer"]);
      expect(result.certificate?.type).to.equal(FISHING_LICENCE.name);
      expectStatus(await verify(first(batch), {}, ledgerView, extended), "VALID");
    });

    it("a certificate id nobody here has heard of", () => {
      const result = unknownCertificateResult("01JZZZZZZZZZZZZZZZZZZZZZZZ");
      expectStatus(result, "UNKNOWN_CERTIFICATE", "format");
      expect(result.certificate).to.equal(null);
      seen.add(result.status);
    });
  });

  describe("UNAVAILABLE", () => {
    it("a chain that cannot be reached gives UNAVAILABLE, never a verdict, whatever the certificate's state", async () => {
      const port = await freePort();
      const unreachable = createProvider(`http://127.0.0.1:${port}`, { chainId: chain.chainId, timeoutMs: 5_000 });
      const view = new EthersLedgerView(unreachable, chain.ledger);
      const revokedBatch = await issue(chain, inputsOf("food-business-permit", 1));
      await (
        await ledgerAs(chain, chain.officers[0]!).revokeBatch(
          chain.agency.agencyId,
          revokedBatch.root,
          REASON.keyCompromise,
        )
      ).wait();
      for (const document of [first(batchOf("business-licence")), first(revokedBatch)]) {
        for (const options of [{}, { lookupAnchorEvent: true }]) {
          const result = await verify(document, options, view);
          expectStatus(result, "UNAVAILABLE", "anchored");
          expect(result.checks.map((c) => [c.name, c.passed])).to.deep.equal([
            ["format", true],
            ["integrity", true],
            ["merkleProof", true],
            ["anchored", false],
          ]);
          expect(result.certificate?.id).to.equal(document.id);
        }
      }
      unreachable.destroy();
    });
  });

  describe("PRESENTATION_EXPIRED", () => {
    it("a live presentation carries the chain's verdict on the chosen fields; past its time or withdrawn it shows nothing", async () => {
      const now = Date.now();
      const window = {
        presentedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 300_000).toISOString(),
        fields: ["holderName"],
        withdrawnAt: null,
      };
      const live = presentedResult(await verify(first(batchOf("driving-licence")), {}), window);
      expectStatus(live, "VALID");
      expect(Object.keys(live.certificate!.subject)).to.deep.equal(["holderName"]);
      expect(isPresentationLive(window, new Date(now + 299_999))).to.equal(true);
      expect(isPresentationLive(window, new Date(now + 300_000))).to.equal(false);
      const withdrawn = { ...window, withdrawnAt: new Date(now + 1000).toISOString() };
      expect(isPresentationLive(withdrawn, new Date(now + 2000))).to.equal(false);
      for (const ended of [window, withdrawn]) {
        const result = presentationExpiredResult(ended);
        expectStatus(result, "PRESENTATION_EXPIRED", "validity");
        expect(result.certificate).to.equal(null);
        seen.add(result.status);
      }
    });
  });

  describe("the fixed list", () => {
    it("every status was produced by the tests above (nested suites run in order)", () => {
      expect([...seen].sort()).to.deep.equal([...VERIFICATION_STATUSES].sort());
    });
  });
});
