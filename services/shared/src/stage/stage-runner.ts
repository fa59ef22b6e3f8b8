import type { Admin, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import type { HealthCheck } from '../health/health-checks.ts';
import type { Logger } from '../logger.ts';
import { StageMetrics } from '../metrics/stage-metrics.ts';
import { BatchProcessor } from './batch-processor.ts';
import { ConsumerSupervisor, type ConsumerSettings } from './consumer-supervisor.ts';
import { ConsumerWatchdog } from './consumer-watchdog.ts';
import { noCrash, type CrashHook } from './crash-point.ts';
import type { StageDefinition } from './stage-definition.ts';

export interface StageRunnerOptions {
  inputTopic: string;
  /** Where write()'s messages go; null for the last stage. */
  outputTopic: string | null;
  deadLetterTopic: string;
  groupId: string;
  /** Most messages in one transaction: a bigger fetched batch is processed in chunks of this size. */
  maxBatchMessages: number;
  /** kafkajs's consumer tuning (Config['consumer']). */
  consumer: Omit<ConsumerSettings, 'groupId' | 'inputTopic'>;
  /** Longest one attempt at a batch may take before it is abandoned and retried (BATCH_DEADLINE_MS). */
  batchDeadlineMs: number;
  /** On stop, how long the batch in flight may take to finish before it is abandoned (default 10 s). */
  stopGraceMs?: number;
  /** Test-only fault injection (see crash-point.ts); does nothing by default. */
  crashHook?: CrashHook;
  /**
   * How long the consumer may take no batch while messages wait on its partitions before it counts
   * as stalled and is replaced (default: a minute, or three sessions when they are longer).
   */
  stallMs?: number;
}

export interface StageRunnerDeps {
  kafka: Kafka;
  /** Reads the group's lag for the stall watchdog. */
  admin: Admin;
  producer: Producer;
  pool: pg.Pool;
  log: Logger;
  /** Throughput, batch, write and lag figures; kept unexposed when not given. */
  metrics?: StageMetrics;
}

/**
 * The one way every consuming service runs: consume a batch → validate → prepare → write (one
 * transaction) → forward downstream → commit offsets. Offsets move only after the database commit
 * and the downstream acknowledgement, and writes are idempotent, so a crash anywhere replays at most
 * the unfinished batch and changes nothing twice. Two halves: the consumer's supervision
 * (consumer-supervisor.ts) and the processing of a batch, retried while it is held (batch-processor.ts).
 */
export class StageRunner<In, Ready> {
  private readonly supervisor: ConsumerSupervisor;
  private readonly processor: BatchProcessor<In, Ready>;
  private readonly watchdog: ConsumerWatchdog;
  /** Aborted on stop: wakes the backoff sleeps. */
  private stopping = new AbortController();

  constructor(
    stage: StageDefinition<In, Ready>,
    deps: StageRunnerDeps,
    private readonly options: StageRunnerOptions,
  ) {
    const log = deps.log.child({ component: 'stage-runner' });
    const metrics = deps.metrics ?? new StageMetrics();
    this.supervisor = new ConsumerSupervisor(deps.kafka, { ...options.consumer, groupId: options.groupId, inputTopic: options.inputTopic }, log, metrics);
    this.processor = new BatchProcessor(
      stage,
      { producer: deps.producer, pool: deps.pool, log, metrics },
      {
        outputTopic: options.outputTopic,
        deadLetterTopic: options.deadLetterTopic,
        batchDeadlineMs: options.batchDeadlineMs,
        crashAt: options.crashHook ?? noCrash,
      },
    );
    const stallMs = options.stallMs ?? Math.max(60_000, 3 * options.consumer.sessionTimeoutMs);
    this.watchdog = new ConsumerWatchdog(
      deps.admin,
      { groupId: options.groupId, topic: options.inputTopic, stallMs, checkEveryMs: Math.min(5_000, stallMs / 4) },
      () => ({
        active: this.joined && this.supervisor.running && !this.supervisor.replacing && !this.supervisor.crashed,
        batchesInFlight: this.supervisor.batchesInFlight,
        idleMs: Date.now() - this.supervisor.lastActivityAt,
        assigned: this.supervisor.assigned,
      }),
      (reason) => this.supervisor.replace(reason),
    );
  }

  /** Whether start() has joined the group: the service listens before, and /health waits for this. */
  private joined = false;

  async start(): Promise<void> {
    this.stopping = new AbortController();
    await this.supervisor.start((payload) => this.eachBatch(payload));
    this.joined = true;
    this.watchdog.start();
  }

  /**
   * Finishes the batch in flight, commits it, leaves the group. A batch that cannot finish within
   * the grace (a hung dependency) is abandoned uncommitted: the group redelivers it.
   */
  async stop(): Promise<void> {
    this.watchdog.stop();
    this.stopping.abort();
    const grace = setTimeout(
      () =>
        this.processor.abandonInFlight(new DOMException('the service is stopping; the batch in flight was abandoned and will be redelivered', 'AbortError')),
      this.options.stopGraceMs ?? 10_000,
    );
    try {
      await this.supervisor.stop();
    } finally {
      clearTimeout(grace);
    }
  }

  healthCheck(): HealthCheck {
    return {
      name: 'consumer',
      check: async () => {
        const { crashed, running } = this.supervisor;
        if (crashed) throw new Error(`consumer stopped: ${crashed}`);
        if (!running) throw new Error('consumer is not running');
        if (!this.joined) throw new Error('consumer is joining its group');
        if (this.watchdog.stalled) throw new Error(this.watchdog.stalled);
        const { failure } = this.processor;
        if (failure) throw new Error(`${failure.step} failing: ${failure.error}`);
      },
    };
  }

  /** A fetched batch, in chunks of at most maxBatchMessages, each committed before the next. */
  private async eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { messages } = batch;
    const { maxBatchMessages } = this.options;
    for (let start = 0; start < messages.length; start += maxBatchMessages) {
      if (!isRunning() || isStale()) return;
      const chunk = messages.slice(start, start + maxBatchMessages);
      const done = await this.processor.processWithRetry(batch, chunk, {
        heartbeat,
        stillOurs: () => this.supervisor.running && isRunning() && !isStale(),
        // One OffsetCommit request per call, no kafkajs retries behind it: consumer.commitOffsets()
        // retries in the background after the attempt was abandoned, and a late retry moves the
        // committed offset back (with the current generation) behind the consumer's position.
        commit: (offset) => commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }] }),
        stopping: this.stopping.signal,
      });
      if (!done) return;
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await heartbeat();
    }
  }
}
