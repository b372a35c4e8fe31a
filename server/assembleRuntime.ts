import type { RequestListener } from "node:http";
import type { Express } from "express";
import type { Provider } from "ethers";
import type { Logger } from "pino";
import { AnchorService } from "./anchoring/anchorService.ts";
import { Batcher, type AnchoringGate } from "./anchoring/batcher.ts";
import { DEFAULT_LEASE_OPTIONS, SignerLeases, type SignerLeasesOptions } from "./anchoring/leases.ts";
import { StatusService } from "./anchoring/statusService.ts";
import { AuditTrail, type AuditTrailOptions } from "./audit/auditTrail.ts";
import type { Keyring } from "./chain/keyring.ts";
import { BreakingLedgerView } from "./chain/breakingLedgerView.ts";
import { CachingLedgerView } from "./chain/cachingLedgerView.ts";
import { ChainBreaker } from "./chain/chainBreaker.ts";
import { EthersLedgerView } from "./chain/ledgerView.ts";
import { CertificateBatchTree } from "./core/batch/merkle.ts";
import type { Keccak256 } from "./core/hashing/keccak.ts";
import type { CertificateTypeRegistry } from "./core/registry/registry.ts";
import { createApp } from "./http/app.ts";
import type { ReadinessReport } from "./http/routes/health.ts";
import { builtinJurisdictions } from "./core/validation/jurisdictions.ts";
import { CertificateCounts } from "./observability/certificateCounts.ts";
import { Metrics } from "./observability/metrics.ts";
import type { LedgerView } from "./core/verification/ledgerView.ts";
import { runOutsideRequest } from "./observability/requestContext.ts";
import { HolderAccess } from "./services/holder/holderAccess.ts";
import { Presentations } from "./services/holder/presentations.ts";
import { UsageTraces } from "./services/holder/usageTraces.ts";
import { RandomPool } from "./services/randomPool.ts";
import { IssuanceService } from "./services/issuance.ts";
import { serviceTrustPolicy } from "./services/trustPolicy.ts";
import { TrustListWatch } from "./services/trustListWatch.ts";
import { buildDescriptor } from "./services/deploymentDescriptor.ts";
import { LinkVerifier } from "./services/federation/linkVerification.ts";
import { publicDocument } from "./services/federation/publicDocument.ts";
import type { FetchLimits } from "./services/federation/remoteFetch.ts";
import { Verifier } from "./services/verifier.ts";
import type { HolderStore } from "./store/holderPort.ts";
import type { Store } from "./store/port.ts";

/**
 * How long readiness and metrics answer with the last count of certificates by state: replicas
 * sharing the database see each other's issuance and anchoring within this, their own at once.
 */
const CERTIFICATE_COUNTS_MAX_AGE_MS = 5_000;

export interface RuntimeOptions {
  provider: Provider;
  chainId: number;
  deployment: { ledger: string; registry: string; deploymentBlock: number };
  keyring: Keyring;
  store: Store;
  /** the holder's secrets, presentations and usage traces (SqliteStore: `store.holder`) */
  holderStore: HolderStore;
  types: CertificateTypeRegistry;
  keccak: Keccak256;
  logger: Logger;
  publicUrl: string;
  http: {
    bodyLimitBytes: number;
    rateLimitPerMinute: number;
    corsOrigins: readonly string[];
    trustProxy: boolean | number | readonly string[];
  };
  anchoring: {
    batchSize: number;
    batchMaxAgeMs: number;
    confirmations: number;
    pollMs?: number;
    receiptTimeoutMs?: number;
  };
  /** how long a verification or readiness read waits for the chain; default 2 s */
  chainReadTimeoutMs?: number;
  /** stored certificates whose offline checks are remembered; default 20,000 */
  verificationCacheEntries?: number;
  /** live presentation lifetime and usage-trace retention; default 300 s and 180 days */
  holder?: { presentationTtlSeconds: number; usageTraceRetentionDays: number };
  /**
   * This process among replicas sharing the store: its lease holder id (unique per process with
   * PostgreSQL; a fixed one with SQLite, whose single service process reclaims its leases at once
   * after a restart) and lease timing. Default: "local", 5 s leases.
   */
  replica?: { holder: string; leases?: SignerLeasesOptions };
  /** the chain-event index; default: in memory, polling every second, confirmation depth 0 */
  audit?: Partial<AuditTrailOptions>;
  /** other deployments whose certificates this service verifies (its signed trust list, reloaded as it changes); it always trusts its own */
  trustList?: TrustListWatch;
  /** this deployment's name in its descriptor; default the service's generic name */
  serviceName?: { zh: string; en: string };
  /** bounds of fetching a certificate from another deployment (tests shorten them) */
  federationFetch?: FetchLimits;
  clock?: () => Date;
}

