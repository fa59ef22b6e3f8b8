import { ReadingHistory, type DashboardSnapshot } from './dashboard-snapshot.ts';
import type { PipelineReading } from './pipeline-reading.ts';

/** Readings are at least this far apart, however many viewers ask. */
export const MIN_READING_INTERVAL_MS = 1000;

/**
 * The one snapshot every viewer shares: the pipeline is read only when a viewer asks and the last
 * reading is older than a second, and a reading in progress is awaited by everyone asking
 * meanwhile. With nobody watching, nothing is read.
 */
export class DashboardFeed {
  private readonly history = new ReadingHistory();
  private lastReadingAt = -Infinity;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly read: () => Promise<PipelineReading>,
    private readonly clock: () => number = Date.now,
  ) {}

  async snapshot(): Promise<DashboardSnapshot> {
    if (this.clock() - this.lastReadingAt >= MIN_READING_INTERVAL_MS) {
      this.inFlight ??= this.read()
        .then((reading) => {
          this.history.add(reading);
          this.lastReadingAt = this.clock();
        })
        .finally(() => (this.inFlight = null));
    }
    if (this.inFlight) await this.inFlight;
    return this.history.snapshot()!;
  }
}
