import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PgStore } from "../../server/store/postgres/pgStore.ts";
import type { Store } from "../../server/store/port.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";
import { sampleInputs } from "../support/samples.ts";
import { serveAgency, startExternalChain, type ExternalChain } from "../support/externalChain.ts";
import { freePort, startServiceProcess, waitFor, type ServiceProcess } from "../support/serviceProcess.ts";
import { postgresBinDir, startPgCluster, type PgCluster } from "../support/postgres.ts";
import { bucketQuantile, histogramBuckets, mergeBuckets } from "./prometheus.ts";

export interface StoreFigures {
  replicas: number;
  offeredPerSecond: number;
  acknowledged: number;
  rejected: number;
  acknowledgedPerSecond: number;
  anchoredPerSecond: number;
  p99AcknowledgeMs: number | null;
  p99AcceptedToAnchoredSeconds: number | null;
}

const licence = (n: number) => {
  const { type, subject, validFrom } = sampleInputs(n)["business-licence"]!;
  return { type, subject, validFrom };
};

/** Offers `rate` certificates a second for `seconds` round-robin over `urls`, then waits until all are anchored. */
async function measure(
  urls: readonly string[],
  apiKey: string,
  options: { rate: number; seconds: number; requestItems: number },
): Promise<StoreFigures> {
  const templates = Array.from({ length: 1000 }, (_, i) => licence(i));
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
  latencies.sort((a, b) => a - b);
  return {
    replicas: urls.length,
    offeredPerSecond: options.rate,
    acknowledged,
    rejected,
    acknowledgedPerSecond: Math.round(acknowledged / ackSeconds),
    anchoredPerSecond: Math.round(acknowledged / ((anchoredAt - started) / 1000)),
    p99AcknowledgeMs:
      latencies.length > 0
        ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!)
        : null,
    p99AcceptedToAnchoredSeconds: bucketQuantile(
      mergeBuckets(metrics.map((m) => histogramBuckets(m, "certledger_anchor_latency_seconds"))),
      0.99,
    ),
  };
}

/** Starts `count` replicas on one store and chain, measures, stops them. */
async function run(
  root: string,
  chain: ExternalChain,
  store: {
    env: Record<string, string>;
    open: () => Promise<Store> | Store;
    dataDirFor: (i: number) => Promise<string>;
  },
  count: number,
  options: { rate: number; seconds: number; requestItems: number },
): Promise<StoreFigures> {
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
  }
}

/**
 * Issuance ceilings of the stores side by side, in one run: SQLite (one service), PostgreSQL with
 * one replica and with three, all `npm start` on one external anvil.
 */
export async function compareStores(options: {
  root: string;
  seconds: number;
  rate: number;
  requestItems: number;
}): Promise<Record<string, StoreFigures | string | number>> {
  const chain = await startExternalChain();
  const bin = postgresBinDir();
  let cluster: PgCluster | null = null;
  const result: Record<string, StoreFigures | string | number> = {};
  const report = (name: string, figures: StoreFigures | string | number): void => {
    result[name] = figures;
    process.stdout.write(`${name}: ${JSON.stringify(figures)}\n`);
  };
  try {
    const sqliteDir = await mkdtemp(join(tmpdir(), "certledger-bench-sqlite-"));
    report(
      "sqlite",
      await run(
        options.root,
        chain,
        {
          env: {},
          open: () => SqliteStore.open(join(sqliteDir, "certledger.db")),
          dataDirFor: () => Promise.resolve(sqliteDir),
        },
        1,
        options,
      ),
    );
    if (!bin) {
      report("postgresql", "skipped: PostgreSQL is not installed");
      return result;
    }
    cluster = await startPgCluster(bin);
    for (const replicas of [1, 3]) {
      const url = await cluster.createDatabase(`bench_${replicas}`);
      report(
        `postgresql${replicas}`,
        await run(
          options.root,
          chain,
          {
            env: { DATABASE_URL: url },
            open: () => PgStore.open(url),
            dataDirFor: () => mkdtemp(join(tmpdir(), "certledger-bench-pg-")),
          },
          replicas,
          options,
        ),
      );
    }
    const sqlite = result.sqlite as StoreFigures;
    const pg1 = result.postgresql1 as StoreFigures;
    result.postgresql1ShareOfSqlite = Number((pg1.acknowledgedPerSecond / sqlite.acknowledgedPerSecond).toFixed(2));
    return result;
  } finally {
    await cluster?.stop();
    await chain.stop();
  }
}
