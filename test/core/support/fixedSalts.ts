/** A deterministic stand-in for the CSPRNG, for vectors and tests only: byte i is (7i + 3) mod 256. */
export function fixedSaltSource(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
}
