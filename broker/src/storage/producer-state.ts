/**
 * Idempotent-producer bookkeeping for one partition, following Kafka's ProducerStateManager:
 * per producer id, its epoch and the last few batches appended (sequence range and offsets),
 * so that a retried batch is recognised and acknowledged with its original offset.
 */
import { INVALID_PRODUCER_EPOCH, NONE, OUT_OF_ORDER_SEQUENCE_NUMBER } from './errors.ts';

/** Kafka remembers the last 5 batches per producer (max.in.flight.requests for idempotence). */
export const MAX_TRACKED_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

export interface ProducerBatch {
  firstSequence: number;
  lastSequence: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most MAX_TRACKED_BATCHES. */
  batches: ProducerBatch[];
}

export type SequenceCheck =
  | { errorCode: typeof NONE; duplicateOf: null }
  | { errorCode: typeof NONE; duplicateOf: ProducerBatch }
  | { errorCode: number; duplicateOf: null };

/** sequence + increment, wrapping past int32 max to 0 like Kafka's DefaultRecordBatch.incrementSequence. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

const OK: SequenceCheck = { errorCode: NONE, duplicateOf: null };

/**
 * Decides what to do with a batch from an idempotent producer given what is known of it
 * (undefined: an unknown producer, e.g. its state was lost to retention; any sequence goes).
 */
export function checkSequence(entry: ProducerEntry | undefined, epoch: number, firstSequence: number, lastSequence: number): SequenceCheck {
  if (entry === undefined) return OK;
  if (epoch < entry.epoch) return { errorCode: INVALID_PRODUCER_EPOCH, duplicateOf: null };
  if (epoch > entry.epoch) {
    return firstSequence === 0 ? OK : { errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER, duplicateOf: null };
  }
  for (const batch of entry.batches) {
    if (batch.firstSequence === firstSequence && batch.lastSequence === lastSequence) {
      return { errorCode: NONE, duplicateOf: batch };
    }
  }
  const last = entry.batches[entry.batches.length - 1];
  const expected = last === undefined ? 0 : incrementSequence(last.lastSequence, 1);
  return firstSequence === expected ? OK : { errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER, duplicateOf: null };
}

/** The entry after appending a batch (a new object; the old one is left untouched). */
export function withBatch(entry: ProducerEntry | undefined, epoch: number, batch: ProducerBatch): ProducerEntry {
  const kept = entry === undefined || entry.epoch !== epoch ? [] : entry.batches;
  const batches = kept.length >= MAX_TRACKED_BATCHES ? kept.slice(kept.length - MAX_TRACKED_BATCHES + 1) : kept.slice();
  batches.push(batch);
  return { epoch, batches };
}
