import type { Batch, Consumer, Kafka, Message, Producer } from 'kafkajs';
import type pg from 'pg';
import type { PoolClient } from 'pg';
import { inTransaction } from '../clients/postgres.ts';
import { inSavepoint } from './savepoint.ts';
import type { HealthCheck } from '../health/health-checks.ts';
import type { Logger } from '../logger.ts';
import { StageMetrics } from '../metrics/stage-metrics.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { noCrash, type CrashHook } from './crash-point.ts';
import { sendInOrder } from './message-chunks.ts';
import { decodeBatch, type DecodedMessage, type RawMessage, type RejectedMessage } from './decode-batch.ts';
import { deadLetterRecord, insertDeadLetters, toDeadLetters, type DeadLetter } from './dead-letters.ts';
import { atStep, BatchStepError, classifyError, describeError, type BatchStep } from './error-class.ts';
import { isolatePoison } from './isolate-poison.ts';
import { isRejection, type OutgoingMessage, type Rejection, type StageDefinition } from './stage-definition.ts';

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
  /** Longest one attempt at a batch may take before it is abandoned and retried (default 20 s, as BATCH_DEADLINE_MS). */
  batchDeadlineMs?: number;
  /** On stop, how long the batch in flight may take to finish before it is abandoned (default 10 s). */
  stopGraceMs?: number;
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

type Step = BatchStep;
type PreparedUnits<In, Ready> = Map<DecodedMessage<In>, Ready | Rejection>;
interface UnitsWritten {
  outgoing: OutgoingMessage[];
  rejected: RejectedMessage[];
}
interface BatchWritten extends UnitsWritten {
  deadLetters: DeadLetter[];
}

/** An abandoned attempt that still has not settled this long after its abort is left behind. */
const ABANDON_GRACE_MS = 2000;

class BatchDeadlineError extends Error {
  override name = 'BatchDeadlineError';
  constructor(ms: number) {
    super(`the batch did not finish within its deadline of ${ms} ms and was abandoned`);
  }
}

/** The work's own outcome, or — once the signal aborted and graceMs passed — the abort reason. */
function abandonedAfter<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  work.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => (timer = setTimeout(() => reject(signal.reason), graceMs));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}

