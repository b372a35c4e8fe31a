import type { Provider } from "ethers";
import { AuditIndex } from "./auditIndex.ts";
import { eventView, ndjsonLine, type TypeName } from "./exportFormat.ts";
import { ChainIndexer, type IndexerDeployment, type IndexerOptions } from "./indexer.ts";

/**
 * An agency's whole history read from the chain alone, into a throwaway in-memory index: no
 * database of the service involved, so anyone with an RPC endpoint can compare it with the
 * service's view. Writes NDJSON lines (the export's format) through `write`; returns the count.
 */
export async function rebuildAgencyHistory(
  deps: { provider: Provider; deployment: IndexerDeployment; typeName: TypeName },
  agencyId: number,
  write: (line: string) => void | Promise<void>,
  options: Partial<IndexerOptions> = {},
): Promise<{ events: number; indexedThrough: number | null }> {
  const index = AuditIndex.open(":memory:");
  try {
    const round = await new ChainIndexer(
      { provider: deps.provider, index, deployment: deps.deployment },
      options,
    ).syncOnce();
    let events = 0;
    for (const event of index.iterate({ agencyId })) {
      await write(ndjsonLine(eventView(event, deps.typeName)));
      events++;
    }
    return { events, indexedThrough: round.indexedThrough };
  } finally {
    index.close();
  }
}
