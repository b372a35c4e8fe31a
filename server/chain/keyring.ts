import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Provider } from "ethers";
import { isDevKey } from "./localChain/devAccounts.ts";
import { DelegatedOfficerQueue, type DelegationOptions } from "./delegatedQueue.ts";
import { SignerQueue, type OfficerQueue } from "./signerQueue.ts";
import type { TransactionSigner, TypedDataSigner } from "./signers/transactionSigner.ts";
import { WalletSigner } from "./signers/walletSigner.ts";

export interface KeyringOptions {
  /** told each time a plaintext key file is taken from `keysDir` (the service warns outside the embedded default) */
  onKeyFile?: (path: string, address: string) => void;
}

/**
 * The officer keys this service signs with, by address, each with its one SignerQueue (one nonce
 * sequence per key). A key is any TransactionSigner: in memory (the embedded chain's dev key,
 * SIGNER_KEY, a decrypted keystore) or remote (a signer over JSON-RPC, the key never here). The
 * admin CLI of the embedded default writes further agencies' keys as `<DATA_DIR>/keys/*.key` files
 * (mode 0600), read again when a key is missing.
 */
export class Keyring {
  readonly #queues = new Map<string, OfficerQueue>();
  /** relayer keys' queues: one nonce sequence per relayer, shared by every officer it relays for */
  readonly #relayers = new Map<string, SignerQueue>();
  readonly #provider: Provider;
  readonly #keysDir: string | null;
  readonly #options: KeyringOptions;

  /** `keys`: signers, or plaintext private keys (hex). `keysDir`: where the admin CLI writes keys. */
  constructor(
    provider: Provider,
    keys: readonly (string | TransactionSigner)[],
    keysDir: string | null = null,
    options: KeyringOptions = {},
  ) {
    this.#provider = provider;
    this.#keysDir = keysDir;
    this.#options = options;
    for (const key of keys) {
      if (typeof key === "string") this.add(key);
      else this.addSigner(key);
    }
    if (keysDir) this.#readKeysDir();
  }

  static keysIn(dir: string): { path: string; key: string }[] {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".key"));
    } catch {
      return [];
    }
    return names.map((name) => {
      const path = join(dir, name);
      if ((statSync(path).mode & 0o077) !== 0)
        throw new Error(`${path} must be readable by its owner only (chmod 600)`);
      return { path, key: readFileSync(path, "utf8").trim() };
    });
  }

  #readKeysDir(): void {
    if (!this.#keysDir) return;
    for (const { path, key } of Keyring.keysIn(this.#keysDir)) {
      const signer = WalletSigner.fromPrivateKey(key, "key-file");
      if (this.#queues.has(signer.address.toLowerCase())) continue;
      this.addSigner(signer);
      this.#options.onKeyFile?.(path, signer.address);
    }
  }

  /** A plaintext private key (the dev key, SIGNER_KEY). */
  add(privateKey: string): string {
    return this.addSigner(WalletSigner.fromPrivateKey(privateKey, isDevKey(privateKey) ? "dev" : "environment"));
  }

  addSigner(signer: TransactionSigner): string {
    const address = signer.address.toLowerCase();
    if (!this.#queues.has(address)) this.#queues.set(address, new SignerQueue(signer, this.#provider));
    return signer.address;
  }

  /**
   * An officer key the service never holds (relayer mode): the officer signs EIP-712 messages, the
   * relayer key sends them; the officer's address is what agencies and batches name.
   */
  addDelegated(officer: TypedDataSigner, relayer: TransactionSigner, options: DelegationOptions): string {
    const relayerAddress = relayer.address.toLowerCase();
    let relayerQueue = this.#relayers.get(relayerAddress);
    if (!relayerQueue) {
      relayerQueue = new SignerQueue(relayer, this.#provider);
      this.#relayers.set(relayerAddress, relayerQueue);
    }
    const address = officer.address.toLowerCase();
    if (!this.#queues.has(address))
      this.#queues.set(address, new DelegatedOfficerQueue(officer, relayerQueue, this.#provider, options));
    return officer.address;
  }

  has(address: string): boolean {
    if (!this.#queues.has(address.toLowerCase())) this.#readKeysDir();
    return this.#queues.has(address.toLowerCase());
  }

  queue(address: string): OfficerQueue {
    this.has(address);
    const queue = this.#queues.get(address.toLowerCase());
    if (!queue) throw new Error(`no signing key for ${address} in this service's keyring`);
    return queue;
  }

  /** Every signer held, for readiness. */
  signers(): TransactionSigner[] {
    return [...this.#queues.values()].map((q) => q.signer);
  }
}
