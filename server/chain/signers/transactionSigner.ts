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
 * so a signer only signs. A relayer mode (officers sign EIP-712 authorisations, the service sends
 * them with a key that can forge nothing) adds a second capability beside this one; the queue of
 * the relayer key stays a SignerQueue over a TransactionSigner.
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

/** The signer could not be reached or refused: anchoring waits, nothing is lost. */
export class SignerUnavailableError extends Error {
  readonly code = "SIGNER_UNAVAILABLE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SignerUnavailableError";
  }
}
