import { randomBytes, randomFillSync } from "node:crypto";

const DEFAULT_POOL_BYTES = 4096;

/**
 * Bytes from node:crypto's CSPRNG, drawn into a pool a few kilobytes at a time. Every draw from
 * node:crypto is a call into OpenSSL that costs about as much for 16 bytes as for 4 KB (5–7 µs on
 * the development machine), and issuing one certificate draws three times: its id, its salts, its
 * holder secret. Each byte is handed out once, as the caller's own copy, and zeroed in the pool.
 * An instance, not a module's state: the runtime makes one and hands it to whoever needs it.
 */
export class RandomPool {
  readonly #pool: Buffer;
  #offset: number;

  constructor(poolBytes = DEFAULT_POOL_BYTES) {
    if (!Number.isInteger(poolBytes) || poolBytes <= 0) throw new RangeError("the pool needs a positive size");
    this.#pool = Buffer.allocUnsafeSlow(poolBytes);
    this.#offset = poolBytes;
  }

  /** `size` fresh random bytes; a draw larger than the pool goes to node:crypto directly. */
  readonly bytes = (size: number): Buffer => {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`cannot draw ${size} random bytes`);
    if (size > this.#pool.length) return randomBytes(size);
    if (this.#offset + size > this.#pool.length) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    const end = this.#offset + size;
    const drawn = Buffer.from(this.#pool.subarray(this.#offset, end));
    this.#pool.fill(0, this.#offset, end);
    this.#offset = end;
    return drawn;
  };
}
