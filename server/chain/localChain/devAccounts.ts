import { HDNodeWallet } from "ethers";

/**
 * DEV-ONLY. Anvil's (and Hardhat's) well-known default mnemonic: every key derived from it is
 * public knowledge. The embedded local chain funds these accounts; nothing else may use them.
 */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** DEV-ONLY. The chain id of the embedded local chain (anvil's and Hardhat's default). */
export const DEV_CHAIN_ID = 31337;

/** DEV-ONLY. Which default account plays which role in the embedded mode. */
export const DEV_ACCOUNT_INDEX = Object.freeze({
  /** deploys the contracts and governs the registry (the platform authority) */
  governance: 0,
  /** the service's anchoring signer: an officer of the demo agency */
  serviceSigner: 1,
  /** the demo agency's own admin, who manages its officers */
  agencyAdmin: 2,
});

export type DevRole = keyof typeof DEV_ACCOUNT_INDEX;

const DEV_BASE_PATH = "m/44'/60'/0'/0";
const DEV_ACCOUNT_COUNT = 10;

function devRoot(): HDNodeWallet {
  return HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, DEV_BASE_PATH);
}

/** DEV-ONLY. The private keys of the embedded mode's roles (one seed derivation for all). */
export function devAccountKeys(): Readonly<Record<DevRole, string>> {
  const root = devRoot();
  const key = (index: number) => root.deriveChild(index).privateKey;
  return Object.freeze({
    governance: key(DEV_ACCOUNT_INDEX.governance),
    serviceSigner: key(DEV_ACCOUNT_INDEX.serviceSigner),
    agencyAdmin: key(DEV_ACCOUNT_INDEX.agencyAdmin),
  });
}

/** True for a key of one of anvil's ten default accounts: to refuse or warn about it outside dev. */
export function isDevKey(privateKey: string): boolean {
  const root = devRoot();
  const wanted = privateKey.toLowerCase();
  for (let index = 0; index < DEV_ACCOUNT_COUNT; index += 1) {
    if (root.deriveChild(index).privateKey === wanted) return true;
  }
  return false;
}
