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
  status: LeafStatusName;
  reason: number;
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

export interface LedgerView {
  /** the ledger contract this view reads */
  readonly ledger: string;
  /** one eth_call: everything about the leaf */
  verifyLeaf(root: string, leaf: string, index: number, proof: readonly string[]): Promise<LeafView>;
  /** the transaction that anchored `root`, when the chain's logs can be read */
  anchorEvent(root: string): Promise<ChainEventRef | null>;
  /** the latest revocation or suspension of `leaf` in batch `root` (or of the whole batch) */
  statusEvent(root: string, leaf: string): Promise<ChainEventRef | null>;
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
