/**
 * What the verification engine needs from the chain, as plain data. `server/chain` implements it
 * with ethers; the engine never imports a chain library, so the CLI, the service and tests share it.
 */
export type AgencyStatusName = "none" | "active" | "suspended" | "retired";
export type LeafStatusName = "active" | "suspended" | "revoked";

export interface LeafView {
  chainId: number;
  anchored: boolean;
  proofValid: boolean;
  batch: { officer: string; agencyId: number; anchoredAt: number; typeId: number; size: number };
  /** unix seconds, 0 when the batch is not revoked */
  batchRevokedAt: number;
  batchRevocationReason: number;
  /** who revoked the whole batch (the zero address when it is not revoked) */
  batchRevokedBy: string;
  status: LeafStatusName;
  reason: number;
  /** the certificate's status was set by governance (a hold only governance lifts) */
  statusByGovernance: boolean;
  agencyStatus: AgencyStatusName;
  jurisdiction: number;
  issuerAuthorized: boolean;
  officerCompromisedSince: number;
}

export interface ChainEventRef {
  txHash: string;
  blockNumber: number;
  /** unix seconds of the block */
  time: number;
}

/** A status change on chain and the account that made it. */
export interface StatusEventRef extends ChainEventRef {
  /** the officer key or governance account that sent the change */
  actor: string;
}

/** Governance undoing what a key declared compromised did to a certificate or its batch. */
export interface RestorationRef extends StatusEventRef {
  scope: "certificate" | "batch";
  /** the compromised key whose status change was undone */
  undid: string;
}

/**
 * Batches are keyed on chain by (agency id, root): a root anchored by one agency says nothing about
 * another's. Every lookup names the agency the document says issued it.
 */
export interface LedgerView {
  /** the ledger contract this view reads */
  readonly ledger: string;
  /** one eth_call: everything about the leaf */
  verifyLeaf(agencyId: number, root: string, leaf: string, index: number, proof: readonly string[]): Promise<LeafView>;
  /** the transaction that anchored (`agencyId`, `root`), when the chain's logs can be read */
  anchorEvent(agencyId: number, root: string): Promise<ChainEventRef | null>;
  /** the latest revocation or suspension of `leaf` in batch (`agencyId`, `root`) (or of the whole batch) */
  statusEvent(agencyId: number, root: string, leaf: string): Promise<StatusEventRef | null>;
  /** the latest restoration of `leaf` (or of its whole batch) by governance */
  restorationEvent(agencyId: number, root: string, leaf: string): Promise<RestorationRef | null>;
}

/** Thrown by a LedgerView when the chain cannot be reached: the engine answers UNAVAILABLE. */
export class ChainUnavailableError extends Error {
  readonly code = "CHAIN_UNAVAILABLE";

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ChainUnavailableError";
  }
}

/** Thrown by a LedgerView when the address holds no certledger ledger on the chain it reads. */
export class NoLedgerError extends Error {
  readonly code = "NO_LEDGER";

  constructor(message: string) {
    super(message);
    this.name = "NoLedgerError";
  }
}
