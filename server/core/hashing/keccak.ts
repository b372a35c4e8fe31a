import { createKeccak } from "hash-wasm";
import type { IHasher } from "hash-wasm";

const SCRATCH_BYTES = 4096;

/**
 * Keccak-256 (Ethereum's, not SHA3-256) over hash-wasm's WebAssembly build, several times faster
 * than the pure JavaScript ones. Creating a hasher instantiates WebAssembly (~0.1 ms), so create
 * one per batch or per long-lived component and pass it down. Every method runs init, update and
 * digest synchronously, so one instance is safe to share between async callers.
 */
export class Keccak256 {
  readonly #hasher: IHasher;
  readonly #scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);

  private constructor(hasher: IHasher) {
    this.#hasher = hasher;
  }

  static async create(): Promise<Keccak256> {
    return new Keccak256(await createKeccak(256));
  }

  /**
   * The 32-byte digest of `data` (strings are hashed as UTF-8). Pass Buffers rather than small
   * plain Uint8Arrays where speed matters: hash-wasm reads `.buffer`, which V8 makes costly for
   * small typed arrays kept on its heap (digests are such arrays).
   */
  digest(data: Uint8Array | string): Uint8Array {
    this.#hasher.init();
    this.#hasher.update(typeof data === "string" ? this.#utf8(data) : data);
    return this.#hasher.digest("binary");
  }

  /**
   * `text` as UTF-8, in a buffer reused from call to call when it fits: field preimages are short
   * strings hashed by the ten thousand, and Buffer.from would allocate for each.
   */
  #utf8(text: string): Buffer {
    // at most 3 bytes per UTF-16 code unit, so a text this short always fits
    if (text.length * 3 > SCRATCH_BYTES) return Buffer.from(text, "utf8");
    return this.#scratch.subarray(0, this.#scratch.write(text, 0, "utf8"));
  }
}

/** 0x-prefixed lowercase hex of 32 bytes. */
export function toHex32(bytes: Uint8Array): string {
  // a copy: reading `.buffer` of a small on-heap typed array costs more than copying it
  return "0x" + Buffer.from(bytes).toString("hex");
}

/** Parses a 0x-prefixed bytes32 hex string already checked by the document schema. */
export function fromHex32(hex: string): Buffer {
  return Buffer.from(hex.slice(2), "hex");
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
