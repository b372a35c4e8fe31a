import { getAddress, toQuantity, Transaction, TypedDataEncoder } from "ethers";
import {
  SignerUnavailableError,
  type TypedDataRequest,
  type TypedDataSigner,
  type UnsignedTransaction,
} from "./transactionSigner.ts";

interface JsonRpcAnswer {
  result?: unknown;
  error?: { code?: number; message?: string };
}

/** One JSON-RPC 2.0 call; failures to reach the signer or its refusals become SignerUnavailableError. */
async function call(url: string, method: string, params: unknown[], timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new SignerUnavailableError(`the remote signer cannot be reached (${method})`, { cause: error });
  }
  if (!response.ok) throw new SignerUnavailableError(`the remote signer answered HTTP ${response.status} to ${method}`);
  const body = (await response.json()) as JsonRpcAnswer;
  if (body.error)
    throw new SignerUnavailableError(`the remote signer refused ${method}: ${body.error.message ?? "no reason given"}`);
  return body.result;
}

/** The accounts a remote signer offers (`eth_accounts`), checksummed. */
export async function remoteAccounts(url: string, timeoutMs = 5_000): Promise<string[]> {
  const result = await call(url, "eth_accounts", [], timeoutMs);
  if (!Array.isArray(result)) throw new SignerUnavailableError("the remote signer's eth_accounts returned no list");
  return result.map((a) => getAddress(String(a)));
}

/**
 * An officer key held by a remote signer over JSON-RPC (`eth_accounts`, `eth_signTransaction`):
 * Web3Signer, Clef behind geth, a cloud-KMS or HSM proxy. The service never holds the key. What
 * comes back is checked against what was asked (signer, recipient, calldata, nonce, chain, fees),
 * so a signer that signs something else, or for another chain, is caught before broadcast.
 */
export class RemoteSigner implements TypedDataSigner {
  readonly origin = "remote" as const;
  readonly address: string;
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(url: string, address: string, options: { timeoutMs?: number } = {}) {
    this.#url = url;
    this.address = getAddress(address);
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** One signer per account the remote signer offers. */
  static async discover(url: string, options: { timeoutMs?: number } = {}): Promise<RemoteSigner[]> {
    return (await remoteAccounts(url, options.timeoutMs)).map((address) => new RemoteSigner(url, address, options));
  }

  async signTransaction(tx: UnsignedTransaction): Promise<string> {
    const result = await call(
      this.#url,
      "eth_signTransaction",
      [
        {
          from: this.address,
          to: tx.to,
          data: tx.data,
          value: "0x0",
          nonce: toQuantity(tx.nonce),
          gas: toQuantity(tx.gasLimit),
          maxFeePerGas: toQuantity(tx.maxFeePerGas),
          maxPriorityFeePerGas: toQuantity(tx.maxPriorityFeePerGas),
          chainId: toQuantity(tx.chainId),
          type: "0x2",
        },
      ],
      this.#timeoutMs,
    );
    // Web3Signer answers the raw transaction; geth (with Clef) answers { raw, tx }.
    const raw = typeof result === "string" ? result : (result as { raw?: unknown } | null)?.raw;
    if (typeof raw !== "string") throw new SignerUnavailableError("the remote signer returned no signed transaction");
    this.#check(raw, tx);
    return raw;
  }

  /**
   * `eth_signTypedData_v4` (Web3Signer, Clef, MetaMask's shape: the address, then the typed data as
   * JSON with its EIP712Domain). The caller checks whom the signature recovers to.
   */
  async signTypedData(request: TypedDataRequest): Promise<string> {
    const payload: unknown = TypedDataEncoder.getPayload(request.domain, request.types, request.message);
    const result = await call(
      this.#url,
      "eth_signTypedData_v4",
      [this.address, JSON.stringify(payload)],
      this.#timeoutMs,
    );
    if (typeof result !== "string")
      throw new SignerUnavailableError("the remote signer returned no typed-data signature");
    return result;
  }

  #check(raw: string, asked: UnsignedTransaction): void {
    let signed: Transaction;
    try {
      signed = Transaction.from(raw);
    } catch (error) {
      throw new SignerUnavailableError("the remote signer returned something that is not a signed transaction", {
        cause: error,
      });
    }
    const same =
      signed.from === this.address &&
      signed.to?.toLowerCase() === asked.to.toLowerCase() &&
      signed.data.toLowerCase() === asked.data.toLowerCase() &&
      signed.nonce === asked.nonce &&
      signed.chainId === asked.chainId &&
      signed.gasLimit === asked.gasLimit &&
      signed.value === 0n &&
      signed.maxFeePerGas === asked.maxFeePerGas &&
      signed.maxPriorityFeePerGas === asked.maxPriorityFeePerGas;
    if (!same)
      throw new SignerUnavailableError(
        `the remote signer returned a transaction other than the one asked for ${this.address}`,
      );
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      const accounts = await remoteAccounts(this.#url, 2_000);
      return accounts.includes(this.address)
        ? { ok: true, detail: "remote signer reachable" }
        : { ok: false, detail: "the remote signer no longer offers this account" };
    } catch {
      return { ok: false, detail: "the remote signer cannot be reached; anchoring and status changes wait" };
    }
  }
}
