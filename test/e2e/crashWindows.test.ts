import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { CrashPoint } from "../../server/anchoring/crashPoints.ts";
import { licenceRequest } from "../../scripts/support/samples.ts";
import { call } from "../../scripts/support/http.ts";
import { freePort, startServiceProcess, waitFor, type ServiceProcess } from "../../scripts/support/serviceProcess.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

interface Listed {
  id: string;
  state: string;
  status: string;
  leafHash: string;
}

interface ChainEvent {
  kind: string;
  root: string | null;
  leaf: string | null;
  size: number | null;
}

/**
 * Every crash window of the outbox, through the real `npm start`: the service kills itself
 * (`CERTLEDGER_CRASH_AT`, a test hook) after signing, after broadcasting and after the receipt,
 * before committing, for anchoring and for status changes; then the embedded chain is killed and
 * loses its last second. Each start recovers what the previous one left and crashes in the next
 * window, so six windows cost seven starts. What is checked is what the service answers and what
 * its own audit index read from the chain, not the contracts' ABI.
 */
describe("e2e: every crash window of the outbox", function () {
  this.timeout(600_000);
  let dataDir: string;
  let env: Record<string, string>;
  let service: ServiceProcess | null = null;
  let apiKey: string;
  let auditorApiKey: string;
  let agencyId: number;
  const acknowledged = new Set<string>();

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "certledger-crash-"));
    env = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      LOCAL_CHAIN_PORT: String(await freePort()),
      RATE_LIMIT_PER_MINUTE: "0",
      BATCH_MAX_AGE_MS: "100",
      NODE_ENV: "test",
    };
  });
  after(async () => {
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const url = () => `http://127.0.0.1:${env.PORT}`;

  const issue = async (n: number): Promise<string | null> => {
    try {
      const r = await call<{ id: string }>(url(), "POST", "/api/v1/certificates", {
        key: apiKey,
        body: licenceRequest(n),
      });
      if (r.status !== 202) return null;
      acknowledged.add(r.body.id);
      return r.body.id;
    } catch {
      return null; // the crash came first: not acknowledged, so not promised
    }
  };

  /** Starts the service armed at `point`; `whileUp` runs if it gets to serve before crashing. */
  async function crashAt(point: CrashPoint, whileUp: () => Promise<unknown> = () => Promise.resolve()): Promise<void> {
    let output: string;
    try {
      const running = await startServiceProcess({ ...env, CERTLEDGER_CRASH_AT: point }, ROOT, { direct: true });
      await whileUp().catch(() => undefined);
      await waitFor(
        "the service to crash",
        () => Promise.resolve(running.child.exitCode !== null || running.child.signalCode !== null ? true : undefined),
        60_000,
      );
      output = running.output();
    } catch (error) {
      // it crashed while recovering, before it listened
      output = error instanceof Error ? error.message : String(error);
    }
    expect(output, `no crash at ${point}:\n${output}`).to.include(`crashing at ${point}`);
  }

  const list = async (): Promise<Listed[]> =>
    (await call<{ items: Listed[] }>(url(), "GET", "/api/v1/certificates?limit=500", { key: apiKey })).body.items;

  const allAnchored = () =>
    waitFor(
      "every certificate to be anchored",
      async () => {
        const items = await list();
        return items.length > 0 && items.every((i) => i.state === "anchored") ? items : undefined;
      },
      60_000,
      200,
    );

  /** The ledger's events as the service's own audit index read them, once it has reached the head. */
  async function chainEvents(): Promise<ChainEvent[]> {
    const head = await waitFor(
      "the chain head",
      async () => {
        const r = await call<{ checks: { chain: { ok: boolean; detail: string } } }>(url(), "GET", "/readyz");
        return r.body.checks.chain.ok ? Number(/\d+/.exec(r.body.checks.chain.detail)?.[0]) : undefined;
      },
      20_000,
    );
    return waitFor(
      "the audit index to reach the head",
      async () => {
        const r = await call<{ items: ChainEvent[]; indexedThrough: number | null }>(
          url(),
          "GET",
          `/api/v1/audit/agencies/${agencyId}/events?kind=BatchAnchored,CertificateRevoked,CertificateSuspended,CertificateReinstated&limit=1000`,
          { key: auditorApiKey },
        );
        return (r.body.indexedThrough ?? -1) >= head ? r.body.items : undefined;
      },
      30_000,
      200,
    );
  }

  /** Every certificate stored is anchored exactly once on chain, and each verifies as expected. */
  async function expectExactlyOnce(expected: Record<string, string>): Promise<void> {
    const items = await allAnchored();
    const ids = new Set(items.map((i) => i.id));
    for (const id of acknowledged) expect(ids.has(id), `acknowledged ${id} is stored`).to.equal(true);
    const events = await chainEvents();
    const anchors = events.filter((e) => e.kind === "BatchAnchored");
    const roots = anchors.map((e) => e.root);
    expect(new Set(roots).size, "no root anchored twice").to.equal(roots.length);
    expect(
      anchors.reduce((sum, e) => sum + (e.size ?? 0), 0),
      "every stored certificate in exactly one batch on chain",
    ).to.equal(items.length);
    for (const item of items) {
      const v = await call<{ status: string }>(url(), "GET", `/v/${item.id}?h=${item.leafHash}`);
      expect(v.body.status, item.id).to.equal(expected[item.id] ?? "VALID");
    }
    const report = await call<{ ok: boolean; findings: unknown[] }>(url(), "GET", "/api/v1/audit/reconcile", {
      key: auditorApiKey,
    });
    expect(report.body.findings, "database and chain agree").to.deep.equal([]);
  }

  it("anchors every acknowledged certificate exactly once after a crash after signing, broadcasting and the receipt", async () => {
    const started = Date.now();
    await crashAt("anchor:signed", async () => {
      const credentials = JSON.parse(await readFile(join(dataDir, "dev-credentials.json"), "utf8")) as {
        apiKey: string;
        auditorApiKey: string;
        agencyId: number;
      };
      ({ apiKey, auditorApiKey, agencyId } = credentials);
      expect(await issue(1), "the first certificate is acknowledged").to.be.a("string");
    });
    // each start finishes the batch the last one left half done, and dies in the next window
    await crashAt("anchor:broadcast", () => issue(2));
    await crashAt("anchor:receipt", () => issue(3));
    service = await startServiceProcess(env, ROOT, { direct: true });
    // the crashes may all have come while recovering, before the service served: one more after
    expect(await issue(4), "issuance after recovery").to.be.a("string");
    await expectExactlyOnce({});
    console.log(`      anchoring windows: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("applies every requested status change exactly once after a crash after signing, broadcasting and the receipt", async () => {
    const started = Date.now();
    const [revoked, suspended] = (await list()).map((i) => i.id);
    if (!revoked || !suspended) throw new Error("the anchoring windows left too few certificates");
    await service?.stop();
    service = null;
    await crashAt("status:signed", () =>
      call(url(), "POST", `/api/v1/certificates/${revoked}/revoke`, { key: apiKey, body: { reason: "keyCompromise" } }),
    );
    await crashAt("status:broadcast");
    await crashAt("status:receipt");
    service = await startServiceProcess(env, ROOT, { direct: true });
    const suspension = await call(url(), "POST", `/api/v1/certificates/${suspended}/suspend`, {
      key: apiKey,
      body: {},
    });
    expect(suspension.status).to.equal(200);
    await expectExactlyOnce({ [revoked]: "REVOKED", [suspended]: "SUSPENDED" });
    const revocations = (await chainEvents()).filter((e) => e.kind === "CertificateRevoked");
    expect(revocations, "the revocation applied once").to.have.length(1);
    console.log(`      status windows: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("re-applies what the embedded chain forgot when it is SIGKILLed and loses its last second", async () => {
    const started = Date.now();
    if (!service) throw new Error("no service running");
    const before = await list();
    const revoked = before.find((i) => i.status === "revoked")?.id;
    const suspended = before.find((i) => i.status === "suspended")?.id;
    const fresh = await issue(10);
    if (!fresh || !revoked || !suspended) throw new Error("missing certificates from the earlier windows");
    await allAnchored();
    const reinstated = await call(url(), "POST", `/api/v1/certificates/${suspended}/reinstate`, {
      key: apiKey,
      body: {},
    });
    expect(reinstated.status).to.equal(200);
    const late = await issue(11);
    await allAnchored();
    // at once: the chain dumps its state every second, so what it mined just now is lost
    const [pidLine] = (await readFile(join(dataDir, "chain", "anvil.pid"), "utf8")).split("\n");
    process.kill(Number(pidLine), "SIGKILL");
    await service.stop();
    service = await startServiceProcess(env, ROOT, { direct: true });
    expect(late, "a certificate anchored just before the chain died").to.be.a("string");
    await expectExactlyOnce({ [revoked]: "REVOKED" });
    console.log(`      chain loss: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
