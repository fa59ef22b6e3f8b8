/**
 * Kafka's search for a time inside one record batch (FileRecords.searchForTimestamp): the first
 * record, in offset order, whose timestamp is at least the target. Only this look-up reads
 * records; everything else handles batches by their header.
 *
 * Record (inside the batch, after the 61-byte header, compressed or not):
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint | key, value, headers...
 */
import { gunzipSync } from 'node:zlib';
import { Reader } from '../protocol/codec.ts';
import { BATCH_HEADER_SIZE, TIMESTAMP_TYPE_FLAG, parseBatchHeader } from './record-batch.ts';

export interface TimestampAndOffset {
  offset: bigint;
  timestamp: bigint;
}

const COMPRESSION_MASK = 0x07;
const NO_COMPRESSION = 0;
const GZIP = 1;

/**
 * The records of a batch, uncompressed; null for snappy, lz4 and zstd, which Node cannot inflate
 * without a dependency.
 */
function recordBytes(batch: Buffer, attributes: number): Buffer | null {
  const records = batch.subarray(BATCH_HEADER_SIZE);
  switch (attributes & COMPRESSION_MASK) {
    case NO_COMPRESSION:
      return records;
    case GZIP:
      return gunzipSync(records);
    default:
      return null;
  }
}

/**
 * The first record of `batch` (one whole batch, as stored) with a timestamp >= target, or null
 * when it has none. In a batch whose codec cannot be read here the answer is the batch's first
 * offset and first timestamp: a consumer seeking there re-reads a few earlier records of the
 * batch, never skips one.
 */
export function searchBatchForTimestamp(batch: Buffer, target: bigint): TimestampAndOffset | null {
  const header = parseBatchHeader(batch, 0);
  if (header.maxTimestamp < target) return null;
  if (header.attributes & TIMESTAMP_TYPE_FLAG) return { offset: header.baseOffset, timestamp: header.maxTimestamp }; // LogAppendTime: every record has maxTimestamp
  const records = recordBytes(batch, header.attributes);
  if (records === null) return { offset: header.baseOffset, timestamp: header.firstTimestamp };
  const r = new Reader(records);
  for (let i = 0; i < header.recordsCount; i++) {
    const length = r.varint();
    const start = r.position;
    r.int8(); // attributes
    const timestamp = header.firstTimestamp + r.varlong();
    const offsetDelta = r.varint();
    if (timestamp >= target) return { offset: header.baseOffset + BigInt(offsetDelta), timestamp };
    r.raw(length - (r.position - start));
  }
  return null;
}
