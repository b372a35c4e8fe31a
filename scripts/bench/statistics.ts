/** The median of `values` (the upper one of an even count); NaN for none. */
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

/**
 * `count` pairs of one run of `a` and one of `b`, back to back, `a` first in even pairs and `b`
 * first in odd ones: a pair shares the machine's moment, and neither side always goes first.
 */
export function inAlternatingPairs<T>(count: number, a: () => T, b: () => T): [T, T][] {
  const pairs: [T, T][] = [];
  for (let pair = 0; pair < count; pair++) {
    if (pair % 2 === 0) {
      const first = a();
      pairs.push([first, b()]);
    } else {
      const second = b();
      pairs.push([a(), second]);
    }
  }
  return pairs;
}
