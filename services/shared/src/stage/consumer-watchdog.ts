// A consumer that stays in its group but stops taking batches (kafkajs has been seen to, after a
// broker failover) looks healthy to everything but its lag. The watchdog notices: when the consumer
// holds partitions, has handled no batch for a while, is not in the middle of one, and the group's
// committed offsets on those partitions trail their ends, it reports the stall (on /health) and asks
// for the consumer to be replaced. The group then resumes from the committed offsets.
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
  /** Idle this long with messages waiting is a stall. */
  stallMs: number;
  /** How often the consumer's activity is looked at. */
  checkEveryMs: number;
}

/** Why the consumer counts as stalled, or null: messages wait on its own partitions and nothing moves. */
export function stallVerdict(activity: ConsumerActivity, lag: readonly PartitionLag[], stallMs: number): string | null {
  if (!activity.active || activity.batchesInFlight > 0 || activity.idleMs < stallMs) return null;
  const waiting = lag.filter((p) => p.waiting > 0 && activity.assigned.includes(p.partition));
  if (waiting.length === 0) return null;
  const messages = waiting.reduce((sum, p) => sum + p.waiting, 0);
  return `consumer stalled: no batch for ${Math.round(activity.idleMs / 1000)} s while ${messages} messages wait on partitions ${waiting.map((p) => p.partition).join(', ')}`;
}

export class ConsumerWatchdog {
  /** The last stall seen, for /health; cleared once the consumer takes batches again. */
  stalled: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    private readonly admin: Admin,
    private readonly options: WatchdogOptions,
    private readonly activity: () => ConsumerActivity,
    private readonly onStall: (reason: string) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.options.checkEveryMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look; a lag that cannot be read (Kafka unreachable) gives no verdict. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const activity = this.activity();
      if (!activity.active || activity.idleMs < this.options.stallMs || activity.batchesInFlight > 0) {
        if (activity.active && activity.idleMs < this.options.stallMs) this.stalled = null;
        return;
      }
      if (activity.assigned.length === 0) return;
      const lag = await partitionLags(this.admin, this.options.groupId, this.options.topic).catch(() => null);
      // Looked at again after the await: a batch may have begun meanwhile.
      const verdict = lag && stallVerdict(this.activity(), lag, this.options.stallMs);
      if (!verdict) return;
      this.stalled = verdict;
      this.onStall(verdict);
    } finally {
      this.checking = false;
    }
  }
}
