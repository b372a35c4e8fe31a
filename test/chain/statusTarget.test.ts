// The status target word the ledger's single status calls and their events carry: packed and parsed
// the ledger's way, and a part too wide refused before it could spill into its neighbour.
import { expect } from "chai";
import { parseStatusTarget, statusTarget } from "../../server/chain/statusTarget.ts";

describe("status target word", () => {
  it("packs agencyId << 40 | index << 8 | reason and parses it back", () => {
    const word = statusTarget(7, 500, 6);
    expect(word).to.equal((7n << 40n) | (500n << 8n) | 6n);
    expect(parseStatusTarget(word)).to.deep.equal({ agencyId: 7, index: 500, reason: 6 });
    const widest = statusTarget(2 ** 32 - 1, 2n ** 32n - 1n, 255);
    expect(widest).to.equal((1n << 72n) - 1n);
    expect(parseStatusTarget(widest)).to.deep.equal({ agencyId: 2 ** 32 - 1, index: 2 ** 32 - 1, reason: 255 });
    expect(statusTarget(1, 3)).to.equal((1n << 40n) | (3n << 8n));
  });

  it("refuses a part wider than its field or negative", () => {
    expect(() => statusTarget(2 ** 32, 0, 0)).to.throw(RangeError, /agencyId/);
    expect(() => statusTarget(1, 2n ** 32n, 0)).to.throw(RangeError, /index/);
    expect(() => statusTarget(1, 0, 256)).to.throw(RangeError, /reason/);
    expect(() => statusTarget(1, -1, 0)).to.throw(RangeError, /index/);
  });
});
