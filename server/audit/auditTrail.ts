import type { Provider } from "ethers";
import type { Logger } from "pino";
import type { Keccak256 } from "../core/hashing/keccak.ts";
import type { LedgerView } from "../core/verification/ledgerView.ts";
import type { Store } from "../store/port.ts";
import { AuditIndex } from "./auditIndex.ts";
import { ChainIndexer, type IndexerDeployment, type IndexerOptions } from "./indexer.ts";
import { Reconciler } from "./reconcile.ts";

export interface AuditTrailOptions {
  /** `<DATA_DIR>/audit-index.db` in the service; `:memory:` in tests */
  indexPath: string;
  indexer?: Partial<IndexerOptions>;
}

/** The audit components of one running service: the chain-event index, its indexer, reconciliation. */
export class AuditTrail {
  readonly index: AuditIndex;
  readonly indexer: ChainIndexer;
  readonly reconciler: Reconciler;

  constructor(
    deps: {
      provider: Provider;
      deployment: IndexerDeployment;
      store: Store;
      keccak: Keccak256;
      ledgerView: LedgerView;
      logger: Logger;
      clock?: () => Date;
    },
    options: AuditTrailOptions,
  ) {
    this.index = AuditIndex.open(options.indexPath);
    this.indexer = new ChainIndexer(
      { provider: deps.provider, index: this.index, deployment: deps.deployment, logger: deps.logger },
      options.indexer,
    );
    this.reconciler = new Reconciler({
      store: deps.store,
      index: this.index,
      syncIndex: () => this.indexer.syncOnce(),
      ledgerView: deps.ledgerView,
      provider: deps.provider,
      ledger: deps.deployment.ledger,
      keccak: deps.keccak,
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
  }

  /** Starts polling the chain in the background. */
  start(): void {
    this.indexer.start();
  }

  /** Stops polling (waiting for a round under way) and closes the index. */
  async stop(): Promise<void> {
    await this.indexer.stop();
    this.index.close();
  }
}
