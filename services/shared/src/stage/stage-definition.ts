import type { PoolClient } from 'pg';
import type { Contract } from '../contracts/validate.ts';

/** A message to forward downstream; the key keeps all events of one order in one partition. */
export interface OutgoingMessage {
  key: string;
  value: unknown;
}

/** A message that cannot be processed: it goes to the dead letters with this reason. */
export interface Rejection {
  rejected: string;
}

export interface StageContext<Ready = unknown> {
  /** One load timestamp for every row written by this batch, in every table. */
  loadDt: Date;
  /**
   * Sends an item to the dead letters with this reason, in the same transaction, instead of
   * letting it count (e.g. cdm refusing an order the vault does not hold). Forward nothing for it.
   */
  reject(item: Ready, reason: string): void;
}

/**
 * What a service contributes to the shared stage runner (consume → validate → prepare → write →
 * forward → commit). The runner owns Kafka, transactions, dead letters and offsets.
 */
export interface StageDefinition<In, Ready = In> {
  /** Service name (stg, dds, cdm): consumer group, logs, dead-letter rows. */
  name: string;
  contract: Contract<In>;
  /** Optional I/O before the write (e.g. Redis enrichment); one result per input, same order. */
  prepare?(messages: In[]): Promise<Array<Ready | Rejection>>;
  /**
   * Writes the batch inside the runner's transaction, with multi-row statements, and returns the
   * messages to forward downstream. Must be idempotent: a replayed batch changes nothing. A batch
   * may hold several events of the same order, in their topic order. A Postgres data error or a
   * TypeError/RangeError thrown here is taken as caused by some item: the runner finds it by
   * bisection and dead-letters it (see error-class.ts); any other error holds the batch for a retry.
   */
  write(db: PoolClient, items: Ready[], ctx: StageContext<Ready>): Promise<OutgoingMessage[]>;
  /**
   * When what a message tells happened (cdm: when the order was CLOSED), if it says. The runner
   * records each one's age as its batch commits (dwh_freshness_seconds): how fresh this layer is.
   */
  eventTime?(message: In): string | undefined;
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'rejected' in value;
}

/** A context for calling a stage's write outside the runner (tests, benchmarks): rejections are kept in `rejected`. */
export function collectingContext<Ready>(loadDt: Date): StageContext<Ready> & { rejected: Array<{ item: Ready; reason: string }> } {
  const rejected: Array<{ item: Ready; reason: string }> = [];
  return { loadDt, rejected, reject: (item, reason) => void rejected.push({ item, reason }) };
}
