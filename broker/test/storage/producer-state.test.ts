import { describe, expect, it } from 'vitest';
import { INVALID_PRODUCER_EPOCH, NONE, OUT_OF_ORDER_SEQUENCE_NUMBER } from '../../src/storage/errors.ts';
import { MAX_TRACKED_BATCHES, checkSequence, incrementSequence, withBatch, type ProducerEntry } from '../../src/storage/producer-state.ts';

const INT32_MAX = 2 ** 31 - 1;

function entryWithBatches(epoch: number, count: number, recordsPerBatch: number): ProducerEntry {
  let entry: ProducerEntry | undefined;
  for (let i = 0; i < count; i++) {
    const first = i * recordsPerBatch;
    entry = withBatch(entry, epoch, {
      firstSequence: first,
      lastSequence: first + recordsPerBatch - 1,
      firstOffset: 1000 + first,
      lastOffset: 1000 + first + recordsPerBatch - 1,
    });
  }
  return entry!;
}

describe('incrementSequence', () => {
  it('adds, and wraps past int32 max to 0', () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(INT32_MAX, 1)).toBe(0);
    expect(incrementSequence(INT32_MAX - 1, 3)).toBe(1);
  });
});

describe('checkSequence', () => {
  it('lets an unknown producer start at any sequence', () => {
    expect(checkSequence(undefined, 0, 12345, 12349)).toEqual({ errorCode: NONE, duplicateOf: null });
  });

  it('accepts the next sequence and rejects a gap', () => {
    const entry = entryWithBatches(2, 3, 10); // sequences 0..29
    expect(checkSequence(entry, 2, 30, 39).errorCode).toBe(NONE);
    expect(checkSequence(entry, 2, 31, 40).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(checkSequence(entry, 2, 25, 34).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('recognises a retry of any of the last five batches and returns its offsets', () => {
    const entry = entryWithBatches(0, 8, 10); // batches 0..7; only 3..7 are remembered
    expect(entry.batches).toHaveLength(MAX_TRACKED_BATCHES);
    expect(checkSequence(entry, 0, 70, 79).duplicateOf?.firstOffset).toBe(1070);
    expect(checkSequence(entry, 0, 30, 39).duplicateOf?.firstOffset).toBe(1030);
    expect(checkSequence(entry, 0, 20, 29)).toEqual({ errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER, duplicateOf: null });
  });

  it('fences an older epoch and requires sequence 0 for a newer one', () => {
    const entry = entryWithBatches(3, 1, 5);
    expect(checkSequence(entry, 2, 5, 5).errorCode).toBe(INVALID_PRODUCER_EPOCH);
    expect(checkSequence(entry, 4, 5, 5).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(checkSequence(entry, 4, 0, 4)).toEqual({ errorCode: NONE, duplicateOf: null });
  });

  it('expects the sequence after int32 max to be 0', () => {
    const entry = withBatch(undefined, 0, {
      firstSequence: INT32_MAX - 1,
      lastSequence: INT32_MAX,
      firstOffset: 0,
      lastOffset: 1,
    });
    expect(checkSequence(entry, 0, 0, 9).errorCode).toBe(NONE);
    expect(checkSequence(entry, 0, INT32_MAX, 8).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('forgets the old epoch batches when the epoch changes', () => {
    const entry = entryWithBatches(1, 3, 10);
    const bumped = withBatch(entry, 2, { firstSequence: 0, lastSequence: 0, firstOffset: 5000, lastOffset: 5000 });
    expect(bumped).toEqual({ epoch: 2, batches: [{ firstSequence: 0, lastSequence: 0, firstOffset: 5000, lastOffset: 5000 }] });
    expect(entry.batches).toHaveLength(3);
  });
});
