/** An outbox write refused because another store instance now holds the signer's lease. */
export class FencedOutError extends Error {
  readonly code = "FENCED_OUT";

  constructor(signer: string) {
    super(`another replica holds the lease on signer ${signer}; this replica must not write for it`);
    this.name = "FencedOutError";
  }
}
