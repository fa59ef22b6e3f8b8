// Consumer supervision, the half of the stage runner that knows nothing of batches: creates the
// kafkajs consumer with the configured tuning, runs it, replaces it with backoff when kafkajs gives
// up on it, and says on /health whether it runs.
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../logger.ts';
import type { StageMetrics } from '../metrics/stage-metrics.ts';
import { withTimeout } from '../health/health-checks.ts';
import { backoffDelay, sleep } from './backoff.ts';

/** kafkajs's consumer settings (Config['consumer'] and the group). */
export interface ConsumerSettings {
  groupId: string;
  inputTopic: string;
  maxBytesPerPartition: number;
  partitionsConcurrently: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** How long a fetch waits for data before answering empty. */
  maxWaitMs: number;
  /** kafkajs's own retries of a failing request before the consumer crashes. */
  retry: { retries: number; initialRetryTime: number; maxRetryTime: number };
}

export class ConsumerSupervisor {
  private consumer: Consumer;
  /** Set while a consumer that kafkajs gave up on is being replaced. */
  private rebuilding: Promise<void> | null = null;
  private readonly gaveUp = new WeakSet<Consumer>();
  /** Why the consumer stopped, while it is stopped. */
  crashed: string | null = null;
  running = false;
  /** The input topic's partitions the group gave the current consumer at its last join. */
  assigned: number[] = [];
  /** When the current consumer last joined its group or began or ended a batch. */
  lastActivityAt = Date.now();
  /** Batches being processed now. */
  batchesInFlight = 0;
  private eachBatch: ((payload: EachBatchPayload) => Promise<void>) | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: ConsumerSettings,
    private readonly log: Logger,
    private readonly metrics: StageMetrics,
  ) {
    this.consumer = this.createConsumer();
  }

  /** Joins the group and hands each fetched batch to eachBatch (offsets committed by it, never automatically). */
  async start(eachBatch: (payload: EachBatchPayload) => Promise<void>): Promise<void> {
    this.eachBatch = eachBatch;
    this.running = true;
    try {
      await this.consume(this.consumer);
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  /** Leaves the group once the batch in flight is done (or abandoned by the caller). */
  async stop(): Promise<void> {
    this.running = false;
    await this.rebuilding;
    await this.consumer.disconnect();
  }

  private createConsumer(): Consumer {
    const { settings } = this;
    const consumer = this.kafka.consumer({
      groupId: settings.groupId,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      maxWaitTimeInMs: settings.maxWaitMs,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      retry: settings.retry,
    });
    consumer.on(consumer.events.GROUP_JOIN, () => this.metrics.partitionsReassigned());
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (consumer !== this.consumer) return;
      this.crashed = null;
      this.assigned = payload.memberAssignment[settings.inputTopic] ?? [];
      this.lastActivityAt = Date.now();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.restart ? null : payload.error.message;
      this.log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      // kafkajs restarts a consumer after retriable errors only; after any other it stays stopped.
      if (payload.restart) return;
      this.gaveUp.add(consumer);
      if (consumer === this.consumer) this.rebuilding ??= this.rebuildConsumer().finally(() => (this.rebuilding = null));
    });
    return consumer;
  }

  /** Whether a consumer is being replaced. */
  get replacing(): boolean {
    return this.rebuilding !== null;
  }

  /** Replaces a consumer that runs but has stopped consuming (ConsumerWatchdog); logs why. */
  replace(reason: string): void {
    if (!this.running || this.rebuilding) return;
    this.log.error({ reason }, 'replacing a consumer that stopped consuming');
    this.gaveUp.add(this.consumer);
    this.assigned = [];
    this.rebuilding = this.rebuildConsumer().finally(() => (this.rebuilding = null));
  }

  /**
   * Replaces a consumer kafkajs gave up on (or that stopped consuming) with a new one, with backoff,
   * until it runs or the runner stops. Nothing is lost meanwhile: the group resumes from the
   * committed offsets.
   */
  private async rebuildConsumer(): Promise<void> {
    for (let attempt = 3; this.running; attempt++) {
      await sleep(backoffDelay(attempt));
      if (!this.running) return;
      // A stalled consumer may never finish leaving: it is dropped after a session's time, and the
      // coordinator evicts it when its heartbeats stop.
      await withTimeout(this.consumer.disconnect(), 'leaving the group', this.settings.sessionTimeoutMs).catch(() => {});
      this.consumer = this.createConsumer();
      try {
        await this.consume(this.consumer);
        // run() resolves even when joining the group failed: that failure arrives as a crash.
        if (this.gaveUp.has(this.consumer)) continue;
        this.log.warn('consumer rebuilt after a crash');
        return;
      } catch (error) {
        this.crashed = error instanceof Error ? error.message : String(error);
        this.log.warn({ err: error }, 'could not rebuild the consumer, will retry');
      }
    }
  }

  private async consume(consumer: Consumer): Promise<void> {
    const handle = this.eachBatch!;
    // A consumer given up on may still hand over a batch before it has left: its replacement will
    // get that batch from the committed offsets, so it is not processed twice at once.
    const eachBatch = async (payload: EachBatchPayload) => {
      if (this.gaveUp.has(consumer)) return;
      this.batchesInFlight++;
      this.lastActivityAt = Date.now();
      try {
        await handle(payload);
      } finally {
        this.batchesInFlight--;
        this.lastActivityAt = Date.now();
      }
    };
    await consumer.connect();
    await consumer.subscribe({ topics: [this.settings.inputTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConcurrently,
      eachBatch,
    });
  }
}
