import { setTimeout as delay } from "node:timers/promises";
import { Transaction, type Provider, type TransactionReceipt, type TransactionResponse } from "ethers";
import type { TransactionSigner } from "./signers/transactionSigner.ts";

export interface SignedTransaction {
  nonce: number;
  hash: string;
}

export interface TransactionCall {
  to: string;
  data: string;
}

/**
 * What the anchoring and status services need of an officer key's writer: the SignerQueue of a key
 * the service signs with, or a DelegatedOfficerQueue (the officer signs EIP-712 messages, a relayer
 * key sends them). `address` is always the officer's.
 */
export interface OfficerQueue {
  readonly address: string;
  /** the officer's signer (readiness asks it whether it can sign now) */
  readonly signer: TransactionSigner;
  send(call: TransactionCall, record: (signed: SignedTransaction) => Promise<void>): Promise<TransactionResponse>;
  waitFor(hash: string, confirmations: number, timeoutMs: number): Promise<TransactionReceipt | null>;
  isKnown(hash: string): Promise<boolean>;
  resync(): void;
}

/**
 * The only writer for one signing key. Transactions are prepared one at a time, in order, so
 * nonces never collide or leave gaps; the nonce is read from the chain (pending) whenever the
 * sequence may have been broken (start, a failed broadcast), never trusted from memory alone.
 * Each signed transaction is handed to `record` before it is broadcast, so a crash right after
 * sending still leaves its hash in the durable store.
 */
/** As the provider's own polling (server/chain/provider.ts): a receipt is seen at most this late. */
const RECEIPT_POLL_MS = 250;

export class SignerQueue implements OfficerQueue {
  readonly #signer: TransactionSigner;
  readonly #provider: Provider;
  #nextNonce: number | null = null;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(signer: TransactionSigner, provider: Provider) {
    this.#signer = signer;
    this.#provider = provider;
  }

  get address(): string {
    return this.#signer.address;
  }

  get signer(): TransactionSigner {
    return this.#signer;
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
    return this.sendBuilt(() => Promise.resolve(call), record);
  }

  /**
   * As `send`, with the call built inside the queue's turn: a relayed status change carries an
   * officer's signature over its status word's version, which must be read and signed in sending order.
   */
  sendBuilt(
    build: () => Promise<TransactionCall>,
    record: (signed: SignedTransaction) => Promise<void>,
  ): Promise<TransactionResponse> {
    return this.#serialise(async () => {
      const provider = this.#provider;
      const call = await build();
      const nonce = this.#nextNonce ?? (await provider.getTransactionCount(this.#signer.address, "pending"));
      const [gasLimit, fees, network] = await Promise.all([
        provider.estimateGas({ ...call, from: this.#signer.address }),
        provider.getFeeData(),
        provider.getNetwork(),
      ]);
      if (fees.maxFeePerGas === null || fees.maxPriorityFeePerGas === null)
        throw new Error("the chain offers no EIP-1559 fee data");
      const signed = await this.#signer.signTransaction({
        ...call,
        nonce,
        chainId: network.chainId,
        gasLimit: (gasLimit * 12n) / 10n,
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

  /**
   * Waits for `confirmations` blocks on top of the transaction; null if they did not come within
   * `timeoutMs`. Reads the receipt, then (past one confirmation, which a receipt already is) the
   * head, every RECEIPT_POLL_MS. ethers' waitForTransaction reads the head first: a transaction
   * mined between its two reads then waits for a block after its own, which a chain that mines only
   * when sent a transaction (anvil) does not make while the batcher waits for this confirmation.
   * The anchoring stood still for the whole timeout (30 s).
   */
  async waitFor(hash: string, confirmations: number, timeoutMs: number): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const receipt = await this.#provider.getTransactionReceipt(hash);
      if (
        receipt &&
        (confirmations <= 1 || (await this.#provider.getBlockNumber()) - receipt.blockNumber + 1 >= confirmations)
      ) {
        return receipt;
      }
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await delay(Math.min(RECEIPT_POLL_MS, left));
    }
  }

  /** Whether the chain knows the transaction, mined or pending. */
  async isKnown(hash: string): Promise<boolean> {
    return (await this.#provider.getTransaction(hash)) !== null;
  }

  /** Forgets the nonce sequence: the next transaction reads it from the chain again. */
  resync(): void {
    this.#nextNonce = null;
  }
}
