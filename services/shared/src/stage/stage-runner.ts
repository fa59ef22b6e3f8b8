import type { Batch, Consumer, Kafka, Message, Producer } from 'kafkajs';
import type pg from 'pg';
import { inTransaction } from '../clients/postgres.ts';
import type { HealthCheck } from '../health/health-checks.ts';
import type { Logger } from '../logger.ts';
import { backoffDelay, sleep } from './backoff.ts';
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
}

export interface StageRunnerDeps {
  kafka: Kafka;
  producer: Producer;
  pool: pg.Pool;
  log: Logger;
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
  private readonly consumer: Consumer;
  private readonly log: Logger;
  private failure: { step: Step; error: string } | null = null;
  private crashed: string | null = null;
  private running = false;

  constructor(
    private readonly stage: StageDefinition<In, Ready>,
    private readonly deps: StageRunnerDeps,
    private readonly options: StageRunnerOptions,
  ) {
    this.log = deps.log.child({ component: 'stage-runner' });
    this.consumer = deps.kafka.consumer({
      groupId: options.groupId,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxWaitTimeInMs: 500,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.crashed = payload.restart ? null : payload.error.message;
      this.log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.options.inputTopic], fromBeginning: true });
    this.running = true;
    await this.consumer.run({
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
    const deadLetters = toDeadLetters(stage.name, batch.topic, batch.partition, rejected, loadDt);
    const outgoing = await inTransaction(this.deps.pool, async (db) => {
      await insertDeadLetters(db, deadLetters);
      return ready.length > 0 ? stage.write(db, ready, { loadDt }) : [];
    });
    if (deadLetters.length > 0) this.logDeadLetters(rejected);

    step.current = 'kafka';
    await this.forward(outgoing, deadLetters);
    const last = chunk[chunk.length - 1]!;
    await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
  }

  private async forward(outgoing: OutgoingMessage[], deadLetters: DeadLetter[]): Promise<void> {
    const topicMessages = [];
    if (this.options.outputTopic && outgoing.length > 0) {
      topicMessages.push({
        topic: this.options.outputTopic,
        messages: outgoing.map((m) => ({ key: m.key, value: JSON.stringify(m.value) })),
      });
    }
    if (deadLetters.length > 0) {
      topicMessages.push({
        topic: this.options.deadLetterTopic,
        messages: deadLetters.map((letter) => ({ key: letter.key, value: JSON.stringify(letter) })),
      });
    }
    if (topicMessages.length > 0) await this.deps.producer.sendBatch({ topicMessages, acks: -1 });
  }

  private logDeadLetters(rejected: RejectedMessage[]): void {
    for (const { raw, reason } of rejected.slice(0, 5)) {
      this.log.warn({ offset: raw.offset, key: raw.key?.toString('utf8'), reason }, 'message dead-lettered');
    }
    if (rejected.length > 5) this.log.warn({ more: rejected.length - 5 }, 'more messages dead-lettered');
  }
}
