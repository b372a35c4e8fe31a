import {
  verifyTypedData,
  type Provider,
  type TransactionReceipt,
  type TransactionResponse,
  type TypedDataField,
} from "ethers";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { DELEGATED_TYPES, LEAF_STATUS, compactSignature, ledgerDomain } from "./delegatedSigning.ts";
import type { OfficerQueue, SignedTransaction, SignerQueue, TransactionCall } from "./signerQueue.ts";
import { parseStatusTarget } from "./statusTarget.ts";
import type { TypedDataSigner } from "./signers/transactionSigner.ts";

/** The officer's signer answered with a signature that is not the officer's: nothing was sent. */
export class DelegatedSignatureError extends Error {
  readonly code = "DELEGATED_SIGNATURE_REFUSED";

  constructor(message: string) {
    super(message);
    this.name = "DelegatedSignatureError";
  }
}

export interface DelegationOptions {
  ledger: string;
  chainId: bigint | number;
  /** how long a signature stays good, from the chain's latest block: the relayed transaction must be mined before (default 1 hour) */
  validitySeconds?: number;
}

const ledgerInterface = ICertificateLedger__factory.createInterface();

const STATUS_OF = {
  revoke: LEAF_STATUS.revoked,
  suspend: LEAF_STATUS.suspended,
  reinstate: LEAF_STATUS.active,
} as const;

/**
 * The relayer mode of one officer key: the anchoring and status services ask for `anchor`,
 * `revoke`, `suspend` or `reinstate` as they would of the officer's own queue; this queue has the
 * officer sign the EIP-712 message (a remote signer's eth_signTypedData_v4, or a keystore) and the
 * relayer key send `anchorBySig` / `changeStatusBySig`. The relayer can forge nothing: the ledger
 * acts only on the officer's signature, for the officer's rights.
 *
 * The message is signed inside the relayer queue's turn, just before sending, with a fresh deadline
 * (from the chain's time) and, for a status change, the version of the certificate's status word
 * read from the pending state (an anchor needs none: the ledger refuses a root twice): a resend after a crash or a refusal
 * signs again, so no stored signature can expire or be replayed. The outbox records the relayer's
 * transaction before it is broadcast, as for a direct send. A signature that does not recover to
 * the officer is refused here, before anything is sent or spent.
 */
export class DelegatedOfficerQueue implements OfficerQueue {
  readonly #officer: TypedDataSigner;
  readonly #relayer: SignerQueue;
  readonly #ledger;
  readonly #provider: Provider;
  readonly #options: DelegationOptions;

  constructor(officer: TypedDataSigner, relayer: SignerQueue, provider: Provider, options: DelegationOptions) {
    this.#officer = officer;
    this.#relayer = relayer;
    this.#ledger = ICertificateLedger__factory.connect(options.ledger, provider);
    this.#provider = provider;
    this.#options = options;
  }

  get address(): string {
    return this.#officer.address;
  }

  get signer(): TypedDataSigner {
    return this.#officer;
  }

  /** the relayer key's address (the `from` of every transaction this queue sends) */
  get relayer(): string {
    return this.#relayer.address;
  }

  send(call: TransactionCall, record: (signed: SignedTransaction) => Promise<void>): Promise<TransactionResponse> {
    return this.#relayer.sendBuilt(() => this.#relayed(call), record);
  }

  /** The delegated form of an officer's own call, with the officer's fresh signature. */
  async #relayed(call: TransactionCall): Promise<TransactionCall> {
    const parsed = ledgerInterface.parseTransaction({ data: call.data });
    if (!parsed) throw new Error("the relayer mode cannot relay a call the ledger does not know");
    const officer = this.#officer.address;
    // the ledger compares the deadline with block time, which may run apart from this host's clock
    const latest = await this.#provider.getBlock("latest");
    if (!latest) throw new Error("the chain reports no latest block");
    const deadline = BigInt(latest.timestamp + (this.#options.validitySeconds ?? 3600));
    if (parsed.name === "anchor") {
      const [root, typeId, size] = parsed.args as unknown as [string, bigint, bigint];
      const signature = await this.#sign(
        { Anchor: [...DELEGATED_TYPES.Anchor] },
        { officer, root, typeId, size, deadline },
      );
      return {
        to: call.to,
        data: ledgerInterface.encodeFunctionData("anchorBySig", [officer, root, typeId, size, deadline, signature]),
      };
    }
    if (parsed.name === "revoke" || parsed.name === "suspend" || parsed.name === "reinstate") {
      const [root, leaf, target, proof] = parsed.args as unknown as [string, string, bigint, string[]];
      const { agencyId, index, reason } = parseStatusTarget(target);
      const change = {
        officer,
        agencyId,
        root,
        leaf,
        index,
        status: STATUS_OF[parsed.name],
        reason,
        deadline,
      };
      // pending: a relayed change of the same status word still in the mempool has moved its version on
      const version = await this.#ledger.statusVersion(agencyId, root, index, { blockTag: "pending" });
      const signed = { ...change, version };
      const { r, vs } = compactSignature(await this.#sign({ StatusChange: [...DELEGATED_TYPES.StatusChange] }, signed));
      return { to: call.to, data: ledgerInterface.encodeFunctionData("changeStatusBySig", [signed, proof, r, vs]) };
    }
    throw new Error(`the relayer mode has no delegated form of ${parsed.name}`);
  }

  async #sign(types: Record<string, TypedDataField[]>, message: Record<string, unknown>): Promise<string> {
    const domain = ledgerDomain(this.#options.chainId, this.#options.ledger);
    const signature = await this.#officer.signTypedData({ domain, types, message });
    let recovered: string | null;
    try {
      recovered = verifyTypedData(domain, types, message, signature);
    } catch {
      recovered = null;
    }
    if (recovered?.toLowerCase() !== this.#officer.address.toLowerCase()) {
      throw new DelegatedSignatureError(
        `the officer's signer returned a signature ${recovered ? `by ${recovered}` : "that recovers to no key"} for officer ${this.#officer.address}: refused, nothing sent; the batch waits for a correct signature`,
      );
    }
    return signature;
  }

  waitFor(hash: string, confirmations: number, timeoutMs: number): Promise<TransactionReceipt | null> {
    return this.#relayer.waitFor(hash, confirmations, timeoutMs);
  }

  isKnown(hash: string): Promise<boolean> {
    return this.#relayer.isKnown(hash);
  }

  resync(): void {
    this.#relayer.resync();
  }
}
