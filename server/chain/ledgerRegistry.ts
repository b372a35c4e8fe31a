import type { Provider } from "ethers";
import { getAddress } from "ethers";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import type { ChainBreaker } from "./chainBreaker.ts";

/**
 * The registry a ledger consults, read from the ledger itself (it never changes: the ledger takes
 * it at deployment), through the chain breaker; remembered per ledger once read.
 */
export function ledgerRegistryReader(provider: Provider, breaker: ChainBreaker): (ledger: string) => Promise<string> {
  const known = new Map<string, string>();
  return async (ledger) => {
    const key = ledger.toLowerCase();
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    const registry = getAddress(
      await breaker.run(() => ICertificateLedger__factory.connect(ledger, provider).registry()),
    );
    known.set(key, registry);
    return registry;
  };
}
