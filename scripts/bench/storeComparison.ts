import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PgStore } from "../../server/store/postgres/pgStore.ts";
import type { Store } from "../../server/store/port.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { licenceRequest } from "../support/samples.ts";
import { serveAgency, startExternalChain, type ExternalChain } from "../support/externalChain.ts";
import { freePort, startServiceProcess, waitFor, type ServiceProcess } from "../support/serviceProcess.ts";
import { postgresBinDir, startPgCluster, type PgCluster } from "../support/postgres.ts";
import { bucketQuantile, histogramBuckets, mergeBuckets, type Bucket } from "./prometheus.ts";

export interface StoreFigures {
  replicas: number;
  offeredPerSecond: number;
  acknowledged: number;
  rejected: number;
  acknowledgedPerSecond: number;
  anchoredPerSecond: number;
  p99AcknowledgeMs: number | null;
  p99AcceptedToAnchoredSeconds: number | null;
  /** each round's acknowledged and anchored certificates a second, in the order measured */
  rounds: { acknowledgedPerSecond: number; anchoredPerSecond: number }[];
}

/** One round of load on one store: what was acknowledged, how long it took, how long until anchored. */
interface Round {
  acknowledged: number;
  rejected: number;
  ackSeconds: number;
  anchorSeconds: number;
  latencies: number[];
  anchorLatency: Bucket[];
}

