// Shared deployment and Merkle helpers for the contract tests: two agencies, their officers and
// admins, certificate types, and OpenZeppelin StandardMerkleTree batches as the service builds them.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { id, type ContractTransactionResponse, type Signer } from "ethers";
import {
  AgencyRegistry__factory,
  type AgencyRegistry,
  type CertificateLedger,
} from "../../types/ethers-contracts/index.ts";

export const DIPLOMA = 1;
export const LICENCE = 2;
export const UNDEFINED_TYPE = 3;
export const AGENCY_A = 1;
export const AGENCY_B = 2;
export const BEIJING = 110_000;
export const TIANJIN = 120_000;

/** RFC 5280 CRLReason codes used in the tests. */
export const Reason = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  certificateHold: 6,
  removeFromCRL: 8,
  aACompromise: 10,
} as const;
export const VALID_REASONS = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10];

export const AgencyStatus = { None: 0n, Active: 1n, Suspended: 2n, Retired: 3n } as const;
export const OfficerStatus = { None: 0n, Active: 1n, Removed: 2n } as const;
export const LeafStatus = { Active: 0n, Suspended: 1n, Revoked: 2n } as const;

/** How far back an agency admin may declare a key compromised (governance may go further). */
export const COMPROMISE_WINDOW = 30 * 24 * 3600;
/** Delay before a new governance holder may accept the role. */
export const GOVERNANCE_TRANSFER_DELAY = 2 * 24 * 3600;

export const typeBit = (typeId: number): bigint => 1n << BigInt(typeId);
export const schemaHash = (typeId: number): string => id(`schema-${typeId}`);
export const metadataHash = (agencyId: number): string => id(`metadata-${agencyId}`);

export interface Certificate {
  leaf: string;
  index: bigint;
  proof: string[];
}

export interface MultiCertificates {
  leaves: string[];
  indices: bigint[];
  proof: string[];
  proofFlags: boolean[];
}

/** A batch of `size` certificates labelled 0..size-1, as the service's batcher builds it. */
export class Batch {
  readonly tree: StandardMerkleTree<[string, bigint]>;
  readonly size: number;

  constructor(label: string, size: number) {
    const values = Array.from({ length: size }, (_, i): [string, bigint] => [id(`${label}-${i}`), BigInt(i)]);
    this.tree = StandardMerkleTree.of(values, ["bytes32", "uint256"]);
    this.size = size;
  }

  get root(): string {
    return this.tree.root;
  }

  certificate(index: number): Certificate {
    const position = this.#position(index);
    const [leaf] = this.tree.at(position)!;
    return { leaf, index: BigInt(index), proof: this.tree.getProof(position) };
  }

  many(indices: number[]): MultiCertificates {
    const multi = this.tree.getMultiProof(indices.map((index) => this.#position(index)));
    return {
      leaves: multi.leaves.map(([leaf]) => leaf),
      indices: multi.leaves.map(([, index]) => index),
      proof: multi.proof,
      proofFlags: multi.proofFlags,
    };
  }

  #position(index: number): number {
    for (const [position, [, label]] of this.tree.entries()) {
      if (label === BigInt(index)) return position;
    }
    throw new Error(`batch has no certificate ${index}`);
  }
}

export interface Deployment {
  registry: AgencyRegistry;
  ledger: CertificateLedger;
  governance: HardhatEthersSigner;
  adminA: HardhatEthersSigner;
  officerA: HardhatEthersSigner;
  officerA2: HardhatEthersSigner;
  adminB: HardhatEthersSigner;
  officerB: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
}

function signerAt(signers: HardhatEthersSigner[], index: number): HardhatEthersSigner {
  const signer = signers[index];
  if (signer === undefined) throw new Error(`the test network has no account ${index}`);
  return signer;
}

/**
 * The contract only: governance holds the role, nothing else is registered. Registry and ledger are
 * one contract; `registry` is it seen through its AgencyRegistry half.
 */
export async function deployContracts(ethers: HardhatEthers): Promise<Pick<Deployment, "registry" | "ledger">> {
  const governance = signerAt(await ethers.getSigners(), 0);
  const ledger = await ethers.deployContract("CertificateLedger", [
    governance.address,
    GOVERNANCE_TRANSFER_DELAY,
    COMPROMISE_WINDOW,
  ]);
  const registry = AgencyRegistry__factory.connect(await ledger.getAddress(), governance);
  return { registry, ledger };
}

/**
 * Types DIPLOMA and LICENCE defined; agency A (Beijing) may issue both, agency B (Tianjin) diplomas;
 * officerA and officerA2 belong to A, officerB to B.
 */
export async function deployWithAgencies(ethers: HardhatEthers): Promise<Deployment> {
  const signers = await ethers.getSigners();
  const [governance, adminA, officerA, officerA2, adminB, officerB, stranger] = Array.from({ length: 7 }, (_, i) =>
    signerAt(signers, i),
  ) as [
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
  ];
  const { registry, ledger } = await deployContracts(ethers);
  await registry.defineCertificateType(DIPLOMA, schemaHash(DIPLOMA));
  await registry.defineCertificateType(LICENCE, schemaHash(LICENCE));
  const both = typeBit(DIPLOMA) | typeBit(LICENCE);
  await registry.registerAgency(AGENCY_A, BEIJING, metadataHash(AGENCY_A), adminA.address, both);
  await registry.registerAgency(AGENCY_B, TIANJIN, metadataHash(AGENCY_B), adminB.address, typeBit(DIPLOMA));
  await addOfficer(registry, adminA, AGENCY_A, officerA);
  await addOfficer(registry, adminA, AGENCY_A, officerA2);
  await addOfficer(registry, adminB, AGENCY_B, officerB);
  return { registry, ledger, governance, adminA, officerA, officerA2, adminB, officerB, stranger };
}

/** The officer key's EIP-712 consent to join `agencyId` (OfficerConsent), valid for an hour from `now`. */
export async function officerConsent(
  registry: AgencyRegistry,
  officer: Signer,
  agencyId: number,
  now: number,
): Promise<{ deadline: number; signature: string }> {
  const deadline = now + 3600;
  const { chainId } = (await officer.provider?.getNetwork()) ?? { chainId: 31337n };
  const signature = await officer.signTypedData(
    { name: "certledger CertificateLedger", version: "2", chainId, verifyingContract: await registry.getAddress() },
    {
      OfficerConsent: [
        { name: "agencyId", type: "uint32" },
        { name: "officer", type: "address" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { agencyId, officer: await officer.getAddress(), deadline },
  );
  return { deadline, signature };
}

/** `admin` (else the registry's own runner) binds `officer` to `agencyId` with the officer's own consent. */
export async function addOfficer(
  registry: AgencyRegistry,
  admin: Signer | null,
  agencyId: number,
  officer: Signer,
): Promise<ContractTransactionResponse> {
  const latest = await officer.provider?.getBlock("latest");
  const { deadline, signature } = await officerConsent(registry, officer, agencyId, latest?.timestamp ?? 0);
  const sender = admin === null ? registry : registry.connect(admin);
  return sender.addOfficer(agencyId, await officer.getAddress(), deadline, signature);
}
