import { expect } from "chai";
import { makeError } from "ethers";
import { ChainBreaker } from "../../server/chain/chainBreaker.ts";
import { ChainUnavailableError } from "../../server/core/verification/ledgerView.ts";

const never = (): Promise<number> => new Promise(() => undefined);

describe("chain: circuit breaker for reads someone waits on", () => {
  let now: number;
  let reads: number;
  let breaker: ChainBreaker;
  const counted = (read: () => Promise<number>) => () => {
    reads++;
    return read();
  };
  beforeEach(() => {
    now = 1_000_000;
    reads = 0;
    breaker = new ChainBreaker({ timeoutMs: 50, cooldownMs: 1000, now: () => now });
  });

  it("cuts off a read that hangs at the deadline, as UNAVAILABLE, and then answers at once without asking", async () => {
    const started = Date.now();
    const first = await breaker.run(counted(never)).catch((e: unknown) => e);
    expect(first).to.be.instanceOf(ChainUnavailableError);
    expect(Date.now() - started).to.be.below(1000);
    expect(breaker.downSince?.getTime()).to.equal(now);

    const second = await breaker.run(counted(() => Promise.resolve(7))).catch((e: unknown) => e);
    expect(second).to.be.instanceOf(ChainUnavailableError);
    expect(reads, "no read while the circuit is open").to.equal(1);
  });

  it("lets one probe through after the cool-down; its success closes the circuit", async () => {
    await breaker.run(never).catch(() => undefined);
    now += 1001;
    let release: (n: number) => void = () => undefined;
    const probe = breaker.run(counted(() => new Promise<number>((resolve) => (release = resolve))));
    const meanwhile = await breaker.run(counted(() => Promise.resolve(1))).catch((e: unknown) => e);
    expect(meanwhile, "others fail fast while the probe is out").to.be.instanceOf(ChainUnavailableError);
    release(42);
    expect(await probe).to.equal(42);
    expect(breaker.downSince).to.equal(null);
    expect(await breaker.run(() => Promise.resolve(5))).to.equal(5);
  });

  it("opens on a connection failure, but not on an answer from the node such as a revert", async () => {
    const revert = makeError("execution reverted", "CALL_EXCEPTION", {
      action: "call",
      data: "0x",
      reason: null,
      transaction: { to: null, data: "0x" },
      invocation: null,
      revert: null,
    });
    await breaker.run(() => Promise.reject(revert)).catch(() => undefined);
    expect(breaker.downSince).to.equal(null);
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    await breaker.run(() => Promise.reject(refused)).catch(() => undefined);
    expect(breaker.downSince).to.not.equal(null);
  });

  it("cuts off a slow detail read without opening the circuit, and refuses it while open", async () => {
    const slow = await breaker.run(never, { decisive: false }).catch((e: unknown) => e);
    expect(slow).to.be.instanceOf(ChainUnavailableError);
    expect(breaker.downSince).to.equal(null);
    await breaker.run(never).catch(() => undefined);
    const detail = await breaker
      .run(
        counted(() => Promise.resolve(1)),
        { decisive: false },
      )
      .catch((e: unknown) => e);
    expect(detail).to.be.instanceOf(ChainUnavailableError);
    expect(reads).to.equal(0);
  });
});
