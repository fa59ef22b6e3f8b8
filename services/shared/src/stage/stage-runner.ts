import type { Batch, Consumer, Kafka, Message, Producer } from 'kafkajs';
import type pg from 'pg';
import { inTransaction } from '../clients/postgres.ts';
import type { HealthCheck } from '../health/health-checks.ts';
import type { Logger } from '../logger.ts';
import { StageMetrics } from '../metrics/stage-metrics.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { noCrash, type CrashHook } from './crash-point.ts';
import { chunkByBytes } from './message-chunks.ts';
import { decodeBatch, type RawMessage, type RejectedMessage } from './decode-batch.ts';
import { insertDeadLetters, toDeadLetters, type DeadLetter } from './dead-letters.ts';
import { isRejection, type OutgoingMessage, type StageDefinition } from './stage-definition.ts';

export interface StageRunnerOptions {
  inputTopic: string;
  /** Where write()'s messages go; null for the last stage. */
  outputTopic: string | null;
  deadLetterTopic: string;
  groupId: string;
  maxBatchMessages: number;
  maxBytesPerPartition: number;
  partitionsConcurrently: number;
  /** Consumer group session (default 30 s); heartbeats every third of it, at most every 3 s. */
  sessionTimeoutMs?: number;
  /** Test-only fault injection (see crash-point.ts); does nothing by default. */
  crashHook?: CrashHook;
}

export interface StageRunnerDeps {
  kafka: Kafka;
  producer: Producer;
  pool: pg.Pool;
  log: Logger;
  /** Throughput, batch, write and lag figures; kept unexposed when not given. */
  metrics?: StageMetrics;
}

/** Which step of a batch failed, so that /health names the dependency that is down. */
type Step = 'prepare' | 'postgres' | 'kafka';

/**
 * The one way every consuming service runs: consume a batch → validate → prepare → write (one
 * transaction) → forward downstream → commit offsets. Offsets move only after the database commit
 * and the downstream acknowledgement, and writes are idempotent, so a crash anywhere replays at most
 * the unfinished batch and changes nothing twice. Transient failures are retried with backoff while
 * the batch is held.
 */
export class StageRunner<In, Ready> {
  private consumer: Consumer;
  /** Set while a consumer that kafkajs gave up on is being replaced. */
  private rebuilding: Promise<void> | null = null;
  private readonly gaveUp = new WeakSet<Consumer>();
  private readonly log: Logger;
  private readonly metrics: StageMetrics;
  private failure: { step: Step; error: string } | null = null;
  private crashed: string | null = null;
  private running = false;
  private readonly crashAt: CrashHook;

  constructor(
    private readonly stage: StageDefinition<In, Ready>,
    private readonly deps: StageRunnerDeps,
    private readonly options: StageRunnerOptions,
  ) {
    this.log = deps.log.child({ component: 'stage-runner' });
    this.metrics = deps.metrics ?? new StageMetrics();
    this.crashAt = options.crashHook ?? noCrash;
    this.consumer = this.createConsumer();
  }

