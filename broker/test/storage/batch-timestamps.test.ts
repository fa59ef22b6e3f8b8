import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/storage/crc32c.ts';
import { searchBatchForTimestamp } from '../../src/storage/batch-timestamps.ts';
import { CRC_OFFSET, CRC_START, TIMESTAMP_TYPE_FLAG } from '../../src/storage/record-batch.ts';
import { encodeBatch } from './kafkajs-batches.ts';

/** A batch of records with these timestamps, its base offset set to `baseOffset`. */
async function batchAt(timestamps: number[], baseOffset: bigint, gzip = false): Promise<Buffer> {
  const batch = await encodeBatch(
    timestamps.map((timestamp, i) => ({ key: `k${i}`, value: `v${i}`.repeat(20), timestamp })),
    { gzip },
  );
  batch.writeBigInt64BE(baseOffset, 0);
  return batch;
}

/** The same batch with other attributes (and its CRC made valid again). */
function withAttributes(batch: Buffer, attributes: number): Buffer {
  const copy = Buffer.from(batch);
  copy.writeInt16BE(attributes, 21);
  copy.writeUInt32BE(crc32c(copy, CRC_START, copy.length), CRC_OFFSET);
  return copy;
}

describe('searchBatchForTimestamp', () => {
  it.each([false, true])('finds the first record, in offset order, at or after the time (gzip: %s)', async (gzip) => {
    const batch = await batchAt([1000, 3000, 2000, 4000], 50n, gzip);
    expect(searchBatchForTimestamp(batch, 0n)).toEqual({ offset: 50n, timestamp: 1000n });
    expect(searchBatchForTimestamp(batch, 1001n)).toEqual({ offset: 51n, timestamp: 3000n });
    expect(searchBatchForTimestamp(batch, 2000n)).toEqual({ offset: 51n, timestamp: 3000n });
    expect(searchBatchForTimestamp(batch, 3001n)).toEqual({ offset: 53n, timestamp: 4000n });
    expect(searchBatchForTimestamp(batch, 4001n)).toBeNull();
  });

  it('answers every LogAppendTime record with the batch time', async () => {
    const batch = withAttributes(await batchAt([1000, 2000], 7n), TIMESTAMP_TYPE_FLAG);
    expect(searchBatchForTimestamp(batch, 1500n)).toEqual({ offset: 7n, timestamp: 2000n });
  });

  it('answers a batch it cannot inflate (snappy, lz4, zstd) with its first offset and first time', async () => {
    const zstd = withAttributes(await batchAt([1000, 2000, 3000], 9n), 4);
    expect(searchBatchForTimestamp(zstd, 2500n)).toEqual({ offset: 9n, timestamp: 1000n });
    expect(searchBatchForTimestamp(zstd, 3001n)).toBeNull();
  });
});
