import { Wallet } from "ethers";
import type { SignerOrigin, TypedDataRequest, TypedDataSigner, UnsignedTransaction } from "./transactionSigner.ts";

/** A key held in this process's memory: the dev keys, SIGNER_KEY, a key file, a decrypted keystore. */
export class WalletSigner implements TypedDataSigner {
  readonly origin: SignerOrigin;
  readonly #wallet: Wallet;

  constructor(wallet: Wallet, origin: SignerOrigin) {
    this.#wallet = wallet;
    this.origin = origin;
  }

  static fromPrivateKey(privateKey: string, origin: SignerOrigin): WalletSigner {
    return new WalletSigner(new Wallet(privateKey), origin);
  }

  get address(): string {
    return this.#wallet.address;
  }

  signTransaction(tx: UnsignedTransaction): Promise<string> {
    return this.#wallet.signTransaction({ ...tx, type: 2 });
  }

  signTypedData(request: TypedDataRequest): Promise<string> {
    return this.#wallet.signTypedData(request.domain, request.types, request.message);
  }

  health(): Promise<{ ok: boolean; detail: string }> {
    return Promise.resolve({ ok: true, detail: `${this.origin} key` });
  }
}
