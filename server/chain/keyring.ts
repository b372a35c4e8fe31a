import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Wallet, type Provider } from "ethers";
import { SignerQueue } from "./signerQueue.ts";

/**
 * The officer keys this service signs with, by address, each with its one SignerQueue (one nonce
 * sequence per key). Keys come from the configuration (SIGNER_KEY, or the dev key of the embedded
 * chain) and from `<DATA_DIR>/keys/*.key` files (mode 0600) that the admin CLI writes for further
 * agencies. A deployment that needs an HSM or a KMS replaces this module.
 */
export class Keyring {
  readonly #queues = new Map<string, SignerQueue>();
  readonly #provider: Provider;
  readonly #keysDir: string | null;

  /** `keysDir`: where the admin CLI writes keys of further agencies; read again when a key is missing. */
  constructor(provider: Provider, privateKeys: readonly string[], keysDir: string | null = null) {
    this.#provider = provider;
    this.#keysDir = keysDir;
    for (const key of privateKeys) this.add(key);
    if (keysDir) for (const key of Keyring.keysIn(keysDir)) this.add(key);
  }

  static keysIn(dir: string): string[] {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".key"));
    } catch {
      return [];
    }
    return names.map((name) => {
      const path = join(dir, name);
      if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} must be readable by its owner only (chmod 600)`);
      return readFileSync(path, "utf8").trim();
    });
  }

  add(privateKey: string): string {
    const wallet = new Wallet(privateKey, this.#provider);
    const address = wallet.address.toLowerCase();
    if (!this.#queues.has(address)) this.#queues.set(address, new SignerQueue(wallet));
    return wallet.address;
  }

  has(address: string): boolean {
    if (!this.#queues.has(address.toLowerCase()) && this.#keysDir) {
      for (const key of Keyring.keysIn(this.#keysDir)) this.add(key);
    }
    return this.#queues.has(address.toLowerCase());
  }

  queue(address: string): SignerQueue {
    this.has(address);
    const queue = this.#queues.get(address.toLowerCase());
    if (!queue) throw new Error(`no signing key for ${address} in this service's keyring`);
    return queue;
  }
}
