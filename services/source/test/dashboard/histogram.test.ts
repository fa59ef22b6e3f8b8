import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, FRESHNESS_BUCKETS } from '@orders-dwh/shared/metrics';
import { bucketsBetween, histogramBuckets, histogramQuantile, observations } from '../../src/dashboard/histogram.ts';

/** Observes the values in a real prom-client histogram (two label sets) and reads it back as /metrics shows it. */
async function exposed(values: readonly number[]) {
  const registry = new Registry();
  const histogram = new Histogram({ name: 'f_seconds', help: 'f', labelNames: ['topic'], buckets: FRESHNESS_BUCKETS, registers: [registry] });
  values.forEach((value, i) => {
    histogram.observe({ topic: i % 2 ? 'a' : 'b' }, value);
  });
  return histogramBuckets(parsePrometheusText(await registry.metrics()), 'f_seconds');
}

/** The exact q-quantile of the values (the smallest value with at least q of them at or below it). */
function exactQuantile(q: number, values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('histogram quantiles', () => {
  it('falls in the same bucket as the exact quantile of what was observed', async () => {
    const bounds = [0, ...FRESHNESS_BUCKETS];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0.5, 0.9, 0.99),
        async (values, q) => {
          const buckets = await exposed(values);
          expect(observations(buckets)).toBe(values.length);
          const estimate = histogramQuantile(q, buckets)!;
          const exact = exactQuantile(q, values);
          // The bucket (lower, upper] holding the exact quantile; the estimate is inside it.
          const upper = bounds.find((b) => b >= exact)!;
          const lower = bounds[bounds.indexOf(upper) - 1] ?? 0;
          expect(estimate).toBeGreaterThanOrEqual(lower);
          expect(estimate).toBeLessThanOrEqual(upper);
        },
      ),
      { seed: 20261202, numRuns: 200 },
    );
  });

  it('answers the highest finite bound for what lies beyond it, and null when nothing was observed', async () => {
    expect(histogramQuantile(0.99, await exposed([5000, 6000]))).toBe(3600);
    expect(histogramQuantile(0.5, await exposed([]))).toBeNull();
    expect(await exposed([])).toEqual([]);
  });

  it('takes the difference of two readings, and refuses it across a restart', async () => {
    const before = await exposed([0.2, 0.2, 4]);
    const after = await exposed([0.2, 0.2, 4, 0.02, 0.03]);
    const window = bucketsBetween(before, after)!;
    expect(observations(window)).toBe(2);
    expect(histogramQuantile(0.5, window)).toBeLessThanOrEqual(0.05);
    expect(bucketsBetween(after, before)).toBeNull();
    expect(bucketsBetween([], after)).toBe(after);
  });
});
