// A consumer that stays in its group but stops taking batches (kafkajs has been seen to, after a
// broker failover) looks healthy to everything but its lag. The watchdog notices: when messages
// have waited on the consumer's own partitions for a whole stall time, with no batch begun or ended
// meanwhile and none in flight, it reports the stall (on /health) and asks for the consumer to be
// replaced. The group then resumes from the committed offsets. The time counts from when the
// messages were first seen waiting, not from the last batch: a consumer idle for an hour that is
// still reconnecting a few seconds after messages arrive is not stalled.
import type { Admin } from 'kafkajs';
import { partitionLags, type PartitionLag } from '../kafka/group-lag.ts';

export interface ConsumerActivity {
  /** Whether the consumer is running and has joined its group (not joining, stopping or being replaced). */
  active: boolean;
  /** Batches being processed now (a batch retried while a dependency is down counts as one). */
  batchesInFlight: number;
  /** Milliseconds since a batch started or ended, or since the group was joined. */
  idleMs: number;
  /** The input topic's partitions the group gave this consumer. */
  assigned: readonly number[];
}

export interface WatchdogOptions {
  groupId: string;
  topic: string;
  /** Messages waiting this long with no batch is a stall. */
  stallMs: number;
  /** How often the consumer's activity is looked at. */
  checkEveryMs: number;
}

/** The partitions of the consumer on which messages wait. */
export const waitingOn = (lag: readonly PartitionLag[], assigned: readonly number[]): PartitionLag[] =>
  lag.filter((p) => p.waiting > 0 && assigned.includes(p.partition));

/**
 * Why the consumer counts as stalled, or null. waitedMs: how long messages have been seen waiting on
 * its partitions with no batch begun or ended since.
 */
export function stallVerdict(activity: ConsumerActivity, lag: readonly PartitionLag[], waitedMs: number, stallMs: number): string | null {
  if (!activity.active || activity.batchesInFlight > 0 || waitedMs < stallMs || activity.idleMs < waitedMs) return null;
  const waiting = waitingOn(lag, activity.assigned);
  if (waiting.length === 0) return null;
  const messages = waiting.reduce((sum, p) => sum + p.waiting, 0);
  return `consumer stalled: no batch for ${Math.round(waitedMs / 1000)} s while ${messages} messages wait on partitions ${waiting.map((p) => p.partition).join(', ')}`;
}

export class ConsumerWatchdog {
  /** The last stall seen, for /health; cleared once the consumer takes batches again. */
  stalled: string | null = null;
  /** When messages were first seen waiting with the consumer quiet; null while it is busy or caught up. */
  private waitingSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly admin: Admin,
    private readonly options: WatchdogOptions,
    private readonly activity: () => ConsumerActivity,
    private readonly onStall: (reason: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.options.checkEveryMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look; a lag that cannot be read (Kafka unreachable) changes nothing. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const before = this.activity();
      // Busy, or a batch within the last look: nothing waits unseen.
      if (!before.active || before.batchesInFlight > 0 || before.idleMs < this.options.checkEveryMs || before.assigned.length === 0) {
        this.waitingSince = null;
        if (before.active && before.idleMs < this.options.checkEveryMs) this.stalled = null;
        return;
      }
      const lag = await partitionLags(this.admin, this.options.groupId, this.options.topic).catch(() => null);
      if (!lag) return;
      const activity = this.activity();
      const now = this.now();
      if (waitingOn(lag, activity.assigned).length === 0) {
        this.waitingSince = null;
        return;
      }
      // A batch since the messages were first seen waiting restarts the clock.
      if (this.waitingSince === null || now - activity.idleMs > this.waitingSince) this.waitingSince = now;
      const verdict = stallVerdict(activity, lag, now - this.waitingSince, this.options.stallMs);
      if (!verdict) return;
      this.stalled = verdict;
      this.waitingSince = null;
      this.onStall(verdict);
    } finally {
      this.checking = false;
    }
  }
}
