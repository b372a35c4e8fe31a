/**
 * The `target` word of CertificateLedger's single-certificate status calls (revoke, suspend,
 * reinstate) and of their events: the agency id, the certificate's index and the RFC 5280 reason
 * code in one word, agencyId << 40 | index << 8 | reason. One calldata word and one event data word
 * where three were: that keeps a revocation with its proof under 60,000 gas.
 */
export interface StatusTarget {
  agencyId: number;
  index: number;
  reason: number;
}

const INDEX_SHIFT = 8n;
const AGENCY_SHIFT = 40n;
const WIDTHS = { agencyId: 32, index: 32, reason: 8 } as const;

/** The word naming certificate `index` of an `agencyId` batch and `reason` (0 to reinstate). */
export function statusTarget(agencyId: number | bigint, index: number | bigint, reason: number | bigint = 0): bigint {
  const parts = { agencyId: BigInt(agencyId), index: BigInt(index), reason: BigInt(reason) };
  for (const [name, bits] of Object.entries(WIDTHS)) {
    const value = parts[name as keyof typeof parts];
    // the ledger refuses a word with bits above the agency id: refuse a part too wide here already
    if (value < 0n || value >= 1n << BigInt(bits))
      throw new RangeError(`status target: ${name} ${value} is not a uint${bits}`);
  }
  return (parts.agencyId << AGENCY_SHIFT) | (parts.index << INDEX_SHIFT) | parts.reason;
}

/** The parts of a `target` word, as a status event or call carries it. */
export function parseStatusTarget(word: bigint): StatusTarget {
  return {
    agencyId: Number((word >> AGENCY_SHIFT) & 0xffffffffn),
    index: Number((word >> INDEX_SHIFT) & 0xffffffffn),
    reason: Number(word & 0xffn),
  };
}
