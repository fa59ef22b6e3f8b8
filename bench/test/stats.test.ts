import { describe, expect, it } from 'vitest';
import { chunkSizes, pacedTicks, percentile, percentiles, stageRate } from '../src/stats.ts';

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('handles one value, and no values as NaN', () => {
    expect(percentiles([7])).toEqual({ p50: 7, p95: 7, p99: 7, max: 7 });
    expect(Number.isNaN(percentiles([]).p99)).toBe(true);
  });

  it('p99 of 1,000 values is the 990th smallest', () => {
    const sorted = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentile(sorted, 99)).toBe(990);
    expect(percentile(sorted, 0)).toBe(1);
    expect(() => percentile(sorted, 101)).toThrow(RangeError);
  });
});

describe('stageRate', () => {
  it('measures from the last reading before progress to the first complete one', () => {
    const samples = [
      { t: 0, committed: 0 },
      { t: 500, committed: 0 },
      { t: 1000, committed: 400 },
      { t: 1500, committed: 900 },
      { t: 2500, committed: 1000 },
      { t: 3000, committed: 1000 },
    ];
    expect(stageRate(samples, 1000)).toEqual({ messages: 1000, startMs: 500, endMs: 2500, perSecond: 500 });
  });

  it('counts from a non-zero baseline (a second phase on the same topics)', () => {
    const samples = [
      { t: 0, committed: 5000 },
      { t: 1000, committed: 5500 },
      { t: 2000, committed: 6000 },
    ];
    expect(stageRate(samples, 6000)).toMatchObject({ messages: 1000, startMs: 0, endMs: 2000, perSecond: 500 });
  });

  it('is null when the stage never got there', () => {
    expect(
      stageRate(
        [
          { t: 0, committed: 0 },
          { t: 100, committed: 10 },
        ],
        20,
      ),
    ).toBeNull();
    expect(stageRate([], 20)).toBeNull();
  });
});

describe('chunkSizes and pacedTicks', () => {
  it('splits a total into chunks that add up', () => {
    expect(chunkSizes(10, 4)).toEqual([4, 4, 2]);
    expect(chunkSizes(0, 4)).toEqual([]);
  });

  it('spreads a rate over ticks without drift', () => {
    const ticks = pacedTicks(1000, 30, 100);
    expect(ticks).toHaveLength(300);
    expect(ticks.every((n) => n === 100)).toBe(true);
    const odd = pacedTicks(333, 3, 100);
    expect(odd.reduce((a, b) => a + b, 0)).toBe(999);
    expect(Math.max(...odd) - Math.min(...odd)).toBeLessThanOrEqual(1);
  });
});
