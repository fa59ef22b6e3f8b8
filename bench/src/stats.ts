// Pure figures: percentiles of latencies and a stage's rate from its committed-offset timeline.

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile (p in 0–100) of values sorted ascending; NaN when there are none. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be from 0 to 100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1]!;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}

/** One reading of a consumer group's committed offsets, summed over partitions. */
export interface ProgressSample {
  /** ms since the phase started */
  t: number;
  committed: number;
}

export interface StageRate {
  /** messages the stage committed during the phase */
  messages: number;
  /** ms since the phase started: last reading before progress, first reading with everything committed */
  startMs: number;
  endMs: number;
  /** messages / active seconds */
  perSecond: number;
}

/**
 * The stage's own rate: the messages it committed between the last reading before it moved and the
 * first reading where it had committed `target`. Null when it never moved or never got there.
 * Readings are taken every few hundred ms, so short stages carry that much error.
 */
export function stageRate(samples: readonly ProgressSample[], target: number): StageRate | null {
  if (samples.length === 0) return null;
  const baseline = samples[0]!.committed;
  const end = samples.find((s) => s.committed >= target);
  if (!end || target <= baseline) return null;
  let start = samples[0]!;
  for (const sample of samples) {
    if (sample.t >= end.t || sample.committed > baseline) break;
    start = sample;
  }
  const seconds = (end.t - start.t) / 1000;
  const messages = target - baseline;
  return { messages, startMs: start.t, endMs: end.t, perSecond: seconds > 0 ? messages / seconds : Number.POSITIVE_INFINITY };
}

/** Splits `total` into chunks of at most `size` (the last one smaller). */
export function chunkSizes(total: number, size: number): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  const chunks: number[] = [];
  for (let left = total; left > 0; left -= size) chunks.push(Math.min(size, left));
  return chunks;
}

/**
 * How many orders each tick of a paced push sends so that tick i has sent round(rate × elapsed),
 * for `seconds` at `rate` orders/s with a tick every `tickMs`.
 */
export function pacedTicks(rate: number, seconds: number, tickMs: number): number[] {
  if (!(rate > 0) || !(seconds > 0) || !(tickMs > 0)) return [];
  const ticks = Math.round((seconds * 1000) / tickMs);
  const sizes: number[] = [];
  let sent = 0;
  for (let i = 1; i <= ticks; i++) {
    const due = Math.round((rate * i * tickMs) / 1000);
    sizes.push(due - sent);
    sent = due;
  }
  return sizes;
}
