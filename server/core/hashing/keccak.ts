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
  /**
   * `#scratch.subarray(0, n)` at index n, made the first time n bytes of it are hashed: a Buffer
   * view costs a tenth of hashing a field's preimage, and the lengths repeat.
   */
  readonly #prefixes: (Buffer | undefined)[] = new Array<Buffer | undefined>(SCRATCH_BYTES + 1);

  /** Bytes in `scratch`. */
  static readonly SCRATCH_BYTES = SCRATCH_BYTES;

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
   * A buffer of SCRATCH_BYTES to write a preimage into, then hash with digestScratch: field
   * preimages are short and hashed by the ten thousand, and building each as a string first cost
   * more than hashing it. Its bytes are overwritten by the next call of any method.
   */
  get scratch(): Buffer {
    return this.#scratch;
  }

  /** The digest of the first `length` bytes of `scratch`. */
  digestScratch(length: number): Uint8Array {
    return this.digest(this.#prefix(length));
  }

  #prefix(length: number): Buffer {
    return (this.#prefixes[length] ??= this.#scratch.subarray(0, length));
  }

  /** `text` as UTF-8, in the scratch buffer when it fits. */
  #utf8(text: string): Buffer {
    // at most 3 bytes per UTF-16 code unit, so a text this short always fits
    if (text.length * 3 > SCRATCH_BYTES) return Buffer.from(text, "utf8");
    return this.#prefix(this.#scratch.write(text, 0, "utf8"));
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
