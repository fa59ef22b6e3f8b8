/**
 * Record batch v2 (magic 2) headers: parsing, validation of a Produce record set, and the
 * one in-place rewrite the broker does (baseOffset and partitionLeaderEpoch, outside the CRC).
 *
 *   0  baseOffset int64          | 27 firstTimestamp int64
 *   8  batchLength int32         | 35 maxTimestamp int64
 *  12  partitionLeaderEpoch int32| 43 producerId int64
 *  16  magic int8                | 51 producerEpoch int16
 *  17  crc uint32 (CRC-32C of    | 53 baseSequence int32
 *      bytes 21 .. end)          | 57 recordsCount int32
 *  21  attributes int16          | 61 records...
 *  23  lastOffsetDelta int32     |
 */
import { crc32c } from './crc32c.ts';
import { CORRUPT_MESSAGE, INVALID_TXN_STATE, MESSAGE_TOO_LARGE, NONE, UNSUPPORTED_FOR_MESSAGE_FORMAT } from './errors.ts';

/** baseOffset + batchLength: the bytes not counted in batchLength. */
export const LOG_OVERHEAD = 12;
/** Size of the whole v2 header, up to and including recordsCount. */
export const BATCH_HEADER_SIZE = 61;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
/** First byte covered by the CRC (attributes). */
export const CRC_START = 21;
export const CURRENT_MAGIC = 2;
/** Kafka's default message.max.bytes: the largest batch accepted, framing included. */
export const DEFAULT_MAX_BATCH_BYTES = 1_048_588;

const COMPRESSION_MASK = 0x07;
const MAX_COMPRESSION_CODEC = 4; // zstd
export const TIMESTAMP_TYPE_FLAG = 0x08;
export const TRANSACTIONAL_FLAG = 0x10;
export const CONTROL_FLAG = 0x20;

export interface BatchHeader {
  /** Position of the batch's first byte in the buffer it was parsed from. */
  position: number;
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  firstTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Bytes the batch occupies in a log, framing included. */
export function batchSize(header: BatchHeader): number {
  return LOG_OVERHEAD + header.batchLength;
}

/** Reads the header of the batch at pos; the caller guarantees BATCH_HEADER_SIZE bytes are there. */
export function parseBatchHeader(buf: Buffer, pos: number): BatchHeader {
  return {
    position: pos,
    baseOffset: buf.readBigInt64BE(pos),
    batchLength: buf.readInt32BE(pos + 8),
    partitionLeaderEpoch: buf.readInt32BE(pos + 12),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    firstTimestamp: buf.readBigInt64BE(pos + 27),
    maxTimestamp: buf.readBigInt64BE(pos + 35),
    producerId: buf.readBigInt64BE(pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordsCount: buf.readInt32BE(pos + 57),
  };
}

/**
 * Checks the framing and CRC of the batch at pos without trusting anything else about it.
 * Returns the batch's total size, or -1 if the bytes are not a whole valid v2 batch
 * (recovery uses this to find where a torn or corrupt log tail starts).
 */
export function checkBatchFraming(buf: Buffer, pos: number, end = buf.length): number {
  if (end - pos < BATCH_HEADER_SIZE) return -1;
  if (buf[pos + MAGIC_OFFSET] !== CURRENT_MAGIC) return -1;
  const batchLength = buf.readInt32BE(pos + 8);
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return -1;
  const size = LOG_OVERHEAD + batchLength;
  if (size > end - pos) return -1;
  if (crc32c(buf, pos + CRC_START, pos + size) !== buf.readUInt32BE(pos + CRC_OFFSET)) return -1;
  return size;
}

export interface RecordSetValidation {
  errorCode: number;
  /** The batches in order; empty when errorCode is not 0. */
  batches: BatchHeader[];
}

function invalid(errorCode: number): RecordSetValidation {
  return { errorCode, batches: [] };
}

/**
 * Validates a Produce record set (one or more v2 batches back to back) the way a Kafka broker
 * does for a client: whole batches only, magic 2, CRC, a consistent record count, no control
 * batches, no transactions. Work is per batch; records are never looked at.
 */
export function validateRecordSet(buf: Buffer, maxBatchBytes = DEFAULT_MAX_BATCH_BYTES): RecordSetValidation {
  if (buf.length === 0) return invalid(CORRUPT_MESSAGE);
  const batches: BatchHeader[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    // Every message format keeps its magic byte at offset 16.
    if (remaining <= MAGIC_OFFSET) return invalid(CORRUPT_MESSAGE);
    if (buf[pos + MAGIC_OFFSET] !== CURRENT_MAGIC) return invalid(UNSUPPORTED_FOR_MESSAGE_FORMAT);
    if (remaining < BATCH_HEADER_SIZE) return invalid(CORRUPT_MESSAGE);
    const batchLength = buf.readInt32BE(pos + 8);
    if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return invalid(CORRUPT_MESSAGE);
    const size = LOG_OVERHEAD + batchLength;
    if (size > remaining) return invalid(CORRUPT_MESSAGE);
    if (size > maxBatchBytes) return invalid(MESSAGE_TOO_LARGE);
    if (crc32c(buf, pos + CRC_START, pos + size) !== buf.readUInt32BE(pos + CRC_OFFSET)) {
      return invalid(CORRUPT_MESSAGE);
    }
    const header = parseBatchHeader(buf, pos);
    if (header.lastOffsetDelta < 0 || header.recordsCount !== header.lastOffsetDelta + 1) {
      return invalid(CORRUPT_MESSAGE);
    }
    if ((header.attributes & COMPRESSION_MASK) > MAX_COMPRESSION_CODEC) return invalid(CORRUPT_MESSAGE);
    if (header.attributes & CONTROL_FLAG) return invalid(CORRUPT_MESSAGE);
    if (header.attributes & TRANSACTIONAL_FLAG) return invalid(INVALID_TXN_STATE);
    if (header.producerId >= 0n && header.baseSequence < 0) return invalid(CORRUPT_MESSAGE);
    batches.push(header);
    pos += size;
  }
  return { errorCode: NONE, batches };
}

export function writeBaseOffset(buf: Buffer, pos: number, offset: bigint): void {
  buf.writeBigInt64BE(offset, pos);
}

export function writePartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + 12);
}
