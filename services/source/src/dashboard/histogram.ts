// A Prometheus histogram read back from /metrics, and its quantiles over a window of time, computed
// the way Prometheus's histogram_quantile() does.
import type { MetricSample } from '@orders-dwh/shared/metrics';

/** Cumulative counts by upper bound, ascending; the last bound is Infinity. */
export type Buckets = ReadonlyArray<{ le: number; count: number }>;

/**
 * The histogram's buckets summed over its label sets (topics, partitions); empty when it has none
 * yet (a labelled histogram shows no sample before its first observation).
 */
export function histogramBuckets(samples: readonly MetricSample[], name: string): Buckets {
  const counts = new Map<number, number>();
  for (const sample of samples) {
    if (sample.name !== `${name}_bucket` || sample.labels.le === undefined) continue;
    const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    counts.set(le, (counts.get(le) ?? 0) + sample.value);
  }
  return [...counts].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count }));
}

/**
 * What was observed between two readings of one histogram; null when they cannot be compared: the
 * process restarted (a count went down) or the buckets changed.
 */
export function bucketsBetween(before: Buckets, after: Buckets): Buckets | null {
  if (before.length === 0) return after; // nothing observed yet at the first reading
  if (before.length !== after.length) return null;
  const delta = after.map((bucket, i) => ({ le: bucket.le, count: bucket.count - before[i]!.count }));
  return delta.every((bucket, i) => bucket.le === before[i]!.le && bucket.count >= 0) ? delta : null;
}

export const observations = (buckets: Buckets): number => buckets.at(-1)?.count ?? 0;

/**
 * The q-quantile (0..1), interpolating linearly inside the bucket it falls in (the first bucket
 * starts at 0). In the +Inf bucket the answer is the highest finite bound: "at least this".
 * Null when nothing was observed.
 */
export function histogramQuantile(q: number, buckets: Buckets): number | null {
  const total = observations(buckets);
  if (total === 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of buckets) {
    if (count >= rank && count > lowerCount) {
      if (le === Infinity) return lowerBound;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    if (le !== Infinity) lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
