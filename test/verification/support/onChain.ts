// A deployed certledger on any chain (the in-process Hardhat network or a local anvil): contracts,
// the shipped certificate types, one agency with its admin and officers, and helpers that wrap
// and anchor batches of documents as the service does.
import { HDNodeWallet, Wallet, type Provider } from "ethers";
import { CertificateLedger__factory, type CertificateLedger } from "../../../types/ethers-contracts/index.ts";
import { DEV_MNEMONIC } from "../../../server/chain/localChain/devAccounts.ts";
import { attachAnchor, wrapBatch, type WrappedBatch } from "../../../server/core/batch/wrap.ts";
import type { BatchedDocument, CertificateInput } from "../../../server/core/document/model.ts";
import { Keccak256 } from "../../../server/core/hashing/keccak.ts";
import type { CertificateTypeRegistry } from "../../../server/core/registry/registry.ts";
import { deployWithAgency } from "../../../scripts/support/deployWithAgency.ts";

export interface OnChainAgency {
  agencyId: number;
  name: string;
  jurisdiction: string;
}

/** DEV-ONLY private keys of the accounts playing each role (public test keys). */
export interface RoleKeys {
  governance: string;
  admin: string;
  officers: readonly string[];
}

export interface OnChainCertledger {
  provider: Provider;
  chainId: number;
  ledger: string;
  registry: string;
  deploymentBlock: number;
  keccak: Keccak256;
  types: CertificateTypeRegistry;
  agency: OnChainAgency;
  governance: Wallet;
  admin: Wallet;
  officers: Wallet[];
}

export interface AnchoredBatch extends Omit<WrappedBatch, "documents"> {
  /** with chainId, ledger and txHash filled in, as holders receive them */
  documents: BatchedDocument[];
  txHash: string;
  blockNumber: number;
}

/** DEV-ONLY: the key of default account `index` of Hardhat and anvil (the public test mnemonic). */
export const devKey = (index: number): string =>
  HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0").deriveChild(index).privateKey;

/** DEV-ONLY: governance 0, agency admin 2, officers 1 and 3 (the embedded mode's roles, plus one). */
export const DEV_ROLE_KEYS: RoleKeys = { governance: devKey(0), admin: devKey(2), officers: [devKey(1), devKey(3)] };

export const TEST_AGENCY: OnChainAgency = { agencyId: 1, name: "北京市市场监督管理局", jurisdiction: "110000" };

/**
 * Deploys the contracts from `keys.governance`, defines every type of `types`, registers the agency
 * (authorised for all of them) with `keys.admin` as its admin, and adds each officer.
 */
export async function deployOnChain(
  provider: Provider,
  keys: RoleKeys,
  types: CertificateTypeRegistry,
  agency: OnChainAgency = TEST_AGENCY,
): Promise<OnChainCertledger> {
  const keccak = await Keccak256.create();
  const governance = new Wallet(keys.governance, provider);
  const admin = new Wallet(keys.admin, provider);
  const officers = keys.officers.map((key) => new Wallet(key, provider));
  const { chainId } = await provider.getNetwork();
  const deployed = await deployWithAgency({ governance, admin, officers, types, keccak, agency });
  return {
    provider,
    chainId: Number(chainId),
    ledger: deployed.ledger,
    registry: deployed.registry,
    deploymentBlock: deployed.deploymentBlock,
    keccak,
    types,
    agency,
    governance,
    admin,
    officers,
  };
}

/** The ledger as `signer` sees it. */
export function ledgerAs(chain: OnChainCertledger, signer: Wallet): CertificateLedger {
  return CertificateLedger__factory.connect(chain.ledger, signer);
}

/** `input` issued by the test agency (the samples name other agencies). */
export function byAgency(
  input: CertificateInput,
  agency: OnChainAgency,
  overrides: Partial<CertificateInput> = {},
): CertificateInput {
  return {
    ...input,
    issuer: { agencyId: agency.agencyId, name: agency.name, jurisdiction: agency.jurisdiction },
    ...overrides,
  };
}

/** Wraps `inputs` (all of one type) into a batch without anchoring it. */
export function wrapInputs(chain: OnChainCertledger, inputs: readonly CertificateInput[]): WrappedBatch {
  return wrapBatch(inputs, { types: chain.types, keccak: chain.keccak });
}

/** Anchors a wrapped batch from `officer` and fills in each document's proof block. */
export async function anchorWrapped(
  chain: OnChainCertledger,
  batch: WrappedBatch,
  officer: Wallet,
): Promise<AnchoredBatch> {
  const first = batch.documents[0];
  if (!first) throw new Error("an empty batch cannot be anchored");
  const typeId = chain.types.get(first.type).typeId;
  const receipt = await (await ledgerAs(chain, officer).anchor(batch.root, typeId, batch.documents.length)).wait();
  if (!receipt) throw new Error("the anchoring transaction has no receipt");
  const documents = batch.documents.map((document) =>
    attachAnchor(document, { chainId: chain.chainId, ledger: chain.ledger, txHash: receipt.hash }),
  );
  return { ...batch, documents, txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/** Wraps and anchors `inputs` (all of one type) with the first officer unless told otherwise. */
export async function issue(
  chain: OnChainCertledger,
  inputs: readonly CertificateInput[],
  officer?: Wallet,
): Promise<AnchoredBatch> {
  const signer = officer ?? chain.officers[0];
  if (!signer) throw new Error("the deployment has no officer");
  return anchorWrapped(chain, wrapInputs(chain, inputs), signer);
}
