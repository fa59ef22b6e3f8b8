import { describe, expect, it } from 'vitest';
import { HISTORY_MS, ReadingHistory } from '../../src/dashboard/dashboard-snapshot.ts';
import type { Buckets } from '../../src/dashboard/histogram.ts';
import { LAYERS, type OffsetsReading, type StatusReading } from '../../src/dashboard/pipeline-reading.ts';

const T0 = Date.parse('2026-12-02T10:00:00Z');

/** A reading at `second` s with each layer's committed offsets and (optionally) end offsets and cdm's histogram. */
function reading(
  second: number,
  committed: Array<number | null>,
  options: { end?: number[]; freshness?: Buckets | null } = {},
): { offsets: OffsetsReading; status: StatusReading } {
  const at = T0 + second * 1000;
  return {
    offsets: {
      at,
      layers: LAYERS.map((layer, i) => ({
        layer,
        topic: `${layer}_service`,
        groupId: `${layer}-service`,
        committed: committed[i]!,
        end: options.end?.[i] ?? committed[i]!,
      })),
      problems: [],
    },
    status: {
      at,
      services: [{ name: 'source', status: 'ok', failing: [], detail: null }],
      freshness: options.freshness === undefined ? [] : options.freshness,
      deadLetters: null,
      top: null,
      problems: [],
    },
  };
}

/** Cumulative buckets at 0.1 s, 1 s, 10 s and +Inf. */
const buckets = (c01: number, c1: number, c10: number, inf: number): Buckets => [
  { le: 0.1, count: c01 },
  { le: 1, count: c1 },
  { le: 10, count: c10 },
  { le: Infinity, count: inf },
];

function history(...readings: Array<ReturnType<typeof reading>>): ReadingHistory {
  const result = new ReadingHistory();
  for (const r of readings) {
    result.addOffsets(r.offsets);
    result.addStatus(r.status);
  }
  return result;
}

describe('dashboard snapshot', () => {
  it('has nothing to show before both kinds of reading came once', () => {
    const empty = new ReadingHistory();
    expect(empty.snapshot()).toBeNull();
    empty.addOffsets(reading(0, [1, 1, 1]).offsets);
    expect(empty.snapshot()).toBeNull();
  });

  it('shows the latest status with the latest offsets, and the problems of both', () => {
    const result = history(reading(0, [1, 1, 1]));
    const later = reading(3, [2, 2, 2]).offsets;
    result.addOffsets({ ...later, problems: ['kafka end offsets of stg_service: down'] });
    const snapshot = result.snapshot()!;
    expect(snapshot.at).toBe(new Date(T0 + 3000).toISOString());
    expect(snapshot.layers[0]!.processed).toBe(2);
    expect(snapshot.services).toEqual([{ name: 'source', status: 'ok', failing: [], detail: null }]);
    expect(snapshot.problems).toEqual(['kafka end offsets of stg_service: down']);
  });

  it('counts and lags from the latest reading; rates over the last five seconds', () => {
    const snapshot = history(reading(0, [0, 0, 0]), reading(2, [100, 50, 10]), reading(6, [500, 300, 100], { end: [600, 500, 250] })).snapshot()!;
    expect(snapshot.layers).toEqual([
      // 4 s back is the earliest reading within 5 s of the latest.
      { layer: 'stg', topic: 'stg_service', processed: 500, lag: 100, ratePerSecond: 100 },
      { layer: 'dds', topic: 'dds_service', processed: 300, lag: 200, ratePerSecond: 62.5 },
      { layer: 'cdm', topic: 'cdm_service', processed: 100, lag: 150, ratePerSecond: 22.5 },
    ]);
    expect(snapshot.rates.t).toEqual([0, 2, 6].map((s) => (T0 + s * 1000) / 1000));
    expect(snapshot.rates.stg).toEqual([null, 50, 100]);
  });

  it('is flat, not broken, while the stream is idle', () => {
    const snapshot = history(reading(0, [10, 10, 9]), reading(1, [10, 10, 9]), reading(2, [10, 10, 9])).snapshot()!;
    expect(snapshot.layers.map((l) => [l.ratePerSecond, l.lag])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(snapshot.rates.cdm).toEqual([null, 0, 0]);
    expect(snapshot.freshness).toEqual({ windowSeconds: 2, orders: 0, p50Seconds: null, p99Seconds: null });
  });

  it('keeps what it could read when a part fails: unknown, not zero, and no negative rate when a group starts over', () => {
    const snapshot = history(reading(0, [100, 100, 100]), reading(1, [null, 40, 100], { freshness: null })).snapshot()!;
    expect(snapshot.layers.map((l) => [l.processed, l.lag, l.ratePerSecond])).toEqual([
      [null, null, null],
      [40, 0, 0],
      [100, 0, 0],
    ]);
    expect(snapshot.freshness).toBeNull();
  });

  it('measures freshness over the last minute, or since cdm started when it restarted', () => {
    const minuteAgo = reading(0, [0, 0, 0], { freshness: buckets(0, 0, 0, 0) });
    const before = reading(30, [0, 0, 0], { freshness: buckets(0, 100, 100, 100) });
    const now = reading(70, [0, 0, 0], { freshness: buckets(0, 100, 300, 300) });
    // The reading at 0 s is more than a minute old: the window starts at 30 s, with 200 orders between 1 and 10 s.
    expect(history(minuteAgo, before, now).snapshot()!.freshness).toEqual({ windowSeconds: 40, orders: 200, p50Seconds: 5.5, p99Seconds: 9.91 });
    const restarted = reading(80, [0, 0, 0], { freshness: buckets(5, 10, 10, 10) });
    expect(history(before, now, restarted).snapshot()!.freshness).toMatchObject({ windowSeconds: null, orders: 10 });
  });

  it('forgets readings older than five minutes', () => {
    const old = reading(0, [0, 0, 0]);
    const snapshot = history(old, reading(HISTORY_MS / 1000, [1, 1, 1]), reading(HISTORY_MS / 1000 + 1, [2, 2, 2])).snapshot()!;
    expect(snapshot.rates.t).toHaveLength(2);
  });
});
