/**
 * Real record batches for the tests, encoded and decoded by kafkajs's own protocol code
 * (the same calls its Produce v3 request and Fetch decoder make).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers: Record<string, Buffer>;
}
interface KafkajsBatch {
  firstOffset: string;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  records: KafkajsRecord[];
}

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: Record<string, unknown>) => Promise<KafkajsEncoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: Record<string, unknown>) => KafkajsEncoder;
const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<KafkajsBatch>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (
  buf: Buffer,
) => {
  canReadBytes(n: number): boolean;
};
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: bigint | number): unknown };
const { Types: CompressionTypes } = require('kafkajs/src/protocol/message/compression/index.js') as {
  Types: { None: number; GZIP: number };
};

export interface TestMessage {
  key: string | null;
  value: string;
  timestamp?: number;
}

export interface BatchOptions {
  gzip?: boolean;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
}

/** One v2 batch exactly as kafkajs's Produce v3 request encodes a partition's messages. */
export async function encodeBatch(messages: TestMessage[], opts: BatchOptions = {}): Promise<Buffer> {
  const now = Date.now();
  const timestamps = messages.map((m) => m.timestamp ?? now);
  const firstTimestamp = Math.min(...timestamps);
  const maxTimestamp = Math.max(...timestamps);
  const records = messages.map((m, i) =>
    Record({
      key: m.key === null ? null : Buffer.from(m.key),
      value: Buffer.from(m.value),
      offsetDelta: i,
      timestampDelta: timestamps[i] - firstTimestamp,
    }),
  );
  const batch = await RecordBatch({
    compression: opts.gzip ? CompressionTypes.GZIP : CompressionTypes.None,
    records,
    firstTimestamp,
    maxTimestamp,
    producerId: Long.fromValue(opts.producerId ?? -1n),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.baseSequence ?? 0,
    transactional: opts.transactional ?? false,
    lastOffsetDelta: records.length - 1,
  });
  return Buffer.from(batch.buffer);
}

export function makeMessages(count: number, prefix: string, valueBytes = 0): TestMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-key-${i}`,
    value: `${prefix}-value-${i}`.padEnd(valueBytes, '.'),
  }));
}

export interface DecodedRecord {
  offset: bigint;
  key: string | null;
  value: string | null;
  timestamp: bigint;
}

/** Decodes every batch in a fetched record set with kafkajs (which throws on a partial batch). */
export async function decodeRecordSet(buf: Buffer): Promise<{ batches: KafkajsBatch[]; records: DecodedRecord[] }> {
  const decoder = new Decoder(buf);
  const batches: KafkajsBatch[] = [];
  while (decoder.canReadBytes(1)) batches.push(await RecordBatchDecoder(decoder));
  const records = batches.flatMap((b) =>
    b.records.map((r) => ({
      offset: BigInt(r.offset),
      key: r.key === null ? null : r.key.toString(),
      value: r.value === null ? null : r.value.toString(),
      timestamp: BigInt(r.timestamp),
    })),
  );
  return { batches, records };
}