const compareOffsets = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

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
  /** One controller per batch attempt in flight: aborted at its deadline, or on stop after the grace. */
  private readonly inFlight = new Set<AbortController>();
  /** Aborted on stop: wakes the backoff sleeps. */
  private stopping = new AbortController();
  private readonly batchDeadlineMs: number;

  constructor(
    private readonly stage: StageDefinition<In, Ready>,
    private readonly deps: StageRunnerDeps,
    private readonly options: StageRunnerOptions,
  ) {
    this.log = deps.log.child({ component: 'stage-runner' });
    this.metrics = deps.metrics ?? new StageMetrics();
    this.crashAt = options.crashHook ?? noCrash;
    this.batchDeadlineMs = options.batchDeadlineMs ?? 20_000;
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
    this.stopping = new AbortController();
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
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const messages = batch.messages;
        for (let start = 0; start < messages.length; start += this.options.maxBatchMessages) {
          if (!isRunning() || isStale()) return;
          const chunk = messages.slice(start, start + this.options.maxBatchMessages);
          // One OffsetCommit request per call, no kafkajs retries behind it: consumer.commitOffsets()
          // retries in the background after the attempt was abandoned, and a late retry moves the
          // committed offset back (with the current generation) behind the consumer's position.
          const commit = (offset: string) =>
            commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }] });
          const done = await this.processWithRetry(batch, chunk, { heartbeat, isRunning, isStale, commit });
          if (!done) return;
          resolveOffset(chunk[chunk.length - 1]!.offset);
          await heartbeat();
        }
      },
    });
  }

  /**
   * Finishes the batch in flight, commits it, leaves the group. A batch that cannot finish within
   * the grace (a hung dependency) is abandoned uncommitted: the group redelivers it.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    const grace = setTimeout(() => {
      for (const attempt of this.inFlight)
        attempt.abort(new DOMException('the service is stopping; the batch in flight was abandoned and will be redelivered', 'AbortError'));
    }, this.options.stopGraceMs ?? 10_000);
    try {
      await this.rebuilding;
      await this.consumer.disconnect();
    } finally {
      clearTimeout(grace);
    }
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

  /**
   * Runs a batch until it is done, retrying what failed for a transient reason with backoff while
   * the batch is held. Each attempt has a deadline: past it, the attempt is abandoned (its Postgres
   * connection destroyed, nothing committed) and retried. Returns false when the batch was given up
   * because the consumer is stopping or lost the partition: it will be redelivered.
   */
  private async processWithRetry(
    batch: Batch,
    chunk: Message[] & RawMessage[],
    control: { heartbeat(): Promise<void>; isRunning(): boolean; isStale(): boolean; commit(offset: string): Promise<void> },
  ): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const deadline = new AbortController();
      this.inFlight.add(deadline);
      const timer = setTimeout(() => deadline.abort(new BatchDeadlineError(this.batchDeadlineMs)), this.batchDeadlineMs);
      // The step under way, so that an abandoned attempt names the dependency it was waiting for.
      const progress: { step: Step } = { step: 'prepare' };
      try {
        await abandonedAfter(this.process(batch, chunk, deadline.signal, progress, control.commit), deadline.signal, ABANDON_GRACE_MS);
        if (this.failure) this.log.info({ step: this.failure.step }, 'recovered');
        this.failure = null;
        return true;
      } catch (caught) {
        const error = deadline.signal.aborted ? new BatchStepError(progress.step, deadline.signal.reason) : caught;
        const step = error instanceof BatchStepError ? error.step : progress.step;
        const reason = deadline.signal.aborted ? (deadline.signal.reason as Error).message : describeError(error);
        this.failure = { step, error: reason };
        this.metrics.batchFailed(batch.topic, step, chunk.length);
        const delay = backoffDelay(attempt);
        this.log.warn({ err: error, step, attempt, retryInMs: delay, topic: batch.topic, partition: batch.partition }, 'batch failed, will retry');
        await sleep(delay, this.stopping.signal);
        if (!this.running || !control.isRunning() || control.isStale()) return false;
        try {
          await control.heartbeat();
        } catch (heartbeatError) {
          this.log.warn({ err: heartbeatError }, 'heartbeat failed while retrying; the batch will be redelivered');
          return false;
        }
      } finally {
        clearTimeout(timer);
        this.inFlight.delete(deadline);
      }
    }
  }

  /**
   * One attempt at a batch: validate, prepare, write and record the dead letters in one transaction,
   * forward, commit the offset. When the write fails because of the data (see error-class.ts), the
   * messages that cause it are found by bisection inside one transaction, each half in a savepoint,
   * and dead-lettered with the error as the reason; the rest is written as usual.
   */
  private async process(
    batch: Batch,
    chunk: RawMessage[],
    signal: AbortSignal,
    progress: { step: Step },
    commit: (offset: string) => Promise<void>,
  ): Promise<void> {
    const loadDt = new Date();
    const startedAt = performance.now();
    const { decoded, rejected } = decodeBatch(chunk, this.stage.contract);

    const writeStartedAt = performance.now();
    let prepared: PreparedUnits<In, Ready> | null = null;
    let written: BatchWritten;
    try {
      prepared = await this.prepare(decoded);
      progress.step = 'postgres';
      written = await this.writeInTransaction(batch, rejected, loadDt, signal, (db) => this.writeUnits(db, decoded, prepared, loadDt));
    } catch (error) {
      // An abandoned attempt's errors say nothing about the data.
      if (signal.aborted || classifyError(error) !== 'poison') throw error;
      this.log.warn(
        { err: error, topic: batch.topic, partition: batch.partition, messages: decoded.length },
        'batch failed on its data; isolating the messages that cause it',
      );
      const alreadyPrepared = prepared;
      written = await this.writeInTransaction(batch, rejected, loadDt, signal, async (db) => {
        const isolated = await isolatePoison(decoded, (part) => inSavepoint(db, () => this.writeUnits(db, part, alreadyPrepared, loadDt)));
        return {
          outgoing: isolated.results.flatMap((r) => r.outgoing),
          rejected: [
            ...isolated.results.flatMap((r) => r.rejected),
            ...isolated.poisoned.map(({ unit, error: cause }) => ({ raw: unit.raw, reason: describeError(cause) })),
          ],
        };
      });
    }
    this.crashAt('after-commit');
    const writeSeconds = (performance.now() - writeStartedAt) / 1000;
    if (written.deadLetters.length > 0) this.logDeadLetters(written.rejected);

    signal.throwIfAborted();
    progress.step = 'kafka';
    await atStep('kafka', () => this.forward(written.outgoing, written.deadLetters));
    this.crashAt('after-produce');
    signal.throwIfAborted();
    const last = chunk[chunk.length - 1]!;
    await atStep('kafka', () => commit((BigInt(last.offset) + 1n).toString()));
    this.metrics.batchProcessed({
      topic: batch.topic,
      partition: batch.partition,
      messages: chunk.length,
      deadLetters: written.deadLetters.length,
      produced: [
        ...(this.options.outputTopic ? [{ topic: this.options.outputTopic, count: written.outgoing.length }] : []),
        { topic: this.options.deadLetterTopic, count: written.deadLetters.length },
      ],
      seconds: (performance.now() - startedAt) / 1000,
      writeSeconds,
      highWatermark: batch.highWatermark,
      lastOffset: last.offset,
      eventAgesSeconds: this.eventAges(decoded),
    });
  }

  /** Seconds from each message's event time (when the stage tells one) to now, just after the commit. */
  private eventAges(units: readonly DecodedMessage<In>[]): number[] {
    const { eventTime } = this.stage;
    if (!eventTime) return [];
    const now = Date.now();
    return units.flatMap((unit) => {
      const at = Date.parse(eventTime(unit.value) ?? '');
      return Number.isNaN(at) ? [] : [Math.max(0, now - at) / 1000];
    });
  }

  /** The stage's prepare step (e.g. Redis lookups) over the whole batch, before the transaction. */
  private async prepare(units: readonly DecodedMessage<In>[]): Promise<PreparedUnits<In, Ready> | null> {
    const { stage } = this;
    if (!stage.prepare || units.length === 0) return null;
    const results = await atStep('prepare', () => stage.prepare!(units.map((u) => u.value)));
    return new Map(units.map((unit, i) => [unit, results[i]!]));
  }

  /** Prepares (unless done already) and writes some of the batch's messages with the stage's write. */
  private async writeUnits(
    db: PoolClient,
    units: readonly DecodedMessage<In>[],
    prepared: PreparedUnits<In, Ready> | null,
    loadDt: Date,
  ): Promise<UnitsWritten> {
    const { stage } = this;
    const rejected: RejectedMessage[] = [];
    const ready: Ready[] = [];
    const rawOf = new Map<Ready, RawMessage>();
    const preparedUnits = prepared ?? (await this.prepare(units));
    const results = preparedUnits ? units.map((u) => preparedUnits.get(u)!) : units.map((u) => u.value as unknown as Ready);
    results.forEach((result, i) => {
      if (isRejection(result)) rejected.push({ raw: units[i]!.raw, reason: result.rejected });
      else {
        ready.push(result);
        rawOf.set(result, units[i]!.raw);
      }
    });
    const reject = (item: Ready, reason: string) => {
      const raw = rawOf.get(item);
      if (!raw) throw new Error(`${stage.name}: reject() was given an item that is not in the batch`);
      rejected.push({ raw, reason });
    };
    const outgoing = ready.length > 0 ? await atStep('postgres', () => stage.write(db, ready, { loadDt, reject })) : [];
    return { outgoing, rejected };
  }

  /** One transaction: the stage's writes, then every dead letter of the batch. */
  private async writeInTransaction(
    batch: Pick<Batch, 'topic' | 'partition'>,
    contractRejected: RejectedMessage[],
    loadDt: Date,
    signal: AbortSignal,
    write: (db: PoolClient) => Promise<UnitsWritten>,
  ): Promise<BatchWritten> {
    return atStep('postgres', () =>
      inTransaction(
        this.deps.pool,
        async (db) => {
          const { outgoing, rejected } = await write(db);
          const all = [...contractRejected, ...rejected].sort((a, b) => compareOffsets(a.raw.offset, b.raw.offset));
          const deadLetters = toDeadLetters(this.stage.name, batch.topic, batch.partition, all, loadDt);
          await insertDeadLetters(db, deadLetters);
          this.crashAt('before-commit');
          return { outgoing, deadLetters, rejected: all };
        },
        { signal },
      ),
    );
  }

  /** Sends in order, in requests small enough for the broker (see message-chunks.ts); a failure fails the batch. */
  private async forward(outgoing: OutgoingMessage[], deadLetters: DeadLetter[]): Promise<void> {
    const all: Array<{ topic: string; key: string | null; value: string }> = [];
    const { outputTopic, deadLetterTopic } = this.options;
    if (outputTopic) for (const m of outgoing) all.push({ topic: outputTopic, key: m.key, value: JSON.stringify(m.value) });
    for (const letter of deadLetters)
      all.push({ topic: deadLetterTopic, key: letter.encoding === 'utf8' ? letter.key : null, value: deadLetterRecord(letter) });
    await sendInOrder(this.deps.producer, all);
  }

  private logDeadLetters(rejected: RejectedMessage[]): void {
    for (const { raw, reason } of rejected.slice(0, 5)) {
      this.log.warn({ offset: raw.offset, key: raw.key?.toString('utf8'), reason }, 'message dead-lettered');
    }
    if (rejected.length > 5) this.log.warn({ more: rejected.length - 5 }, 'more messages dead-lettered');
  }
}
