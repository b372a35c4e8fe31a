import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import express from "express";
import { pino } from "pino";
import { AuditIndex } from "../../server/audit/auditIndex.ts";
import type { AuditEvent } from "../../server/audit/events.ts";
import type { EventView } from "../../server/audit/exportFormat.ts";
import type { Reconciler } from "../../server/audit/reconcile.ts";
import { createApiKey } from "../../server/auth/apiKeys.ts";
import { builtinTypes } from "../../server/core/registry/builtin.ts";
import { errorHandler } from "../../server/http/middleware/errorHandler.ts";
import { createRouteLimits } from "../../server/http/rateLimits.ts";
import { auditRoutes } from "../../server/http/routes/audit.ts";
import { SqliteStore } from "../../server/store/sqlite/sqliteStore.ts";

const hex = (n: number, bytes = 32) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;
const COUNT = 30_000;

function synthetic(i: number): AuditEvent {
  const block = 10 + Math.floor(i / 4);
  return {
    blockNumber: block,
    logIndex: i % 4,
    blockHash: hex(block),
    blockTime: 1_764_000_000 + block,
    txHash: hex(i + 1),
    contract: "ledger",
    kind: "CertificateRevoked",
    actor: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    agencyId: 3,
    root: hex(Math.floor(i / 100) + 1_000_000),
    leaf: hex(i + 5_000_000),
    leafIndex: i % 100,
    reasonCode: 1,
    typeId: null,
    size: null,
    officer: null,
    details: null,
  };
}

describe("Audit: large exports stream", function () {
  this.timeout(60_000);
  let index: AuditIndex;
  let store: SqliteStore;
  let server: Server;
  let url: string;
  let key: string;

  before(async () => {
    index = AuditIndex.open(":memory:");
    index.bind({ chainId: 1, ledger: hex(1, 20), registry: hex(2, 20), deploymentBlock: 0 });
    index.commitRange({
      events: Array.from({ length: COUNT }, (_, i) => synthetic(i)),
      blocks: [],
      nextBlock: 10 + COUNT / 4,
    });
    store = SqliteStore.open(":memory:");
    key = (await createApiKey(store, { agencyId: null, role: "auditor", label: "test", now: new Date() })).apiKey;
    const app = express();
    // reconciliation is not exercised here
    app.use(
      auditRoutes({
        store,
        types: builtinTypes(),
        index,
        reconciler: null as unknown as Reconciler,
        limits: createRouteLimits(0),
      }),
    );
    app.use(errorHandler(pino({ level: "silent" })));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/audit/agencies/3/events`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    index.close();
    await store.close();
  });

  it("sends every row of a large export, in chain order", async () => {
    const text = await (await fetch(`${url}?format=ndjson`, { headers: { authorization: `Bearer ${key}` } })).text();
    const lines = text.trimEnd().split("\n");
    expect(lines).to.have.length(COUNT);
    const first = JSON.parse(lines[0] ?? "") as EventView;
    const last = JSON.parse(lines.at(-1) ?? "") as EventView;
    expect([first.txHash, last.txHash]).to.deep.equal([hex(1), hex(COUNT)]);
    const csv = await (
      await fetch(`${url}?format=csv&after=20-0`, { headers: { authorization: `Bearer ${key}` } })
    ).text();
    expect(csv.trimEnd().split("\r\n")).to.have.length(1 + COUNT - 41);
  });

  it("keeps serving, and the index keeps working, after a reader leaves half-way", async () => {
    const abort = new AbortController();
    const response = await fetch(`${url}?format=csv`, {
      headers: { authorization: `Bearer ${key}` },
      signal: abort.signal,
    });
    const reader = response.body?.getReader();
    expect((await reader?.read())?.done).to.equal(false);
    abort.abort();
    await reader?.cancel().catch(() => undefined);
    const next = await fetch(`${url}?limit=2`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await next.json()) as { items: unknown[] }).items).to.have.length(2);
    index.commitRange({ events: [synthetic(COUNT)], blocks: [], nextBlock: 20 + COUNT / 4 });
    expect(index.page({ agencyId: 3, after: { blockNumber: 10 + COUNT / 4 - 1, logIndex: 3 } }, 10)).to.have.length(1);
  });
});
