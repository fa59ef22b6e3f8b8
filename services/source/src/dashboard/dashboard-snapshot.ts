// What the page shows, computed from the readings of the last minutes: counts and lag from the
// latest offsets, rates from their differences over time, health, dead letters and top products
// from the latest status, freshness from cdm's histogram over the last minute. Pure: the readings
// come from pipeline-reading.ts.
import { bucketsBetween, histogramQuantile, observations, type Buckets } from './histogram.ts';
import { LAYERS, type DeadLetterSummary, type Layer, type OffsetsReading, type ServiceHealth, type StatusReading, type TopLists } from './pipeline-reading.ts';

/** How far back the rate chart goes. */
export const HISTORY_MS = 5 * 60_000;
/** Each rate is averaged over this much time: commits come in batches, not evenly. */
export const RATE_WINDOW_MS = 5000;
export const FRESHNESS_WINDOW_MS = 60_000;

export interface LayerFigures {
  layer: Layer;
  topic: string;
  /** Messages consumed and committed by the layer's group, all time. */
  processed: number | null;
  /** Messages in the topic not yet processed. */
  lag: number | null;
  /** Processed per second, over the last few seconds. */
  ratePerSecond: number | null;
}

export interface Freshness {
  /** Seconds the figures cover; null: since the cdm service started (only one reading so far). */
  windowSeconds: number | null;
  orders: number;
  p50Seconds: number | null;
  p99Seconds: number | null;
}

export interface DashboardSnapshot {
  at: string;
  layers: LayerFigures[];
  /** The rate chart: times (seconds since the epoch) and each layer's rate at those times. */
  rates: { t: number[] } & Record<Layer, Array<number | null>>;
  freshness: Freshness | null;
  services: ServiceHealth[];
  deadLetters: DeadLetterSummary | null;
  top: TopLists | null;
  problems: string[];
}

/** The offsets readings of the last HISTORY_MS and the status readings of the last minute, oldest first. */
export class ReadingHistory {
  private readonly offsets: OffsetsReading[] = [];
  private readonly statuses: StatusReading[] = [];

  addOffsets(reading: OffsetsReading): void {
    keepSince(this.offsets, reading, HISTORY_MS);
  }

  addStatus(reading: StatusReading): void {
    // One more than the window: the oldest one the window can start from.
    keepSince(this.statuses, reading, FRESHNESS_WINDOW_MS * 2);
  }

  /** Null until both kinds were read once. */
  snapshot(): DashboardSnapshot | null {
    const latest = this.offsets.at(-1);
    const status = this.statuses.at(-1);
    if (!latest || !status) return null;
    const last = this.offsets.length - 1;
    return {
      at: new Date(latest.at).toISOString(),
      layers: latest.layers.map((offsets, i) => ({
        layer: offsets.layer,
        topic: offsets.topic,
        processed: offsets.committed,
        lag: offsets.committed === null || offsets.end === null ? null : Math.max(0, offsets.end - offsets.committed),
        ratePerSecond: rateAt(this.offsets, last, i),
      })),
      rates: rateSeries(this.offsets),
      freshness: freshness(this.statuses),
      services: status.services,
      deadLetters: status.deadLetters,
      top: status.top,
      problems: [...latest.problems, ...status.problems],
    };
  }
}

function keepSince<T extends { at: number }>(readings: T[], reading: T, ms: number): void {
  readings.push(reading);
  while (readings.length > 0 && readings[0]!.at < reading.at - ms) readings.shift();
}

/** Layer `layer`'s rate at reading `index`: processed since the earliest reading within RATE_WINDOW_MS, per second. */
function rateAt(readings: readonly OffsetsReading[], index: number, layer: number): number | null {
  const now = readings[index]!;
  const current = now.layers[layer]?.committed;
  if (current === null || current === undefined) return null;
  // Readings are at least a second apart: the window holds a handful of them.
  for (let j = Math.max(0, index - Math.ceil(RATE_WINDOW_MS / 1000) - 1); j < index; j++) {
    const before = readings[j]!;
    const previous = before.layers[layer]?.committed;
    if (now.at - before.at > RATE_WINDOW_MS || previous === null || previous === undefined) continue;
    // Offsets go down only when a topic or group is recreated: nothing was processed then.
    return Math.max(0, current - previous) / ((now.at - before.at) / 1000);
  }
  return index === 0 ? null : 0;
}

function rateSeries(readings: readonly OffsetsReading[]): DashboardSnapshot['rates'] {
  const series = { t: readings.map((r) => Math.round(r.at / 1000)) } as DashboardSnapshot['rates'];
  LAYERS.forEach((layer, i) => {
    series[layer] = readings.map((_, index) => roundRate(rateAt(readings, index, i)));
  });
  return series;
}

const roundRate = (rate: number | null) => (rate === null ? null : Math.round(rate * 10) / 10);

/** cdm's freshness over the last minute: what its histogram gained since the oldest reading in the window. */
function freshness(readings: readonly StatusReading[]): Freshness | null {
  const latest = readings.at(-1)!;
  if (!latest.freshness) return null;
  const base = readings.find((r) => r !== latest && r.freshness && latest.at - r.at <= FRESHNESS_WINDOW_MS);
  const window = base ? bucketsBetween(base.freshness!, latest.freshness) : null;
  const buckets: Buckets = window ?? latest.freshness;
  return {
    windowSeconds: window ? Math.round((latest.at - base!.at) / 1000) : null,
    orders: observations(buckets),
    p50Seconds: histogramQuantile(0.5, buckets),
    p99Seconds: histogramQuantile(0.99, buckets),
  };
}
