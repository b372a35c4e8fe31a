import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** The request being served, for whatever logs while serving it, however deep in the services. */
const context = new AsyncLocalStorage<{ requestId: string }>();

/** A caller's `X-Request-Id` is kept when it is short and plain, so a proxy's id links both logs. */
const ACCEPTED_ID = /^[\w.:-]{1,64}$/;

export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && ACCEPTED_ID.test(header) ? header : randomUUID();
}

export function runInRequest<T>(requestId: string, work: () => T): T {
  return context.run({ requestId }, work);
}

/** Work that outlives the request that triggered it (the batcher woken by an issuance) runs outside it. */
export function runOutsideRequest<T>(work: () => T): T {
  return context.exit(work);
}

/**
 * pino `mixin`: adds `reqId` to every line logged while a request is served. Give it to every
 * logger the service uses (`pino({ mixin: requestIdMixin })`).
 */
export function requestIdMixin(): { reqId?: string } {
  const current = context.getStore();
  return current ? { reqId: current.requestId } : {};
}
