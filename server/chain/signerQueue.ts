import { Transaction, isError, type TransactionReceipt, type TransactionResponse, type Wallet } from "ethers";

export interface SignedTransaction {
  nonce: number;
  hash: string;
}

export interface TransactionCall {
  to: string;
  data: string;
}

/**
 * The only writer for one signing key. Transactions are prepared one at a time, in order, so
 * nonces never collide or leave gaps; the nonce is read from the chain (pending) whenever the
 * sequence may have been broken (start, a failed broadcast), never trusted from memory alone.
 * Each signed transaction is handed to `record` before it is broadcast, so a crash right after
 * sending still leaves its hash in the durable store.
 */
export class SignerQueue {
  readonly #wallet: Wallet;
  #nextNonce: number | null = null;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(wallet: Wallet) {
    if (!wallet.provider) throw new TypeError("the signer must be connected to a provider");
    this.#wallet = wallet;
  }

  get address(): string {
    return this.#wallet.address;
  }

  /** Runs `job` after every job queued before it. */
  #serialise<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job, job);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /**
   * Estimates (a revert surfaces here as ethers' CALL_EXCEPTION, before anything is signed), signs,
   * records and broadcasts one transaction.
   */
  send(call: TransactionCall, record: (signed: SignedTransaction) => Promise<void>): Promise<TransactionResponse> {
    return this.#serialise(async () => {
      const provider = this.#wallet.provider;
      if (!provider) throw new TypeError("the signer lost its provider");
      const nonce = this.#nextNonce ?? (await provider.getTransactionCount(this.#wallet.address, "pending"));
      const [gasLimit, fees, network] = await Promise.all([
        provider.estimateGas({ ...call, from: this.#wallet.address }),
        provider.getFeeData(),
        provider.getNetwork(),
      ]);
      const signed = await this.#wallet.signTransaction({
        ...call,
        nonce,
        chainId: network.chainId,
        gasLimit: (gasLimit * 12n) / 10n,
        type: 2,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      const hash = Transaction.from(signed).hash;
      if (!hash) throw new Error("signed transaction has no hash");
      await record({ nonce, hash });
      try {
        const response = await provider.broadcastTransaction(signed);
        this.#nextNonce = nonce + 1;
        return response;
      } catch (error) {
        this.#nextNonce = null;
        throw error;
      }
    });
  }

  /** Waits for `confirmations` blocks on top of the transaction; null if the chain does not know it. */
  async waitFor(hash: string, confirmations: number, timeoutMs: number): Promise<TransactionReceipt | null> {
    const provider = this.#wallet.provider;
    if (!provider) throw new TypeError("the signer lost its provider");
    try {
      return await provider.waitForTransaction(hash, confirmations, timeoutMs);
    } catch (error) {
      if (isError(error, "TIMEOUT")) return null;
      throw error;
    }
  }

  /** Whether the chain knows the transaction, mined or pending. */
  async isKnown(hash: string): Promise<boolean> {
    const provider = this.#wallet.provider;
    if (!provider) throw new TypeError("the signer lost its provider");
    return (await provider.getTransaction(hash)) !== null;
  }

  /** Forgets the nonce sequence: the next transaction reads it from the chain again. */
  resync(): void {
    this.#nextNonce = null;
  }
}
