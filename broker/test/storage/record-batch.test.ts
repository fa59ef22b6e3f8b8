import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/storage/crc32c.ts';
import { CORRUPT_MESSAGE, INVALID_TXN_STATE, MESSAGE_TOO_LARGE, NONE, UNSUPPORTED_FOR_MESSAGE_FORMAT } from '../../src/storage/errors.ts';
import { CONTROL_FLAG, CRC_START, parseBatchHeader, validateRecordSet, writeBaseOffset } from '../../src/storage/record-batch.ts';
import { decodeRecordSet, encodeBatch, makeMessages } from './kafkajs-batches.ts';

/** Re-signs a batch after a deliberate edit inside the CRC-covered part. */
function recomputeCrc(buf: Buffer, pos = 0): void {
  const end = pos + 12 + buf.readInt32BE(pos + 8);
  buf.writeUInt32BE(crc32c(buf, pos + CRC_START, end), pos + 17);
}

describe('parseBatchHeader', () => {
  it('reads every field of a kafkajs-encoded idempotent batch', async () => {
    const buf = await encodeBatch(
      [
        { key: 'a', value: 'one', timestamp: 1_700_000_000_000 },
        { key: 'b', value: 'two', timestamp: 1_700_000_000_500 },
        { key: null, value: 'three', timestamp: 1_700_000_000_200 },
      ],
      { producerId: 42n, producerEpoch: 3, baseSequence: 17 },
    );
    const h = parseBatchHeader(buf, 0);
    expect(h).toMatchObject({
      position: 0,
      baseOffset: 0n,
      batchLength: buf.length - 12,
      magic: 2,
      crc: crc32c(buf, CRC_START),
      attributes: 0,
      lastOffsetDelta: 2,
      firstTimestamp: 1_700_000_000_000n,
      maxTimestamp: 1_700_000_000_500n,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 17,
      recordsCount: 3,
    });
  });
});

describe('validateRecordSet', () => {
  it('accepts several batches back to back, plain and gzip, and reports their positions', async () => {
    const first = await encodeBatch(makeMessages(4, 'plain'));
    const second = await encodeBatch(makeMessages(10, 'zipped', 200), { gzip: true });
    const result = validateRecordSet(Buffer.concat([first, second]));
    expect(result.errorCode).toBe(NONE);
    expect(result.batches.map((b) => [b.position, b.recordsCount, b.attributes & 7])).toEqual([
      [0, 4, 0],
      [first.length, 10, 1],
    ]);
  });

  it('keeps the CRC valid after the base offset is rewritten', async () => {
    const buf = await encodeBatch(makeMessages(3, 'x'));
    writeBaseOffset(buf, 0, 123_456_789_012n);
    expect(validateRecordSet(buf).errorCode).toBe(NONE);
    const { records } = await decodeRecordSet(buf);
    expect(records.map((r) => r.offset)).toEqual([123_456_789_012n, 123_456_789_013n, 123_456_789_014n]);
  });

  it('rejects a flipped byte with CORRUPT_MESSAGE', async () => {
    const buf = await encodeBatch(makeMessages(3, 'x'));
    buf[buf.length - 5] ^= 0x01;
    expect(validateRecordSet(buf).errorCode).toBe(CORRUPT_MESSAGE);
  });

  it('rejects short, overlong and trailing-garbage record sets with CORRUPT_MESSAGE', async () => {
    const buf = await encodeBatch(makeMessages(3, 'x'));
    expect(validateRecordSet(Buffer.alloc(0)).errorCode).toBe(CORRUPT_MESSAGE);
    expect(validateRecordSet(buf.subarray(0, buf.length - 1)).errorCode).toBe(CORRUPT_MESSAGE);
    expect(validateRecordSet(buf.subarray(0, 30)).errorCode).toBe(CORRUPT_MESSAGE);
    expect(validateRecordSet(Buffer.concat([buf, Buffer.from([1, 2, 3, 4, 5])])).errorCode).toBe(CORRUPT_MESSAGE);
    const overlong = Buffer.from(buf);
    overlong.writeInt32BE(buf.length, 8);
    expect(validateRecordSet(overlong).errorCode).toBe(CORRUPT_MESSAGE);
    const tooShortLength = Buffer.from(buf);
    tooShortLength.writeInt32BE(20, 8);
    expect(validateRecordSet(tooShortLength).errorCode).toBe(CORRUPT_MESSAGE);
  });

  it('rejects old message formats with UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    const buf = await encodeBatch(makeMessages(1, 'x'));
    buf[16] = 1;
    expect(validateRecordSet(buf).errorCode).toBe(UNSUPPORTED_FOR_MESSAGE_FORMAT);
  });

  it('rejects a records count that disagrees with lastOffsetDelta', async () => {
    const buf = await encodeBatch(makeMessages(3, 'x'));
    buf.writeInt32BE(2, 57);
    recomputeCrc(buf);
    expect(validateRecordSet(buf).errorCode).toBe(CORRUPT_MESSAGE);
  });

  it('rejects control batches and transactional batches', async () => {
    const control = await encodeBatch(makeMessages(1, 'x'));
    control.writeInt16BE(CONTROL_FLAG, 21);
    recomputeCrc(control);
    expect(validateRecordSet(control).errorCode).toBe(CORRUPT_MESSAGE);
    const transactional = await encodeBatch(makeMessages(1, 'x'), { producerId: 1n, transactional: true });
    expect(validateRecordSet(transactional).errorCode).toBe(INVALID_TXN_STATE);
  });

  it('rejects an idempotent batch without a sequence', async () => {
    const buf = await encodeBatch(makeMessages(1, 'x'), { producerId: 5n, baseSequence: -1 });
    expect(validateRecordSet(buf).errorCode).toBe(CORRUPT_MESSAGE);
  });

  it('rejects a batch larger than maxBatchBytes with MESSAGE_TOO_LARGE', async () => {
    const buf = await encodeBatch(makeMessages(5, 'x', 100));
    expect(validateRecordSet(buf, buf.length).errorCode).toBe(NONE);
    expect(validateRecordSet(buf, buf.length - 1).errorCode).toBe(MESSAGE_TOO_LARGE);
  });
});
