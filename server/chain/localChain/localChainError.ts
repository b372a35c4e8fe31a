export type LocalChainErrorCode =
  | "ANVIL_UNSUPPORTED_PLATFORM"
  | "ANVIL_NOT_INSTALLED"
  | "LOCAL_CHAIN_PORT_IN_USE"
  | "LOCAL_CHAIN_DATA_DIR_IN_USE"
  | "LOCAL_CHAIN_LEFTOVER_STUCK"
  | "LOCAL_CHAIN_START_FAILED"
  | "LOCAL_CHAIN_START_TIMEOUT";

/** Why the embedded chain could not start; `message` says what to do about it. */
export class LocalChainError extends Error {
  readonly code: LocalChainErrorCode;

  constructor(code: LocalChainErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LocalChainError";
    this.code = code;
  }
}
