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

export interface StageContext {
  /** One load timestamp for every row written by this batch, in every table. */
  loadDt: Date;
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
   * may hold several events of the same order, in their topic order.
   */
  write(db: PoolClient, items: Ready[], ctx: StageContext): Promise<OutgoingMessage[]>;
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'rejected' in value;
}
