import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import pg from "pg";
import { ICertificateLedger__factory } from "../../types/ethers-contracts/index.ts";
import { createProvider } from "../../server/chain/provider.ts";
import { PgStore } from "../../server/store/postgres/pgStore.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { startPgCluster, type PgCluster } from "../../scripts/support/postgres.ts";
import { requirePostgres } from "../support/postgres.ts";
import { freePort, startServiceProcess, waitFor, type ServiceProcess } from "../../scripts/support/serviceProcess.ts";
import { serveAgency, startExternalChain, type ExternalChain } from "../../scripts/support/externalChain.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const TOTAL = 5_000;
const PER_REQUEST = 25;
const REPLICAS = 3;

interface Replica {
  env: Record<string, string>;
  process: ServiceProcess;
  dataDir: string;
}

/**
 * Three `npm start` replicas on one PostgreSQL database and one external chain, behind a
 * round-robin client that fails over as a load balancer would. The replica anchoring for the
 * agency's officer key is SIGKILLed mid-run; another takes its lease over and finishes from the
 * outbox.
 */
describe("e2e: replicas on PostgreSQL behind round-robin", function () {
  this.timeout(600_000);
  let cluster: PgCluster;
  let chain: ExternalChain;
  let databaseUrl: string;
  let apiKey: string;
  const replicas: Replica[] = [];

  before(async function () {
    const bin = requirePostgres(this);
    [cluster, chain] = await Promise.all([startPgCluster(bin), startExternalChain()]);
    databaseUrl = await cluster.createDatabase("replicas");
    const seed = await PgStore.open(databaseUrl);
    apiKey = await serveAgency(seed, chain);
    await seed.close();
    const replicaEnv = async (): Promise<Omit<Replica, "process">> => {
      const dataDir = await mkdtemp(join(tmpdir(), "certledger-replica-"));
      const env = {
        ...chain.env,
        SIGNER_KEY: chain.officerKey,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        PORT: String(await freePort()),
        BATCH_MAX_AGE_MS: "200",
        RATE_LIMIT_PER_MINUTE: "0",
      };
      return { env, dataDir };
    };
    // The first replica starts as a user starts it (`npm start` builds the contracts); the others
    // start together on that build, since concurrent `hardhat build`s in one checkout race on
    // Hardhat's compile cache. Each replica is registered as soon as it is up, so `after` stops
    // it even when another fails to start.
    const first = await replicaEnv();
    replicas.push({ ...first, process: await startServiceProcess(first.env, ROOT) });
    const others = await Promise.allSettled(
      Array.from({ length: REPLICAS - 1 }, async () => {
        const replica = await replicaEnv();
        replicas.push({ ...replica, process: await startServiceProcess(replica.env, ROOT, { direct: true }) });
      }),
    );
    const failed = others.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
  });

  after(async () => {
    await Promise.all(replicas.map((r) => r.process.stop().catch(() => undefined)));
    await Promise.all(replicas.map((r) => rm(r.dataDir, { recursive: true, force: true })));
    await (chain as ExternalChain | undefined)?.stop();
    await (cluster as PgCluster | undefined)?.stop();
  });

  const alive = () => replicas.filter((r) => r.process.child.exitCode === null && r.process.child.signalCode === null);

  async function leaseHolder(): Promise<Replica> {
    return waitFor(
      "a replica to hold the officer key's lease",
      async () => {
        for (const r of alive()) {
          const ready = await call<{ checks: { leases?: { detail: string } } }>(r.process.url, "GET", "/readyz");
          if (ready.body.checks.leases?.detail.includes(chain.officer)) return r;
        }
        return undefined;
      },
      30_000,
    );
  }

  it("anchors 5,000 certificates exactly once though the anchoring replica is killed mid-run; all replicas agree, and see a revocation at once", async () => {
    let next = 0;
    const acknowledged: { id: string; verifyUrl: string }[] = [];
    const requests = Array.from({ length: TOTAL / PER_REQUEST }, (_, r) => r);

    // Round-robin over the replicas still up; a failed connection goes to the next one with the
    // same Idempotency-Key, so a request the dead replica stored is answered, not stored twice.
    const send = async (r: number): Promise<void> => {
      const items = Array.from({ length: PER_REQUEST }, (_, i) => licenceRequest(r * PER_REQUEST + i));
      for (let attempt = 0; attempt < 20; attempt++) {
        const targets = alive();
        const target = targets[next++ % targets.length];
        if (!target) throw new Error("no replica is up");
        try {
          const reply = await call<{ items: { id: string; verifyUrl: string }[] }>(
            target.process.url,
            "POST",
            "/api/v1/certificates/batch",
            {
              key: apiKey,
              body: { items },
              headers: { "idempotency-key": `replicas-${r}` },
            },
          );
          if (reply.status === 202) {
            acknowledged.push(...reply.body.items);
            return;
          }
          throw new Error(`HTTP ${reply.status}`);
        } catch (error) {
          if (attempt === 19) throw error;
        }
      }
    };

    const issuing = (async () => {
      const queue = [...requests];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let r = queue.shift(); r !== undefined; r = queue.shift()) await send(r);
        }),
      );
    })();

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const count = async (sql: string): Promise<number> =>
        Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
      // mid-run: some batches anchored, most certificates still to come
      await waitFor(
        "the first anchored batches",
        async () =>
          (await count("SELECT COUNT(*) AS n FROM batches WHERE state = 'anchored'")) > 0 &&
          acknowledged.length >= TOTAL / 4
            ? true
            : undefined,
        120_000,
      );
      const holder = await leaseHolder();
      expect(acknowledged.length, "killed mid-run").to.be.below(TOTAL);
      await holder.process.kill();
      const killed = holder;
      const killedAt = Date.now();

      const successor = await leaseHolder();
      expect(successor).not.to.equal(killed);
      const takeoverMs = Date.now() - killedAt;
      expect(takeoverMs, "another replica takes the lease over within seconds").to.be.below(15_000);

      await issuing;
      expect(acknowledged).to.have.length(TOTAL);
      expect(new Set(acknowledged.map((a) => a.id)).size).to.equal(TOTAL);

      // the killed replica comes back (its own DATA_DIR): it joins without anchoring anything again
      const restarted = { ...killed, process: await startServiceProcess(killed.env, ROOT) };
      replicas[replicas.indexOf(killed)] = restarted;

      await waitFor(
        "every certificate anchored",
        async () =>
          (await count("SELECT COUNT(*) AS n FROM certificates WHERE state = 'anchored'")) === TOTAL ? true : undefined,
        180_000,
        250,
      );
      expect(await count("SELECT COUNT(*) AS n FROM certificates")).to.equal(TOTAL);
      expect(await count("SELECT COUNT(*) AS n FROM batches WHERE state <> 'anchored'"), "no stuck batch").to.equal(0);
      expect(
        await count("SELECT COUNT(*) AS n FROM certificates WHERE batch_id IS NULL OR leaf_index IS NULL"),
      ).to.equal(0);
      const batches = (
        await db.query<{ root: string; size: number; nonce: string; tx_hash: string }>(
          "SELECT root, size, nonce, tx_hash FROM batches ORDER BY nonce",
        )
      ).rows;
      expect(batches.reduce((sum, b) => sum + b.size, 0)).to.equal(TOTAL);

      // on chain: every batch root anchored exactly once, by the officer, and nothing else sent with its key
      const provider = createProvider(chain.rpcUrl, { chainId: chain.chainId });
      try {
        const ledger = ICertificateLedger__factory.connect(chain.ledger, provider);
        const events = await ledger.queryFilter(ledger.filters.BatchAnchored(), chain.deploymentBlock);
        const roots = events.map((e) => e.args[0].toLowerCase());
        expect(new Set(roots).size, "no root anchored twice").to.equal(roots.length);
        expect([...roots].sort()).to.deep.equal(batches.map((b) => b.root.toLowerCase()).sort());
        const sentByOfficer = await provider.getTransactionCount(chain.officer, "latest");
        expect(sentByOfficer, "one transaction per batch: no collided or repeated nonce").to.equal(batches.length);
        expect(
          batches.map((b) => Number(b.nonce)),
          "recorded nonces are contiguous",
        ).to.deep.equal(batches.map((_, i) => i));
        for (const event of events) {
          const receipt = await provider.getTransactionReceipt(event.transactionHash);
          expect(receipt?.status).to.equal(1);
          expect(receipt?.from).to.equal(chain.officer);
        }
      } finally {
        provider.destroy();
      }
    } finally {
      await db.end();
    }

    // verification agrees on every replica, the restarted one included
    const sample = acknowledged.filter((_, i) => i % 500 === 0);
    for (const certificate of sample) {
      const link = new URL(certificate.verifyUrl);
      for (const r of replicas) {
        const result = await call<{ status: string }>(r.process.url, "GET", link.pathname + link.search);
        expect(result.body.status, `${certificate.id} on ${r.process.url}`).to.equal("VALID");
      }
    }

    // a revocation made on one replica (one not holding the officer key: the holder carries it out)
    // is seen by the next verification on every other
    const target = sample[1]!;
    const link = new URL(target.verifyUrl);
    const holder = await leaseHolder();
    const first = replicas.find((r) => r !== holder);
    const others = replicas.filter((r) => r !== first);
    const revoked = await call<{ status: string }>(
      first!.process.url,
      "POST",
      `/api/v1/certificates/${target.id}/revoke`,
      {
        key: apiKey,
        body: { reason: "keyCompromise" },
      },
    );
    expect(revoked.status).to.equal(200);
    expect(revoked.body.status).to.equal("revoked");
    for (const r of others) {
      const result = await call<{ status: string }>(r.process.url, "GET", link.pathname + link.search);
      expect(result.body.status, `revocation seen on ${r.process.url}`).to.equal("REVOKED");
    }
  });
});
