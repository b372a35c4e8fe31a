// The batcher confirms one batch while it cuts and sends the next: sends and confirmations each
// stay in order, at most one batch is sent and unconfirmed, and a failed confirmation ends the
// round only once nothing of it runs any more.
import { expect } from "chai";
import { pino } from "pino";
import type { AnchorService } from "../../server/anchoring/anchorService.ts";
import { Batcher } from "../../server/anchoring/batcher.ts";
import type { Store } from "../../server/store/port.ts";
import type { BatchRecord, CertificateSummary } from "../../server/store/records.ts";

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve = (): void => undefined;
  let reject = (_: Error): void => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("anchoring: the batcher overlaps a batch's confirmation with the next batch", () => {
  const BATCHES = 3;
  let events: string[];
  let receipts: Deferred[];
  /** sends held back until released, by batch */
  let sendsHeld: Map<number, Deferred>;
  let pending: CertificateSummary[][];

  const batcher = () => {
    const store = {
      listBatches: () => Promise.resolve([]),
      pendingGroups: () =>
        Promise.resolve([{ agencyId: 1, typeId: 0, count: BATCHES * 2, oldestCreatedAt: new Date(0).toISOString() }]),
      takePending: () => Promise.resolve(pending.shift() ?? []),
    } as unknown as Store;
    const batch = (id: number): BatchRecord => ({ id }) as BatchRecord;
    const anchors = {
      prepare: (_agency: number, _type: number, members: CertificateSummary[]) => {
        const id = Number(members[0]!.id);
        events.push(`prepare ${id}`);
        return Promise.resolve(batch(id));
      },
      send: async (b: BatchRecord) => {
        await sendsHeld.get(b.id)?.promise;
        events.push(`send ${b.id}`);
        return b;
      },
      confirm: async (b: BatchRecord) => {
        events.push(`confirm ${b.id}`);
        await receipts[b.id]!.promise;
        events.push(`confirmed ${b.id}`);
        return b;
      },
    } as unknown as AnchorService;
    return new Batcher(
      { store, anchors, logger: pino({ level: "silent" }) },
      { batchSize: 2, maxAgeMs: 0, pollMs: 60_000 },
    );
  };

  beforeEach(() => {
    events = [];
    receipts = Array.from({ length: BATCHES }, deferred);
    sendsHeld = new Map();
    pending = Array.from({ length: BATCHES }, (_, b) =>
      [0, 1].map((i) => ({ id: String(b), createdAt: new Date(i).toISOString() }) as CertificateSummary),
    );
  });

  it("sends the next batch before the last one is confirmed, and confirms in order", async () => {
    const round = batcher().runOnce();
    // batch 0's receipt is held back: batch 1 must still be cut and sent, but batch 2 must wait
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).to.deep.equal(["prepare 0", "send 0", "confirm 0", "prepare 1", "send 1"]);
    receipts[1]!.resolve();
    receipts[2]!.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events, "batch 1 is not confirmed before batch 0").to.not.include("confirm 1");
    receipts[0]!.resolve();
    const anchored = await round;
    expect(anchored.map((b) => b.id)).to.deep.equal([0, 1, 2]);
    const at = (event: string): number => events.indexOf(event);
    for (let b = 0; b < BATCHES; b++) {
      expect(at(`send ${b}`), `batch ${b} sent`).to.be.above(-1);
      expect(at(`confirm ${b}`), `batch ${b} confirmed after its send`).to.be.above(at(`send ${b}`));
      if (b > 0) {
        expect(at(`send ${b}`), "sends in order").to.be.above(at(`send ${b - 1}`));
        expect(at(`confirm ${b}`), "confirmations in order").to.be.above(at(`confirmed ${b - 1}`));
      }
      if (b > 1)
        expect(at(`send ${b}`), "at most one batch sent and unconfirmed").to.be.above(at(`confirmed ${b - 2}`));
    }
  });

  it("fails the round on a failed confirmation once the batch sent after it has been handed over, leaving nothing running", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    try {
      // batch 0's confirmation fails while batch 1 is still being sent, before anyone awaits it
      sendsHeld.set(1, deferred());
      const round = batcher().runOnce();
      await new Promise((resolve) => setImmediate(resolve));
      receipts[0]!.reject(new Error("receipt timed out"));
      await new Promise((resolve) => setImmediate(resolve));
      sendsHeld.get(1)!.resolve();
      let failure: unknown = null;
      await round.catch((error: unknown) => (failure = error));
      expect((failure as Error | null)?.message).to.equal("receipt timed out");
      // batch 1 was sent while batch 0 waited: it stays in the outbox (resumed by the next round), and
      // no confirmation was started after the failure
      expect(events).to.deep.equal(["prepare 0", "send 0", "confirm 0", "prepare 1", "send 1"]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