/** Offers `rate` certificates a second for `seconds` round-robin over `urls`, then waits until all are anchored. */
async function measure(
  urls: readonly string[],
  apiKey: string,
  options: { rate: number; seconds: number; requestItems: number },
): Promise<Round> {
  const templates = Array.from({ length: 1000 }, (_, i) => licenceRequest(i));
  const interval = (options.requestItems / options.rate) * 1000;
  const latencies: number[] = [];
  let acknowledged = 0;
  let rejected = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  for (let sent = 0; performance.now() - started < options.seconds * 1000; sent++) {
    const wait = started + sent * interval - performance.now();
    if (wait > 0) await delay(wait);
    const items = Array.from(
      { length: options.requestItems },
      (_, i) => templates[(sent * options.requestItems + i) % templates.length]!,
    );
    const begun = performance.now();
    const request = fetch(`${urls[sent % urls.length]!}/api/v1/certificates/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ items }),
    }).then(
      async (response) => {
        await response.arrayBuffer();
        if (response.status === 202) {
          acknowledged += options.requestItems;
          latencies.push(performance.now() - begun);
        } else rejected += options.requestItems;
      },
      () => {
        rejected += options.requestItems;
      },
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    // a bounded number of requests in flight per replica: past its ceiling the offered rate is not met
    if (inFlight.size >= 8 * urls.length) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ackSeconds = (performance.now() - started) / 1000;
  const anchoredAt = await waitFor(
    "every certificate anchored",
    async () => {
      const text = await (await fetch(`${urls[0]!}/metrics`)).text();
      const pending = Number(/certledger_certificates\{state="pending"\} (\d+)/.exec(text)?.[1] ?? "NaN");
      return pending === 0 ? performance.now() : undefined;
    },
    600_000,
    250,
  );
  const metrics = await Promise.all(urls.map(async (url) => (await fetch(`${url}/metrics`)).text()));
  return {
    acknowledged,
    rejected,
    ackSeconds,
    anchorSeconds: (anchoredAt - started) / 1000,
    latencies,
    anchorLatency: mergeBuckets(metrics.map((m) => histogramBuckets(m, "certledger_anchor_latency_seconds"))),
  };
}

/** The rounds of one store summed up: rates over all rounds' time, p99 over all rounds' requests. */
function summarise(replicas: number, offeredPerSecond: number, rounds: readonly Round[]): StoreFigures {
  const sum = (f: (r: Round) => number): number => rounds.reduce((total, r) => total + f(r), 0);
  const acknowledged = sum((r) => r.acknowledged);
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    replicas,
    offeredPerSecond,
    acknowledged,
    rejected: sum((r) => r.rejected),
    acknowledgedPerSecond: Math.round(acknowledged / sum((r) => r.ackSeconds)),
    anchoredPerSecond: Math.round(acknowledged / sum((r) => r.anchorSeconds)),
    p99AcknowledgeMs:
      latencies.length > 0
        ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!)
        : null,
    p99AcceptedToAnchoredSeconds: bucketQuantile(mergeBuckets(rounds.map((r) => r.anchorLatency)), 0.99),
    rounds: rounds.map((r) => ({
      acknowledgedPerSecond: Math.round(r.acknowledged / r.ackSeconds),
      anchoredPerSecond: Math.round(r.acknowledged / r.anchorSeconds),
    })),
  };
}

/** One round's store: what its services are started with, and how it is opened and cleared away. */
interface RoundStore {
  env: Record<string, string>;
  open: () => Promise<Store> | Store;
  dataDirFor: (i: number) => Promise<string>;
  /**
   * removes what the round left outside its data directories: a PostgreSQL database dropped, as
   * SQLite's file goes with its directory, so no later round shares the cluster with its leftovers
   * (its autovacuum, its checkpoints)
   */
  dispose?: () => Promise<void>;
}

/** Starts `count` replicas on one store and chain, measures one round, stops them. */
async function run(
  root: string,
  chain: ExternalChain,
  store: RoundStore,
  count: number,
  options: { rate: number; seconds: number; requestItems: number },
): Promise<Round> {
  const seed = await store.open();
  const apiKey = await serveAgency(seed, chain);
  await seed.close();
  const dirs: string[] = [];
  const replicas: ServiceProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const dataDir = await store.dataDirFor(i);
      dirs.push(dataDir);
      replicas.push(
        await startServiceProcess(
          {
            ...chain.env,
            ...store.env,
            SIGNER_KEY: chain.officerKey,
            DATA_DIR: dataDir,
            PORT: String(await freePort()),
            RATE_LIMIT_PER_MINUTE: "0",
            LOG_LEVEL: "error",
          },
          root,
        ),
      );
    }
    return await measure(
      replicas.map((r) => r.url),
      apiKey,
      options,
    );
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    await store.dispose?.();
  }
}

interface StoreUnderTest {
  name: string;
  replicas: number;
  /** a fresh, empty store for one round */
  fresh: (round: number) => Promise<RoundStore>;
}

/**
 * Issuance ceilings of the stores side by side, in one run: SQLite (one service), PostgreSQL with
 * one replica and with three, all `npm start` on one external anvil. The machine is shared, and its
 * load drifts over minutes, so the stores take turns: `rounds` rounds, each giving every store a
 * fresh database and `seconds` of load, the order rotated from one round to the next. A share is
 * taken over the sums of all rounds, and each round's figures are kept to show the spread.
 */
export async function compareStores(options: {
  root: string;
  seconds: number;
  rounds: number;
  rate: number;
  requestItems: number;
}): Promise<Record<string, StoreFigures | string | number>> {
  const chain = await startExternalChain();
  const bin = postgresBinDir();
  const cluster: PgCluster | null = bin ? await startPgCluster(bin) : null;
  const result: Record<string, StoreFigures | string | number> = {};
  const report = (name: string, figures: StoreFigures | string | number): void => {
    result[name] = figures;
    process.stdout.write(`${name}: ${JSON.stringify(figures)}\n`);
  };
  const sqlite: StoreUnderTest = {
    name: "sqlite",
    replicas: 1,
    fresh: async () => {
      const dir = await mkdtemp(join(tmpdir(), "certledger-bench-sqlite-"));
      return {
        env: {},
        open: () => SqliteStore.open(join(dir, "certledger.db")),
        dataDirFor: () => Promise.resolve(dir),
      };
    },
  };
  const postgres = (db: PgCluster, replicas: number): StoreUnderTest => ({
    name: `postgresql${replicas}`,
    replicas,
    fresh: async (round) => {
      const name = `bench_${replicas}_${round}`;
      const url = await db.createDatabase(name);
      return {
        env: { DATABASE_URL: url },
        open: () => PgStore.open(url),
        dataDirFor: () => mkdtemp(join(tmpdir(), "certledger-bench-pg-")),
        dispose: () => db.dropDatabase(name),
      };
    },
  });
  const stores = cluster ? [sqlite, postgres(cluster, 1), postgres(cluster, 3)] : [sqlite];
  try {
    // unrecorded: the first service of a run pays for a cold chain and compile cache
    await run(options.root, chain, await sqlite.fresh(-1), 1, { ...options, seconds: Math.min(options.seconds, 3) });
    const rounds = new Map<string, Round[]>(stores.map((s) => [s.name, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (let turn = 0; turn < stores.length; turn++) {
        const store = stores[(round + turn) % stores.length]!;
        const measured = await run(options.root, chain, await store.fresh(round), store.replicas, options);
        rounds.get(store.name)!.push(measured);
        process.stdout.write(
          `round ${round + 1} ${store.name}: ${Math.round(measured.acknowledged / measured.ackSeconds)}/s acknowledged, ` +
            `${Math.round(measured.acknowledged / measured.anchorSeconds)}/s anchored\n`,
        );
      }
    }
    for (const store of stores) report(store.name, summarise(store.replicas, options.rate, rounds.get(store.name)!));
    if (!cluster) {
      report("postgresql", "skipped: PostgreSQL is not installed");
      return result;
    }
    const sqliteFigures = result.sqlite as StoreFigures;
    const pg1 = result.postgresql1 as StoreFigures;
    result.postgresql1ShareOfSqlite = Number(
      (pg1.acknowledgedPerSecond / sqliteFigures.acknowledgedPerSecond).toFixed(2),
    );
    result.postgresql1AnchoredShareOfSqlite = Number(
      (pg1.anchoredPerSecond / sqliteFigures.anchoredPerSecond).toFixed(2),
    );
    return result;
  } finally {
    await cluster?.stop();
    await chain.stop();
  }
}
