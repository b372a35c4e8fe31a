import { FencedOutError, StatusOpPendingError } from "../errors.ts";

/** Which of the writer's two ports a call goes to. */
export type StoreThreadTarget = "store" | "holder";

export interface StoreThreadCall {
  id: number;
  target: StoreThreadTarget;
  method: string;
  args: unknown[];
}

export type StoreThreadReply = { id: number; value: unknown } | { id: number; error: SerializedError };

/** What the thread posts once: its store is open and migrated, or why it is not. */
export type StoreThreadReady = { ready: true } | { ready: false; error: SerializedError };

/**
 * An error as it crosses between threads: structured cloning keeps a plain Error's message, not
 * its class or its own fields, and callers tell the store's refusals apart by class.
 */
export interface SerializedError {
  name: string;
  message: string;
  code?: unknown;
  errcode?: unknown;
  signer?: string;
  certificateId?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { code, errcode, signer, certificateId } = error as Error & Partial<SerializedError>;
  return { name: error.name, message: error.message, code, errcode, signer, certificateId };
}

const BUILT_IN: Partial<Record<string, ErrorConstructor>> = { TypeError, RangeError, SyntaxError, ReferenceError };

export function deserializeError(error: SerializedError): Error {
  if (error.name === "FencedOutError" && error.signer !== undefined) return new FencedOutError(error.signer);
  if (error.name === "StatusOpPendingError" && error.certificateId !== undefined) {
    return new StatusOpPendingError(error.certificateId);
  }
  const rebuilt = new (BUILT_IN[error.name] ?? Error)(error.message) as Error & { code?: unknown; errcode?: unknown };
  rebuilt.name = error.name;
  if (error.code !== undefined) rebuilt.code = error.code;
  if (error.errcode !== undefined) rebuilt.errcode = error.errcode;
  return rebuilt;
}
