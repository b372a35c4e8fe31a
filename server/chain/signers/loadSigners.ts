import type { SignerSources } from "../../config/loadConfig.ts";
import { loadKeystoreSigners } from "./keystore.ts";
import { RemoteSigner } from "./remoteSigner.ts";
import type { TypedDataSigner } from "./transactionSigner.ts";
import { WalletSigner } from "./walletSigner.ts";

/**
 * The officer keys of an external chain from every configured source. A remote signer that cannot
 * be reached at start fails the start (its accounts are not known yet); once known, an outage of
 * it only delays anchoring.
 */
export async function loadSigners(sources: SignerSources): Promise<TypedDataSigner[]> {
  const signers: TypedDataSigner[] = [];
  if (sources.key) signers.push(WalletSigner.fromPrivateKey(sources.key.reveal(), "environment"));
  if (sources.keystore)
    signers.push(...(await loadKeystoreSigners(sources.keystore.path, sources.keystore.passphrase)));
  if (sources.remoteUrl) {
    const remote = await RemoteSigner.discover(sources.remoteUrl);
    if (remote.length === 0) throw new Error("the remote signer offers no account (eth_accounts is empty)");
    signers.push(...remote);
  }
  return signers;
}
