export interface Bucket {
  le: number;
  count: number;
}

/** The value of an unlabelled series `name` in a Prometheus text exposition, or undefined. */
export function sampleValue(metrics: string, name: string): number | undefined {
  const value = new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1];
  return value === undefined ? undefined : Number(value);
}

/** The cumulative buckets of histogram `name` in a Prometheus text exposition. */
export function histogramBuckets(metrics: string, name: string): Bucket[] {
  return [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))].map((m) => ({
    le: m[1] === "+Inf" ? Infinity : Number(m[1]),
    count: Number(m[2]),
  }));
}

/** The buckets of one histogram exposed by several processes (replicas), added up. */
export function mergeBuckets(all: readonly Bucket[][]): Bucket[] {
  const merged = new Map<number, number>();
  for (const buckets of all) for (const b of buckets) merged.set(b.le, (merged.get(b.le) ?? 0) + b.count);
  return [...merged].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** The q-quantile of cumulative buckets, by linear interpolation inside the bucket. */
export function bucketQuantile(buckets: readonly Bucket[], q: number): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return previous.le;
      const share = (rank - previous.count) / Math.max(1, bucket.count - previous.count);
      return previous.le + share * (bucket.le - previous.le);
    }
    previous = bucket;
  }
  return null;
}

/** The q-quantile of a Prometheus histogram. */
export function histogramQuantile(metrics: string, name: string, q: number): number | null {
  return bucketQuantile(histogramBuckets(metrics, name), q);
}
