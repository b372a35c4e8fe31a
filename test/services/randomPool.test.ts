import { expect } from "chai";
import { RandomPool } from "../../server/services/randomPool.ts";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

describe("random pool: CSPRNG bytes drawn in bulk, each handed out once", () => {
  it("gives the sizes asked for, including draws larger than the pool", () => {
    const pool = new RandomPool(64);
    expect(pool.bytes(0)).to.have.length(0);
    expect(pool.bytes(16)).to.have.length(16);
    expect(pool.bytes(64)).to.have.length(64);
    expect(pool.bytes(65)).to.have.length(65);
  });

  it("never hands out the same bytes twice, across refills of the pool", () => {
    const pool = new RandomPool(64);
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const drawn = hex(pool.bytes(16));
      expect(drawn, "a draw of zeros: the pool was not refilled").not.to.equal("00".repeat(16));
      expect(seen.has(drawn), `draw ${i} repeats an earlier one`).to.equal(false);
      seen.add(drawn);
    }
  });

  it("gives a copy: a draw keeps its bytes while the pool is zeroed and refilled", () => {
    const pool = new RandomPool(32);
    const first = pool.bytes(20);
    const kept = hex(first);
    for (let i = 0; i < 8; i++) pool.bytes(20);
    expect(hex(first)).to.equal(kept);
  });

  it("spreads bytes over all 256 values (64 KB drawn; bounds 8 standard deviations wide)", () => {
    const pool = new RandomPool(4096);
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4096; i++) for (const byte of pool.bytes(16)) counts[byte] = (counts[byte] ?? 0) + 1;
    // 65,536 bytes: 256 expected per value, standard deviation about 16
    expect(Math.min(...counts)).to.be.above(128);
    expect(Math.max(...counts)).to.be.below(384);
  });

  it("refuses sizes that are not whole non-negative numbers", () => {
    const pool = new RandomPool(64);
    for (const size of [-1, 1.5, Number.NaN]) expect(() => pool.bytes(size)).to.throw(RangeError);
    expect(() => new RandomPool(0)).to.throw(RangeError);
  });
});
