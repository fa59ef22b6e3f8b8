import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MessageMetrics } from './message-metrics.ts';

/** What the stage runner knows once a batch is committed. */
export interface ProcessedBatch {
  topic: string;
  partition: number;
  /** Messages in the batch, dead-lettered ones included. */
  messages: number;
  deadLetters: number;
  /** Messages acknowledged downstream, per topic. */
  produced: Array<{ topic: string; count: number }>;
  /** From fetch to offset commit. */
  seconds: number;
  /** The database transaction alone. */
  writeSeconds: number;
  /** The partition's high watermark when the batch was fetched, and the last offset processed. */
  highWatermark: string;
  lastOffset: string;
  /** Per message whose stage tells its event time: seconds from that time to the commit. */
  eventAgesSeconds?: readonly number[];
}

const BATCH_SIZE_BUCKETS = [1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10_000];
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Freshness spans milliseconds (idle pipeline) to many minutes (a backlog being worked off). */
export const FRESHNESS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
export const FRESHNESS_METRIC = 'dwh_freshness_seconds';

/** Messages whose partition has records beyond the last one processed: highWatermark - lastOffset - 1. */
export function partitionLag(highWatermark: string, lastOffset: string): number {
  const lag = BigInt(highWatermark) - BigInt(lastOffset) - 1n;
  return lag > 0n ? Number(lag) : 0;
}

/** The figures of a consuming service: throughput, batches, database writes, dead letters, lag. */
export class StageMetrics {
  readonly messages: MessageMetrics;
  private readonly batchSize: Histogram<'topic'>;
  private readonly batchDuration: Histogram<'topic'>;
  private readonly writeDuration: Histogram<'topic'>;
  private readonly deadLettersTotal: Counter<'topic'>;
  private readonly consumerLag: Gauge<'topic' | 'partition'>;
  private readonly freshness: Histogram<'topic'>;

  /** Without a registry the figures are kept but exposed nowhere (runners built outside a service). */
  constructor(registry: Registry = new Registry()) {
    const registers = [registry];
    this.messages = new MessageMetrics(registry);
    this.batchSize = new Histogram({
      name: 'dwh_batch_size',
      help: 'Messages per processed batch.',
      labelNames: ['topic'],
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'dwh_batch_duration_seconds',
      help: 'Time to process a batch: validate, prepare, write, forward, commit.',
      labelNames: ['topic'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.writeDuration = new Histogram({
      name: 'dwh_db_write_duration_seconds',
      help: "Time of a batch's database transaction (dead letters and the stage's writes).",
      labelNames: ['topic'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.deadLettersTotal = new Counter({ name: 'dwh_dead_letters_total', help: 'Messages dead-lettered, per input topic.', labelNames: ['topic'], registers });
    this.consumerLag = new Gauge({
      name: 'dwh_consumer_lag',
      help: 'Messages not yet processed in a partition this instance consumes, as of its last batch.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.freshness = new Histogram({
      name: FRESHNESS_METRIC,
      help: "Seconds from a message's event time (cdm: when the order was CLOSED) to the commit of the batch that processed it.",
      labelNames: ['topic'],
      buckets: FRESHNESS_BUCKETS,
      registers,
    });
  }

  batchProcessed(batch: ProcessedBatch): void {
    const { topic } = batch;
    this.messages.consumed(topic, batch.messages);
    for (const { topic: destination, count } of batch.produced) this.messages.produced(destination, count);
    if (batch.deadLetters > 0) this.deadLettersTotal.inc({ topic }, batch.deadLetters);
    this.batchSize.observe({ topic }, batch.messages);
    this.batchDuration.observe({ topic }, batch.seconds);
    this.writeDuration.observe({ topic }, batch.writeSeconds);
    this.consumerLag.set({ topic, partition: String(batch.partition) }, partitionLag(batch.highWatermark, batch.lastOffset));
    for (const age of batch.eventAgesSeconds ?? []) this.freshness.observe({ topic }, age);
  }

  batchFailed(topic: string, step: string, messages: number): void {
    this.messages.failed(topic, step, messages);
  }

  /** After a rebalance the partitions may belong to another instance: forget their lag. */
  partitionsReassigned(): void {
    this.consumerLag.reset();
  }
}
