import { readFile } from "node:fs/promises";
import { CoreError } from "../errors.ts";

const SCRATCH_BYTES = 4096;
const DIGEST_BYTES = 32;

/** The exports of keccak.wasm, built from wasm/keccak.ts (see there for why it is ours). */
interface KeccakExports {
  memory: WebAssembly.Memory;
  IO: WebAssembly.Global;
  IO_SIZE: WebAssembly.Global;
  begin(): void;
  absorb(length: number): void;
  finish(): void;
  hash(length: number): void;
  fold(count: number): void;
}

let compiled: Promise<WebAssembly.Module> | undefined;

function keccakModule(): Promise<WebAssembly.Module> {
  compiled ??= readFile(new URL("./keccak.wasm", import.meta.url)).then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

/**
 * Keccak-256 (Ethereum's, not SHA3-256) over a WebAssembly module of this project's
 * (wasm/keccak.ts). Creating a hasher instantiates it (~0.1 ms), so create one per batch or per
 * long-lived component and pass it down. Every method runs to its end synchronously, so one
 * instance is safe to share between async callers.
 */
export class Keccak256 {
  readonly #exports: KeccakExports;
  /** the module's IO region: inputs are written here, and each digest lands in its first 32 bytes */
  readonly #io: Buffer;
  readonly #ioBytes: number;
  readonly #scratch: Buffer;
  /** IO's first 32 bytes, where each digest lands */
  readonly #digest: Uint8Array;

  /** Bytes in `scratch`. */
  static readonly SCRATCH_BYTES = SCRATCH_BYTES;

  private constructor(exports: KeccakExports) {
    this.#exports = exports;
    this.#ioBytes = exports.IO_SIZE.value as number;
    if (this.#ioBytes < SCRATCH_BYTES) throw new Error("keccak.wasm has less IO room than the scratch buffer");
    // the module allocates nothing, so its memory never grows and this view stays valid
    this.#io = Buffer.from(exports.memory.buffer, exports.IO.value as number, this.#ioBytes);
    this.#scratch = this.#io.subarray(0, SCRATCH_BYTES);
    this.#digest = new Uint8Array(exports.memory.buffer, exports.IO.value as number, DIGEST_BYTES);
  }

  static async create(): Promise<Keccak256> {
    const instance = await WebAssembly.instantiate(await keccakModule());
    return new Keccak256(instance.exports as unknown as KeccakExports);
  }

  /** The 32-byte digest of `data` (strings are hashed as UTF-8). */
  digest(data: Uint8Array | string): Uint8Array {
    if (typeof data === "string") {
      // at most 3 bytes per UTF-16 code unit, so a text this short always fits
      if (data.length * 3 <= this.#ioBytes) return this.#digestIo(this.#io.write(data, 0, "utf8"));
      return this.digest(Buffer.from(data, "utf8"));
    }
    if (data.length <= this.#ioBytes) {
      this.#io.set(data);
      return this.#digestIo(data.length);
    }
    this.#exports.begin();
    for (let start = 0; start < data.length; start += this.#ioBytes) {
      const chunk = data.subarray(start, start + this.#ioBytes);
      this.#io.set(chunk);
      this.#exports.absorb(chunk.length);
    }
    this.#exports.finish();
    return this.#digestCopy();
  }

  /**
   * A buffer of SCRATCH_BYTES to write a preimage into, then hash with digestScratch: field
   * preimages are short and hashed by the ten thousand, and building each as a string first cost
   * more than hashing it. It is the module's own input, so nothing is copied to hash it. Its bytes
   * are overwritten by the next call of any method.
   */
  get scratch(): Buffer {
    return this.#scratch;
  }

  /**
   * The digest of the first `length` bytes of `scratch`. The digest also stays in the first 32
   * bytes of `scratch`, so a hash of the digest is `digestScratch(32)` with nothing written.
   */
  digestScratch(length: number): Uint8Array {
    return this.#digestIo(length);
  }

  /**
   * The root that the sibling path `proof` (0x-prefixed bytes32 hex, leaf to root) leads to from
   * `node`, with OpenZeppelin's commutative pair hash: the whole path in one call into the module.
   */
  foldProof(node: Uint8Array, proof: readonly string[]): Uint8Array {
    if (DIGEST_BYTES * (proof.length + 1) > this.#ioBytes) {
      throw new CoreError("INVALID_DOCUMENT", "a Merkle proof too long to fold");
    }
    this.#io.set(node);
    for (let level = 0; level < proof.length; level++) {
      const offset = DIGEST_BYTES * (level + 1);
      writeHex32(this.#io, offset, proof[level] ?? "");
    }
    this.#exports.fold(proof.length);
    return this.#digestCopy();
  }

  #digestIo(length: number): Uint8Array {
    this.#exports.hash(length);
    return this.#digestCopy();
  }

  #digestCopy(): Uint8Array {
    return this.#digest.slice();
  }
}

/** 0x-prefixed lowercase hex of 32 bytes. */
export function toHex32(bytes: Uint8Array): string {
  // a copy: reading `.buffer` of a small on-heap typed array costs more than copying it
  return "0x" + Buffer.from(bytes).toString("hex");
}

/** Decodes a 0x-prefixed bytes32 hex string into `target` at `offset`; refuses one that is not 32 bytes of hex. */
export function writeHex32(target: Buffer, offset: number, hex: string): void {
  if (target.write(hex.slice(2), offset, DIGEST_BYTES, "hex") !== DIGEST_BYTES) {
    throw new CoreError("INVALID_DOCUMENT", "not a 0x-prefixed bytes32 hex string");
  }
}

/** Parses a 0x-prefixed bytes32 hex string already checked by the document schema. */
export function fromHex32(hex: string): Buffer {
  return Buffer.from(hex.slice(2), "hex");
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
