import type { TypedDataDomain, TypedDataField } from "ethers";

/** A transaction the signer queue has fully prepared: nothing is left for the signer to fill in. */
export interface UnsignedTransaction {
  to: string;
  data: string;
  nonce: number;
  chainId: bigint;
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** Where an officer key lives; logged and shown by readiness, the key itself never is. */
export type SignerOrigin = "dev" | "environment" | "key-file" | "keystore" | "remote";

/**
 * The signer port: one officer key, wherever it lives (a key in memory, a decrypted keystore, a
 * remote signer or HSM behind JSON-RPC). The SignerQueue above it owns nonces, gas and broadcast,
 * so a signer only signs. In the relayer mode an officer key signs EIP-712 messages instead
 * (TypedDataSigner) and the service sends them with a relayer key that can forge nothing; the
 * relayer's queue stays a SignerQueue over a TransactionSigner.
 */
export interface TransactionSigner {
  /** checksummed address */
  readonly address: string;
  readonly origin: SignerOrigin;
  /** Signs an EIP-1559 transaction; returns it serialised (0x-prefixed RLP, type 2). */
  signTransaction(tx: UnsignedTransaction): Promise<string>;
  /** Whether the key can sign right now (a remote signer may be down); local keys always can. */
  health(): Promise<{ ok: boolean; detail: string }>;
}

/** An EIP-712 typed-data request, as ethers' `signTypedData` takes it (no EIP712Domain entry in `types`). */
export interface TypedDataRequest {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}

/**
 * An officer key that can sign EIP-712 messages (for CertificateLedger.anchorBySig and
 * changeStatusBySig): the relayer mode's capability beside signTransaction.
 */
export interface TypedDataSigner extends TransactionSigner {
  /** the 65-byte signature, 0x-prefixed */
  signTypedData(request: TypedDataRequest): Promise<string>;
}

/** The signer could not be reached or refused: anchoring waits, nothing is lost. */
export class SignerUnavailableError extends Error {
  readonly code = "SIGNER_UNAVAILABLE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SignerUnavailableError";
  }
}
