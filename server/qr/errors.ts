export type QrErrorCode = "INVALID_QR_INPUT" | "QR_TOO_LONG";

/** Thrown when a verification URL or QR code cannot be made; callers branch on `code`. */
export class QrError extends Error {
  override readonly name = "QrError";

  constructor(
    readonly code: QrErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
