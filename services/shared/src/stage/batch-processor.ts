// Batch processing, the half of the stage runner that knows nothing of consumer groups: one batch
// of one partition, validate → prepare → write (one transaction) → forward → commit, retried with
// backoff while it is held, each attempt within a deadline.
import type { Batch, Producer } from 'kafkajs';
import type pg from 'pg';
import type { PoolClient } from 'pg';
import { inTransaction } from '../clients/postgres.ts';
import type { Logger } from '../logger.ts';
import type { StageMetrics } from '../metrics/stage-metrics.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { CrashHook } from './crash-point.ts';
import { deadLetterRecord, insertDeadLetters, toDeadLetters, type DeadLetter } from './dead-letters.ts';
import { decodeBatch, type DecodedMessage, type RawMessage, type RejectedMessage } from './decode-batch.ts';
import { atStep, BatchStepError, classifyError, describeError, throwIfAbortedAt, type BatchStep } from './error-class.ts';
import { isolatePoison } from './isolate-poison.ts';
import { sendInOrder } from './message-chunks.ts';
import { inSavepoint } from './savepoint.ts';
import { isRejection, type OutgoingMessage, type Rejection, type StageDefinition } from './stage-definition.ts';

export interface BatchProcessorOptions {
  /** Where write()'s messages go; null for the last stage. */
  outputTopic: string | null;
  deadLetterTopic: string;
  /** Longest one attempt at a batch may take before it is abandoned and retried. */
  batchDeadlineMs: number;
  crashAt: CrashHook;
}

export interface BatchProcessorDeps {
  producer: Producer;
  pool: pg.Pool;
  log: Logger;
  metrics: StageMetrics;
}

/** What the consumer lends a batch while it is processed. */
export interface BatchControl {
  heartbeat(): Promise<void>;
  /** False once the consumer or the runner stops, or the partition moved to another instance. */
  stillOurs(): boolean;
  /** Commits the offset (the next one to read) for the batch's partition. */
  commit(offset: string): Promise<void>;
  /** Aborted when the runner stops: wakes the backoff sleep. */
  stopping: AbortSignal;
}

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

const compareOffsets = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

export class BatchProcessor<In, Ready> {
  /** The step failing right now and why, for /health; null once a batch went through. */
  failure: { step: BatchStep; error: string } | null = null;
  /** One controller per attempt in flight: aborted at its deadline, or when the runner stops. */
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly stage: StageDefinition<In, Ready>,
    private readonly deps: BatchProcessorDeps,
    private readonly options: BatchProcessorOptions,
  ) {}

  /** Abandons every attempt in flight (uncommitted: the group redelivers the batch). */
  abandonInFlight(reason: unknown): void {
    for (const attempt of this.inFlight) attempt.abort(reason);
  }

  /**
   * Runs a batch until it is done, retrying what failed for a transient reason with backoff while
   * the batch is held. Each attempt has a deadline: past it, the attempt is abandoned (its Postgres
   * connection destroyed, nothing committed) and retried. Returns false when the batch was given up
   * because the consumer is stopping or lost the partition: it will be redelivered.
   */
  async processWithRetry(batch: Batch, chunk: RawMessage[], control: BatchControl): Promise<boolean> {
    const { log, metrics } = this.deps;
    for (let attempt = 0; ; attempt++) {
      const deadline = new AbortController();
      this.inFlight.add(deadline);
      const timer = setTimeout(() => deadline.abort(new BatchDeadlineError(this.options.batchDeadlineMs)), this.options.batchDeadlineMs);
      try {
        await this.process(batch, chunk, deadline.signal, control.commit);
        if (this.failure) log.info({ step: this.failure.step }, 'recovered');
        this.failure = null;
        return true;
      } catch (error) {
        // Every await of an attempt is inside a step: what failed is tagged with it.
        const step = error instanceof BatchStepError ? error.step : 'postgres';
        // The step is named once, by /health (`postgres failing: …`), not again inside the reason.
        const reason = deadline.signal.aborted
          ? (deadline.signal.reason as Error).message
          : describeError(error instanceof BatchStepError ? error.cause : error);
        this.failure = { step, error: reason };
        metrics.batchFailed(batch.topic, step, chunk.length);
        const delay = backoffDelay(attempt);
        log.warn({ err: error, step, attempt, retryInMs: delay, topic: batch.topic, partition: batch.partition }, 'batch failed, will retry');
        await sleep(delay, control.stopping);
        if (!control.stillOurs()) return false;
        try {
          await control.heartbeat();
        } catch (heartbeatError) {
          log.warn({ err: heartbeatError }, 'heartbeat failed while retrying; the batch will be redelivered');
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
  private async process(batch: Batch, chunk: RawMessage[], signal: AbortSignal, commit: (offset: string) => Promise<void>): Promise<void> {
    const abandon = { signal, graceMs: ABANDON_GRACE_MS };
    const loadDt = new Date();
    const startedAt = performance.now();
    const { decoded, rejected } = decodeBatch(chunk, this.stage.contract);

    const writeStartedAt = performance.now();
    let prepared: PreparedUnits<In, Ready> | null = null;
    let written: BatchWritten;
    try {
      prepared = await atStep('prepare', () => this.prepare(decoded), abandon);
      written = await atStep(
        'postgres',
        () => this.writeInTransaction(batch, rejected, loadDt, signal, (db) => this.writeUnits(db, decoded, prepared, loadDt)),
        abandon,
      );
    } catch (error) {
      // An abandoned attempt's errors say nothing about the data.
      if (signal.aborted || classifyError(error) !== 'poison') throw error;
      this.deps.log.warn(
        { err: error, topic: batch.topic, partition: batch.partition, messages: decoded.length },
        'batch failed on its data; isolating the messages that cause it',
      );
      const alreadyPrepared = prepared;
      written = await atStep(
        'postgres',
        () =>
          this.writeInTransaction(batch, rejected, loadDt, signal, async (db) => {
            const isolated = await isolatePoison(decoded, (part) => inSavepoint(db, () => this.writeUnits(db, part, alreadyPrepared, loadDt)));
            return {
              outgoing: isolated.results.flatMap((r) => r.outgoing),
              rejected: [
                ...isolated.results.flatMap((r) => r.rejected),
                ...isolated.poisoned.map(({ unit, error: cause }) => ({ raw: unit.raw, reason: describeError(cause) })),
              ],
            };
          }),
        abandon,
      );
    }
    this.options.crashAt('after-commit');
    const writeSeconds = (performance.now() - writeStartedAt) / 1000;
    if (written.deadLetters.length > 0) this.logDeadLetters(written.rejected);

    throwIfAbortedAt('postgres', signal);
    await atStep('kafka', () => this.forward(written.outgoing, written.deadLetters), abandon);
    this.options.crashAt('after-produce');
    throwIfAbortedAt('kafka', signal);
    const last = chunk[chunk.length - 1]!;
    await atStep('kafka', () => commit((BigInt(last.offset) + 1n).toString()), abandon);
    this.deps.metrics.batchProcessed({
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
          this.options.crashAt('before-commit');
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
      this.deps.log.warn({ offset: raw.offset, key: raw.key?.toString('utf8'), reason }, 'message dead-lettered');
    }
    if (rejected.length > 5) this.deps.log.warn({ more: rejected.length - 5 }, 'more messages dead-lettered');
  }
}