export interface Runtime {
  /** every route behind Express's middleware; tests walk its routes */
  app: Express;
  /** what a server listens with (the app, with the fast paths in front: the QR scan, single issuance) */
  listener: RequestListener;
  batcher: Batcher;
  anchors: AnchorService;
  statuses: StatusService;
  issuance: IssuanceService;
  verifier: Verifier;
  metrics: Metrics;
  /** verification answers while the chain head stands still (start/stop it with the batcher) */
  verificationCache: CachingLedgerView;
  /** chain-event index (start/stop its polling with the batcher) and reconciliation */
  audit: AuditTrail;
  holder: { access: HolderAccess; presentations: Presentations; traces: UsageTraces };
  /** the officer keys this replica may use (start/stop with the batcher; stop releases them) */
  leases: SignerLeases;
  /** finishes what a crash or an outage left undone; call once before `batcher.start()` */
  recover(): Promise<void>;
}

/** Builds every component from explicit dependencies: `serviceLifetime.ts` and the tests share it. */
export function assembleRuntime(options: RuntimeOptions): Runtime {
  const { store, keyring, logger, keccak, types } = options;
  // Agencies added by the admin CLI while the service runs are picked up here, keys included.
  const signerFor = async (agencyId: number) => {
    const agency = await store.getAgency(agencyId);
    if (!agency) throw new Error(`agency ${agencyId} is not served here`);
    return keyring.queue(agency.signer);
  };
  const buildTree = (leaves: readonly string[]) => CertificateBatchTree.of(leaves, keccak);
  const certificateCounts = new CertificateCounts({
    count: () => store.countCertificates(),
    maxAgeMs: CERTIFICATE_COUNTS_MAX_AGE_MS,
    now: options.clock ?? (() => new Date()),
  });
  const metrics = new Metrics(() => certificateCounts.get());
  const jurisdictions = builtinJurisdictions();
  const receiptTimeoutMs = options.anchoring.receiptTimeoutMs ?? 30_000;

  const ledgerView = new EthersLedgerView(options.provider, options.deployment.ledger, {
    fromBlock: options.deployment.deploymentBlock,
  });
  // Someone waits on every verification and readiness read: they go through one breaker, so a
  // stalled node answers UNAVAILABLE within the read timeout and at once while it stays down. The
  // cache follows the head through it too, which keeps the breaker's view current between scans.
  const readTimeoutMs = options.chainReadTimeoutMs ?? 2000;
  const breaker = new ChainBreaker({ timeoutMs: readTimeoutMs, cooldownMs: Math.max(250, readTimeoutMs / 2) });
  const headReader = { getBlockNumber: () => breaker.run(() => options.provider.getBlockNumber()) };
  const verificationCache = new CachingLedgerView(ledgerView, headReader, { pollMs: 100, maxEntries: 100_000 });
  const onChainChange = (): void => {
    verificationCache.invalidate();
    certificateCounts.changed();
  };
  let wakeBatcher = (): void => undefined;
  const leases = new SignerLeases(
    {
      store,
      holder: options.replica?.holder ?? "local",
      logger,
      onAcquired: (signer) => {
        // a key taken over from another replica: its nonce sequence moved on elsewhere
        if (keyring.has(signer)) keyring.queue(signer).resync();
        wakeBatcher();
      },
    },
    options.replica?.leases ?? DEFAULT_LEASE_OPTIONS,
  );
  const mayUseSigner = async (signer: string): Promise<boolean> => keyring.has(signer) && (await leases.mayUse(signer));
  const gate: AnchoringGate = {
    mayUseSigner,
    async mayAnchorFor(agencyId) {
      const agency = await store.getAgency(agencyId);
      return agency !== null && (await mayUseSigner(agency.signer));
    },
  };
  const anchors = new AnchorService(
    {
      store,
      provider: options.provider,
      ledger: options.deployment.ledger,
      chainId: options.chainId,
      deploymentBlock: options.deployment.deploymentBlock,
      signerFor,
      buildTree,
      onChainChange,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    },
    { confirmations: options.anchoring.confirmations, receiptTimeoutMs },
  );
  const statuses = new StatusService(
    {
      store,
      provider: options.provider,
      ledger: options.deployment.ledger,
      signerFor,
      buildTree,
      onChainChange,
      mayUseSigner,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    },
    { confirmations: options.anchoring.confirmations, receiptTimeoutMs },
  );
  const batcher = new Batcher(
    {
      store,
      anchors,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
      metrics,
      gate,
      afterRound: () => statuses.resumeOwned(),
    },
    {
      batchSize: options.anchoring.batchSize,
      maxAgeMs: options.anchoring.batchMaxAgeMs,
      pollMs: options.anchoring.pollMs ?? 200,
    },
  );
  wakeBatcher = () => {
    batcher.wake();
  };
  const now = options.clock ?? (() => new Date());
  const random = new RandomPool();
  const holderAccess = new HolderAccess({
    holderStore: options.holderStore,
    publicUrl: options.publicUrl,
    now,
    randomBytes: random.bytes,
  });
  const issuance = new IssuanceService({
    store,
    holderAccess,
    types,
    keccak,
    jurisdictions,
    publicUrl: options.publicUrl,
    randomBytes: random.bytes,
    ...(options.clock ? { clock: options.clock } : {}),
    onIssued: (count) => {
      metrics.issued.inc(count);
      certificateCounts.changed();
      runOutsideRequest(() => {
        batcher.wake();
      });
    },
  });
  const guardedView = (view: LedgerView): LedgerView => new BreakingLedgerView(view, breaker);
  const trustList = options.trustList ?? TrustListWatch.fixed([]);
  const trust = serviceTrustPolicy({
    provider: options.provider,
    own: { chainId: options.chainId, ledger: options.deployment.ledger, registry: options.deployment.registry },
    ownView: guardedView(verificationCache),
    others: () => trustList.deployments(),
    guard: guardedView,
  });
  const verifier = new Verifier({
    keccak,
    types,
    trust,
    trustAt: (version) => trust.withOwnView(guardedView(verificationCache.atVersion(version))),
    store,
    offlineCacheEntries: options.verificationCacheEntries ?? 20_000,
    chainEpoch: () => verificationCache.epoch,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const links = new LinkVerifier({
    keccak,
    types,
    trust,
    listed: () => trustList.deployments(),
    ownOrigins: new Set([new URL(options.publicUrl).origin]),
    ...(options.federationFetch ? { limits: options.federationFetch } : {}),
    now,
  });
  const federation = {
    describe: () =>
      buildDescriptor({
        name: options.serviceName ?? { zh: "certledger 证照核验服务", en: "certledger certificate service" },
        publicUrl: options.publicUrl,
        chainId: options.chainId,
        deployment: options.deployment,
        store,
      }),
    async publicDocumentOf(id: string, leaf: string) {
      const record = await store.getCertificate(id);
      if (!record || record.leaf.toLowerCase() !== leaf.toLowerCase()) return "unknown" as const;
      if (record.state !== "anchored") return "pending" as const;
      return publicDocument(record, { types, keccak });
    },
    links,
    trustList: () => trustList.state(),
  };
  const holderOptions = options.holder ?? { presentationTtlSeconds: 300, usageTraceRetentionDays: 180 };
  const traces = new UsageTraces({
    holderStore: options.holderStore,
    now,
    retentionDays: holderOptions.usageTraceRetentionDays,
  });
  const holder = {
    access: holderAccess,
    presentations: new Presentations({
      holderStore: options.holderStore,
      verifier,
      traces,
      publicUrl: options.publicUrl,
      now,
      ttlSeconds: holderOptions.presentationTtlSeconds,
    }),
    traces,
  };
  const audit = new AuditTrail(
    {
      provider: options.provider,
      deployment: { chainId: options.chainId, ...options.deployment },
      store,
      keccak,
      ledgerView,
      logger,
      ...(options.clock ? { clock: options.clock } : {}),
    },
    {
      indexPath: options.audit?.indexPath ?? ":memory:",
      ...(options.audit?.indexer ? { indexer: options.audit.indexer } : {}),
    },
  );

  // Each check has the read deadline and may fail in any way (a store adapter throwing
  // synchronously, a promise that never settles): the report is always sent, as 503 if need be.
  const check = async (
    name: string,
    probe: () => Promise<string>,
  ): Promise<[string, { ok: boolean; detail: string }]> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer within ${readTimeoutMs} ms`));
      }, readTimeoutMs);
    });
    try {
      return [name, { ok: true, detail: await Promise.race([Promise.resolve().then(probe), deadline]) }];
    } catch (error) {
      return [name, { ok: false, detail: error instanceof Error ? error.message : String(error) }];
    } finally {
      clearTimeout(timer);
    }
  };

  /** Whether this replica's officer keys can sign (a remote signer may be down): anchoring waits if not. */
  const signerHealth = async (): Promise<{ ok: boolean; detail: string } | null> => {
    const agencies = await store.listAgencies().catch(() => []);
    const used = agencies.filter((a) => keyring.has(a.signer)).map((a) => keyring.queue(a.signer).signer);
    if (used.length === 0) return null;
    const reports = await Promise.all(used.map(async (signer) => ({ signer, health: await signer.health() })));
    const down = reports.filter((r) => !r.health.ok);
    return down.length === 0
      ? {
          ok: true,
          detail: `${reports.length} officer key(s) ready (${[...new Set(used.map((s) => s.origin))].join(", ")})`,
        }
      : { ok: false, detail: down.map((r) => `${r.signer.address}: ${r.health.detail}`).join("; ") };
  };

  /** Which deployments the trust list recognises and until when (informational unless it expired or a reload was refused). */
  const trustListCheck = (): { ok: boolean; detail: string } => {
    const state = trustList.state();
    if (!state.list) return { ok: true, detail: "no trust list: only this deployment is recognised" };
    const names = state.list.deployments.map((d) => `${d.name?.en ?? d.ledger} (${(d.origins ?? []).join(", ")})`);
    const until = state.list.expiresAt ? `; the list expires at ${state.list.expiresAt}` : "";
    if (state.expired)
      return {
        ok: false,
        detail: `the trust list expired at ${state.list.expiresAt}: no other deployment is recognised`,
      };
    const refused = state.refused ? `; the file's last change was refused: ${state.refused}` : "";
    return {
      ok: state.refused === null,
      detail: `recognises ${names.length} deployment(s): ${names.join("; ") || "none"}${until}${refused}`,
    };
  };

  const readiness = async (): Promise<ReadinessReport> => {
    const results = await Promise.all([
      check("database", async () => {
        await store.ping();
        return "reachable";
      }),
      check("chain", async () => {
        try {
          return `block ${await breaker.run(() => options.provider.getBlockNumber())}`;
        } catch {
          const since = breaker.downSince;
          throw new Error(
            `the chain cannot be reached${since ? ` since ${since.toISOString()}` : ""}; anchoring waits and verification answers UNAVAILABLE`,
          );
        }
      }),
      check("anchoring", async () => {
        const counts = await certificateCounts.get();
        return `${counts.pending} pending, ${counts.anchored} anchored`;
      }),
      check("signers", async () => {
        const health = await signerHealth();
        if (health && !health.ok) throw new Error(health.detail);
        return health?.detail ?? "";
      }),
    ]);
    const checks: ReadinessReport["checks"] = Object.fromEntries(
      results.filter(([name, c]) => name !== "signers" || !c.ok || c.detail !== ""),
    );
    checks.trustList = trustListCheck();
    const held = leases.heldSigners();
    // informational (always ok): which replica anchors for which officer key
    checks.leases = {
      ok: true,
      detail:
        held.length > 0
          ? `replica ${leases.holder} anchors for ${held.join(", ")}`
          : `replica ${leases.holder} holds no officer key lease`,
    };
    // An officer signer that is down only delays anchoring: this replica still issues and verifies,
    // so it stays in rotation (taking every replica out would stop verification too); the check says so.
    // A trust list that expired or a refused reload stops recognising other deployments, not this
    // service's own work: the check says so without taking the replica out of rotation.
    return {
      ready: Object.entries(checks).every(([name, c]) => c.ok || name === "signers" || name === "trustList"),
      checks,
    };
  };

  const { app, listener } = createApp({
    http: { publicUrl: options.publicUrl, ...options.http },
    store,
    types,
    issuance,
    statuses,
    verifier,
    divisionName: (code, locale) => jurisdictions.get(code)?.[locale],
    readiness,
    metrics,
    logger,
    audit: { index: audit.index, reconciler: audit.reconciler },
    holder,
    federation,
    now,
  });

  const checkSigners = async (): Promise<void> => {
    for (const agency of await store.listAgencies()) {
      if (!keyring.has(agency.signer)) {
        logger.warn(
          { agency: agency.agencyId, signer: agency.signer },
          "no key for this agency's officer; its certificates will wait",
        );
      }
    }
  };

  return {
    app,
    listener,
    batcher,
    anchors,
    statuses,
    issuance,
    verifier,
    verificationCache,
    metrics,
    audit,
    holder,
    leases,
    async recover() {
      await traces.prune();
      await checkSigners();
      const resent = await anchors.recoverAnchored(mayUseSigner);
      if (resent > 0) logger.warn({ resent }, "batches the chain had lost were anchored again");
      await statuses.resumeUnfinished();
      const reapplied = await statuses.reapplyLostStatuses();
      if (reapplied > 0) logger.warn({ reapplied }, "status changes the chain had lost were applied again");
    },
  };
}
