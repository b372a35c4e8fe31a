import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Wallet } from "ethers";
import type { Secret } from "../../config/secret.ts";
import { WalletSigner } from "./walletSigner.ts";

export type KeystorePassphrase = { readonly value: Secret } | { readonly file: string };

function readPassphrase(passphrase: KeystorePassphrase): string {
  if ("value" in passphrase) return passphrase.value.reveal();
  // A trailing newline is how editors and `echo` leave a file; it is not part of the passphrase.
  return readFileSync(passphrase.file, "utf8").replace(/\r?\n$/, "");
}

function keystoreFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith(".json") || name.startsWith("UTC--"))
    .sort()
    .map((name) => join(path, name));
}

/**
 * Officer keys from standard Ethereum JSON keystores (version 3, scrypt or pbkdf2; what geth,
 * Clef, cast and ethers write): one file, or a folder with one file per officer. The passphrase
 * comes from the environment or a file and is used here only; a wrong one fails the start,
 * naming the file, never the passphrase.
 */
export async function loadKeystoreSigners(path: string, passphrase: KeystorePassphrase): Promise<WalletSigner[]> {
  const secret = readPassphrase(passphrase);
  const files = keystoreFiles(path);
  if (files.length === 0) throw new Error(`no keystore files in ${path}`);
  const signers: WalletSigner[] = [];
  for (const file of files) {
    let wallet;
    try {
      wallet = await Wallet.fromEncryptedJson(readFileSync(file, "utf8"), secret);
    } catch (error) {
      const reason = (error as Error).message.includes("password") ? "wrong passphrase" : (error as Error).message;
      throw new Error(`cannot decrypt the keystore ${file}: ${reason}`, { cause: error });
    }
    signers.push(new WalletSigner(new Wallet(wallet.privateKey), "keystore"));
  }
  return signers;
}