  private createConsumer(): Consumer {
    const { deps, options } = this;
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    const consumer = deps.kafka.consumer({
      groupId: options.groupId,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxWaitTimeInMs: 500,
      sessionTimeout,
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => this.metrics.partitionsReassigned());
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (consumer === this.consumer) this.crashed = null;
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

  async start(): Promise<void> {
    this.running = true;
    try {
      await this.consume(this.consumer);
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  /**
   * Replaces a consumer kafkajs gave up on with a new one, with backoff, until it runs or the runner
   * stops. Nothing is lost meanwhile: the group resumes from the committed offsets.
   */
  private async rebuildConsumer(): Promise<void> {
    for (let attempt = 3; this.running; attempt++) {
      await sleep(backoffDelay(attempt));
      if (!this.running) return;
      await this.consumer.disconnect().catch(() => {});
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
    await consumer.connect();
    await consumer.subscribe({ topics: [this.options.inputTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const messages = batch.messages;
        for (let start = 0; start < messages.length; start += this.options.maxBatchMessages) {
          if (!isRunning() || isStale()) return;
          const chunk = messages.slice(start, start + this.options.maxBatchMessages);
          const done = await this.processWithRetry(batch, chunk, { heartbeat, isRunning, isStale });
          if (!done) return;
          resolveOffset(chunk[chunk.length - 1]!.offset);
          await heartbeat();
        }
      },
    });
  }

  /** Finishes the batch in flight, commits it, leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.rebuilding;
    await this.consumer.disconnect();
  }

  healthCheck(): HealthCheck {
    return {
      name: 'consumer',
      check: async () => {
        if (this.crashed) throw new Error(`consumer stopped: ${this.crashed}`);
        if (!this.running) throw new Error('consumer is not running');
        if (this.failure) throw new Error(`${this.failure.step} failing: ${this.failure.error}`);
      },
    };
  }

  private async processWithRetry(
    batch: Batch,
    chunk: Message[] & RawMessage[],
    control: { heartbeat(): Promise<void>; isRunning(): boolean; isStale(): boolean },
  ): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const step: { current: Step } = { current: 'prepare' };
      try {
        await this.process(batch, chunk, step);
        if (this.failure) this.log.info({ step: this.failure.step }, 'recovered');
        this.failure = null;
        return true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.failure = { step: step.current, error: message };
        this.metrics.batchFailed(batch.topic, step.current, chunk.length);
        const delay = backoffDelay(attempt);
        this.log.warn({ err: error, step: step.current, attempt, retryInMs: delay, topic: batch.topic, partition: batch.partition }, 'batch failed, will retry');
        await sleep(delay);
        if (!control.isRunning() || control.isStale()) return false;
        try {
          await control.heartbeat();
        } catch (heartbeatError) {
          this.log.warn({ err: heartbeatError }, 'heartbeat failed while retrying; the batch will be redelivered');
          return false;
        }
      }
    }
  }

  private async process(batch: Batch, chunk: RawMessage[], step: { current: Step }): Promise<void> {
    const { stage } = this;
    const loadDt = new Date();
    const startedAt = performance.now();
    const { decoded, rejected } = decodeBatch(chunk, stage.contract);
    const ready: Ready[] = [];
    if (stage.prepare && decoded.length > 0) {
      const prepared = await stage.prepare(decoded.map((d) => d.value));
      prepared.forEach((result, i) => {
        if (isRejection(result)) rejected.push({ raw: decoded[i]!.raw, reason: result.rejected });
        else ready.push(result);
      });
    } else {
      for (const d of decoded) ready.push(d.value as unknown as Ready);
    }

    step.current = 'postgres';
    const writeStartedAt = performance.now();
    const deadLetters = toDeadLetters(stage.name, batch.topic, batch.partition, rejected, loadDt);
    const outgoing = await inTransaction(this.deps.pool, async (db) => {
      await insertDeadLetters(db, deadLetters);
      const written = ready.length > 0 ? await stage.write(db, ready, { loadDt }) : [];
      this.crashAt('before-commit');
      return written;
    });
    this.crashAt('after-commit');
    const writeSeconds = (performance.now() - writeStartedAt) / 1000;
    if (deadLetters.length > 0) this.logDeadLetters(rejected);

    step.current = 'kafka';
    await this.forward(outgoing, deadLetters);
    this.crashAt('after-produce');
    const last = chunk[chunk.length - 1]!;
    await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    this.metrics.batchProcessed({
      topic: batch.topic,
      partition: batch.partition,
      messages: chunk.length,
      deadLetters: deadLetters.length,
      produced: [...(this.options.outputTopic ? [{ topic: this.options.outputTopic, count: outgoing.length }] : []), { topic: this.options.deadLetterTopic, count: deadLetters.length }],
      seconds: (performance.now() - startedAt) / 1000,
      writeSeconds,
      highWatermark: batch.highWatermark,
      lastOffset: last.offset,
    });
  }

  /** Sends in order, in requests small enough for the broker (see message-chunks.ts); a failure fails the batch. */
  private async forward(outgoing: OutgoingMessage[], deadLetters: DeadLetter[]): Promise<void> {
    const all: Array<{ topic: string; key: string | null; value: string }> = [];
    const { outputTopic, deadLetterTopic } = this.options;
    if (outputTopic) for (const m of outgoing) all.push({ topic: outputTopic, key: m.key, value: JSON.stringify(m.value) });
    for (const letter of deadLetters) all.push({ topic: deadLetterTopic, key: letter.key, value: JSON.stringify(letter) });
    for (const request of chunkByBytes(all)) {
      const byTopic = new Map<string, Array<{ key: string | null; value: string }>>();
      for (const { topic, key, value } of request) {
        const list = byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!;
        list.push({ key, value });
      }
      await this.deps.producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
    }
  }

  private logDeadLetters(rejected: RejectedMessage[]): void {
    for (const { raw, reason } of rejected.slice(0, 5)) {
      this.log.warn({ offset: raw.offset, key: raw.key?.toString('utf8'), reason }, 'message dead-lettered');
    }
    if (rejected.length > 5) this.log.warn({ more: rejected.length - 5 }, 'more messages dead-lettered');
  }
}
