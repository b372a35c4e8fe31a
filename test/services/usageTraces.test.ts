import { expect } from "chai";
import { UsageTraces } from "../../server/services/holder/usageTraces.ts";
import type { HolderStore, UsageTraceRecord } from "../../server/store/holderPort.ts";

/** Only what a flush writes: every other call of the port is not made here. */
function recordingStore(): { store: HolderStore; written: UsageTraceRecord[] } {
  const written: UsageTraceRecord[] = [];
  const store = {
    insertUsageTraces(traces: readonly UsageTraceRecord[]) {
      written.push(...traces);
      return Promise.resolve();
    },
  } as unknown as HolderStore;
  return { store, written };
}

describe("usage traces: keys in the order they were recorded", () => {
  it("gives traces keys that sort as their times do, and never one key twice in the same millisecond", async () => {
    let now = Date.parse("2026-12-02T05:00:00.000Z");
    const { store, written } = recordingStore();
    const traces = new UsageTraces({ holderStore: store, now: () => new Date(now), retentionDays: 30 });
    // a day's millisecond steps cross every digit of the time part's low characters
    const steps = [0, 0, 0, 1, 31, 32, 1_023, 1_024, 86_400_000];
    for (const step of steps) {
      now += step;
      await traces.record("01KBFQ8Z2V7C0W8VNP0Y2K3M4N", "static-qr", "VALID");
    }
    await traces.stop();
    const keys = written.map((t) => t.id);
    expect(new Set(keys).size).to.equal(steps.length);
    const byTime = written.map((t) => t.at);
    for (let i = 1; i < written.length; i++) {
      if (byTime[i] === byTime[i - 1]) continue;
      expect(keys[i]! > keys[i - 1]!, `${keys[i - 1]} then ${keys[i]}`).to.equal(true);
    }
  });
});
