/** An outbox write refused because another store instance now holds the signer's lease. */
export class FencedOutError extends Error {
  readonly code = "FENCED_OUT";
  readonly signer: string;

  constructor(signer: string) {
    super(`another replica holds the lease on signer ${signer}; this replica must not write for it`);
    this.name = "FencedOutError";
    this.signer = signer;
  }
}

/**
 * A status operation refused because the certificate already has an unfinished one: the store
 * allows one at a time per certificate, so two changes requested together cannot both be sent.
 */
export class StatusOpPendingError extends Error {
  readonly code = "STATUS_OP_PENDING";
  readonly certificateId: string;

  constructor(certificateId: string, options?: { cause?: unknown }) {
    super(`certificate ${certificateId} already has an unfinished status operation`, options);
    this.name = "StatusOpPendingError";
    this.certificateId = certificateId;
  }
}
