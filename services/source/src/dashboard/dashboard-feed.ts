import { ReadingHistory, type DashboardSnapshot } from './dashboard-snapshot.ts';
import type { OffsetsReading, StatusReading } from './pipeline-reading.ts';

/** Offsets (counts, rates, lag) are read at most this often... */
export const OFFSETS_INTERVAL_MS = 1000;
/** ...and health, freshness, dead letters and top products, which cost more (every service runs its health checks), this often. */
export const STATUS_INTERVAL_MS = 5000;

export interface PipelineReaders {
  offsets(): Promise<OffsetsReading>;
  status(): Promise<StatusReading>;
}

/**
 * The one snapshot every viewer shares: the pipeline is read only when a viewer asks and the last
 * reading is older than its interval, a reading in progress is awaited by everyone asking
 * meanwhile, and the snapshot is computed once per reading. With nobody watching, nothing is read.
 */
export class DashboardFeed {
  private readonly history = new ReadingHistory();
  private readonly last = { offsets: -Infinity, status: -Infinity };
  private inFlight: Promise<void> | null = null;
  private current: DashboardSnapshot | null = null;

  constructor(
    private readonly readers: PipelineReaders,
    private readonly clock: () => number = Date.now,
  ) {}

  async snapshot(): Promise<DashboardSnapshot> {
    const now = this.clock();
    const offsetsDue = now - this.last.offsets >= OFFSETS_INTERVAL_MS;
    const statusDue = now - this.last.status >= STATUS_INTERVAL_MS;
    if (offsetsDue || statusDue) this.inFlight ??= this.refresh(offsetsDue, statusDue).finally(() => (this.inFlight = null));
    if (this.inFlight) await this.inFlight;
    if (!this.current) throw new Error('the pipeline has not been read yet');
    return this.current;
  }

  private async refresh(offsetsDue: boolean, statusDue: boolean): Promise<void> {
    const [offsets, status] = await Promise.all([offsetsDue ? this.readers.offsets() : null, statusDue ? this.readers.status() : null]);
    if (offsets) {
      this.history.addOffsets(offsets);
      this.last.offsets = this.clock();
    }
    if (status) {
      this.history.addStatus(status);
      this.last.status = this.clock();
    }
    this.current = this.history.snapshot();
  }
}
