import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CORRUPT_MESSAGE,
  INVALID_PRODUCER_EPOCH,
  NONE,
  OFFSET_OUT_OF_RANGE,
  OUT_OF_ORDER_SEQUENCE_NUMBER,
  UNKNOWN_TOPIC_OR_PARTITION,
} from '../../src/storage/errors.ts';
import { PartitionLog } from '../../src/storage/partition-log.ts';
import { decodeRecordSet, encodeBatch, makeMessages, type TestMessage } from './kafkajs-batches.ts';
import { makeTempDir } from './temp-dir.ts';

let tmp: { dir: string; remove: () => void };
let logDir: string;
const openLogs: PartitionLog[] = [];

function open(opts: Parameters<typeof PartitionLog.open>[1] = {}): PartitionLog {
  const log = PartitionLog.open(logDir, opts);
  openLogs.push(log);
  return log;
}

function segmentFiles(): string[] {
  return fs
    .readdirSync(logDir)
    .filter((f) => f.endsWith('.log'))
    .sort();
}

function lastSegmentPath(): string {
  return path.join(logDir, segmentFiles().at(-1)!);
}

async function readAll(log: PartitionLog, from: bigint) {
  const all = [];
  let offset = from;
  while (offset < log.highWatermark) {
    const { errorCode, records } = log.read(offset, 64 * 1024);
    expect(errorCode).toBe(NONE);
    const decoded = await decodeRecordSet(records!);
    const fresh = decoded.records.filter((r) => r.offset >= offset);
    all.push(...fresh);
    offset = fresh.at(-1)!.offset + 1n;
  }
  return all;
}

beforeEach(() => {
  tmp = makeTempDir('plog');
  logDir = path.join(tmp.dir, 'orders-0');
});

afterEach(() => {
  for (const log of openLogs.splice(0)) log.close();
  tmp.remove();
});

describe('PartitionLog append and read', () => {
  it('assigns consecutive offsets and reads back what kafkajs decodes as the same records', async () => {
    const log = open();
    expect(log.highWatermark).toBe(0n);
    const sets: TestMessage[][] = [makeMessages(4, 'a'), makeMessages(10, 'b', 300), makeMessages(1, 'c')];
    const bases = [];
    for (const [i, messages] of sets.entries()) {
      const result = log.append(await encodeBatch(messages, { gzip: i === 1 }));
      expect(result.errorCode).toBe(NONE);
      expect(result.logAppendTime).toBe(-1n);
      bases.push(result.baseOffset);
    }
    expect(bases).toEqual([0n, 4n, 14n]);
    expect(log.highWatermark).toBe(15n);
    expect(log.logStartOffset).toBe(0n);

    const { errorCode, records } = log.read(0n, 1024 * 1024);
    expect(errorCode).toBe(NONE);
    const decoded = await decodeRecordSet(records!);
    expect(decoded.batches.map((b) => b.firstOffset)).toEqual(['0', '4', '14']);
    expect(decoded.records.map((r) => r.offset)).toEqual(Array.from({ length: 15 }, (_, i) => BigInt(i)));
    expect(decoded.records.map((r) => [r.key, r.value])).toEqual(sets.flat().map((m) => [m.key, m.value]));
  });

  it('appends a record set holding several batches in one call', async () => {
    const log = open();
    log.append(await encodeBatch(makeMessages(2, 'first')));
    const set = Buffer.concat([await encodeBatch(makeMessages(3, 'x')), await encodeBatch(makeMessages(5, 'y'), { gzip: true })]);
    expect(log.append(set)).toMatchObject({ errorCode: NONE, baseOffset: 2n });
    expect(log.highWatermark).toBe(10n);
    const decoded = await decodeRecordSet(log.read(2n, 1 << 20).records!);
    expect(decoded.batches.map((b) => b.firstOffset)).toEqual(['2', '5']);
    expect(decoded.records.map((r) => r.value)).toEqual([...makeMessages(3, 'x'), ...makeMessages(5, 'y')].map((m) => m.value));
  });

  it('fetching from the middle of a batch returns that whole batch first', async () => {
    const log = open();
    for (const prefix of ['p', 'q', 'r']) log.append(await encodeBatch(makeMessages(10, prefix)));
    const decoded = await decodeRecordSet(log.read(15n, 1 << 20).records!);
    expect(decoded.batches[0].firstOffset).toBe('10');
    expect(decoded.records[0]).toMatchObject({ offset: 10n, value: 'q-value-0' });
    expect(decoded.records.at(-1)!.offset).toBe(29n);
    // the very last offset too
    expect((await decodeRecordSet(log.read(29n, 1 << 20).records!)).batches.map((b) => b.firstOffset)).toEqual(['20']);
  });

  it('returns at least one whole batch even if it exceeds maxBytes, and otherwise only what fits', async () => {
    const log = open();
    const sizes = [];
    for (let i = 0; i < 4; i++) {
      const batch = await encodeBatch(makeMessages(5, `m${i}`, 100));
      sizes.push(batch.length);
      log.append(batch);
    }
    expect(log.read(0n, 1).records!.length).toBe(sizes[0]);
    expect(log.read(0n, 0).records!.length).toBe(sizes[0]);
    expect(log.read(0n, sizes[0] + sizes[1]).records!.length).toBe(sizes[0] + sizes[1]);
    expect(log.read(0n, sizes[0] + sizes[1] - 1).records!.length).toBe(sizes[0]);
    expect(log.read(5n, 1 << 20).records!.length).toBe(sizes[1] + sizes[2] + sizes[3]);
  });

  it('answers OFFSET_OUT_OF_RANGE outside [logStartOffset, highWatermark] and nothing at the high watermark', async () => {
    const log = open();
    expect(log.read(0n, 100)).toEqual({ errorCode: NONE, records: null });
    expect(log.read(1n, 100)).toEqual({ errorCode: OFFSET_OUT_OF_RANGE, records: null });
    log.append(await encodeBatch(makeMessages(3, 'x')));
    expect(log.read(3n, 100)).toEqual({ errorCode: NONE, records: null });
    expect(log.read(4n, 100).errorCode).toBe(OFFSET_OUT_OF_RANGE);
    expect(log.read(-1n, 100).errorCode).toBe(OFFSET_OUT_OF_RANGE);
  });

  it('rejects a corrupted batch and writes nothing', async () => {
    const log = open();
    log.append(await encodeBatch(makeMessages(2, 'ok')));
    const sizeBefore = fs.statSync(lastSegmentPath()).size;
    const bad = await encodeBatch(makeMessages(2, 'bad'));
    bad[bad.length - 3] ^= 0xff;
    expect(log.append(bad)).toEqual({ errorCode: CORRUPT_MESSAGE, baseOffset: -1n, logAppendTime: -1n });
    expect(log.highWatermark).toBe(2n);
    expect(fs.statSync(lastSegmentPath()).size).toBe(sizeBefore);
  });

  it('finds the first record at or after a time, inside its batch, as Kafka does', async () => {
    const log = open();
    const at = (t: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: null, value: `v${t}-${i}`, timestamp: t + i }));
    log.append(await encodeBatch(at(1000, 3))); // offsets 0-2, ts 1000-1002
    log.append(await encodeBatch(at(2000, 2))); // offsets 3-4, ts 2000-2001
    log.append(await encodeBatch(at(1500, 2))); // offsets 5-6, ts 1500-1501 (out of order)
    log.append(await encodeBatch(at(3000, 4), { gzip: true })); // offsets 7-10, ts 3000-3003
    const found = (t: bigint) => log.findOffsetByTimestamp(t);
    expect(found(0n)).toEqual({ offset: 0n, timestamp: 1000n });
    expect(found(1001n)).toEqual({ offset: 1n, timestamp: 1001n });
    expect(found(1002n)).toEqual({ offset: 2n, timestamp: 1002n });
    // Offset order wins over time order: 2000 at offset 3 comes before 1500 at offset 5.
    expect(found(1003n)).toEqual({ offset: 3n, timestamp: 2000n });
    expect(found(2001n)).toEqual({ offset: 4n, timestamp: 2001n });
    expect(found(3002n)).toEqual({ offset: 9n, timestamp: 3002n });
    expect(found(3004n)).toBeNull();
  });

  it('refuses appends and reads once closed, and destroy removes the files', async () => {
    const log = open();
    log.append(await encodeBatch(makeMessages(1, 'x')));
    log.close();
    expect(log.append(await encodeBatch(makeMessages(1, 'y'))).errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    expect(log.read(0n, 100).errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    const other = PartitionLog.open(logDir);
    other.destroy();
    expect(fs.existsSync(logDir)).toBe(false);
  });
});

describe('PartitionLog segments and retention', () => {
  it('rolls segments at segmentBytes and keeps reading across them', async () => {
    const log = open({ segmentBytes: 3000 });
    for (let i = 0; i < 20; i++) log.append(await encodeBatch(makeMessages(5, `s${i}`, 100)));
    expect(segmentFiles().length).toBeGreaterThanOrEqual(5);
    for (const file of segmentFiles()) expect(fs.statSync(path.join(logDir, file)).size).toBeLessThanOrEqual(3000);
    // each segment file is named after its first offset
    for (const file of segmentFiles().slice(0, -1)) {
      const base = BigInt(file.slice(0, 20));
      const decoded = await decodeRecordSet(fs.readFileSync(path.join(logDir, file)));
      expect(decoded.batches[0].firstOffset).toBe(base.toString());
    }
    const all = await readAll(log, 0n);
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
  });

  it('deletes oldest segments beyond retentionBytes, advancing logStartOffset, also after reopen', async () => {
    const log = open({ segmentBytes: 3000, retentionBytes: 6000 });
    for (let i = 0; i < 30; i++) log.append(await encodeBatch(makeMessages(5, `s${i}`, 100)));
    const start = log.logStartOffset;
    expect(start).toBeGreaterThan(0n);
    expect(segmentFiles()[0]).toBe(`${start.toString().padStart(20, '0')}.log`);
    const total = segmentFiles().reduce((sum, f) => sum + fs.statSync(path.join(logDir, f)).size, 0);
    expect(total).toBeGreaterThanOrEqual(6000);
    expect(total).toBeLessThan(6000 + 3000);
    expect(log.sizeInBytes).toBe(total);
    expect(log.read(start - 1n, 100).errorCode).toBe(OFFSET_OUT_OF_RANGE);
    expect(log.findOffsetByTimestamp(0n)?.offset).toBe(start);
    expect((await readAll(log, start))[0].offset).toBe(start);
    log.close();

    const reopened = open({ segmentBytes: 3000, retentionBytes: 6000 });
    expect(reopened.logStartOffset).toBe(start);
    expect(reopened.highWatermark).toBe(150n);
  });

  it('applies a smaller retention on open', async () => {
    const log = open({ segmentBytes: 3000 });
    for (let i = 0; i < 20; i++) log.append(await encodeBatch(makeMessages(5, `s${i}`, 100)));
    log.close();
    const reopened = open({ segmentBytes: 3000, retentionBytes: 1 });
    expect(segmentFiles()).toHaveLength(1);
    expect(reopened.logStartOffset).toBe(BigInt(segmentFiles()[0].slice(0, 20)));
    expect(reopened.highWatermark).toBe(100n);
  });
});

describe('PartitionLog recovery', () => {
  it('reopening keeps the data and the high watermark, and appends continue', async () => {
    const log = open({ fsync: true });
    log.append(await encodeBatch(makeMessages(3, 'before')));
    log.append(await encodeBatch(makeMessages(4, 'zip'), { gzip: true }));
    log.close();
    const reopened = open();
    expect(reopened.highWatermark).toBe(7n);
    expect(reopened.append(await encodeBatch(makeMessages(2, 'after'))).baseOffset).toBe(7n);
    const values = (await readAll(reopened, 0n)).map((r) => r.value);
    expect(values).toEqual([...makeMessages(3, 'before'), ...makeMessages(4, 'zip'), ...makeMessages(2, 'after')].map((m) => m.value));
  });

  it('cuts off a torn last batch on open and continues at the right offset', async () => {
    const log = open();
    log.append(await encodeBatch(makeMessages(3, 'a')));
    const goodSize = fs.statSync(lastSegmentPath()).size;
    log.append(await encodeBatch(makeMessages(5, 'b')));
    log.close();
    fs.truncateSync(lastSegmentPath(), fs.statSync(lastSegmentPath()).size - 4);

    const reopened = open();
    expect(reopened.highWatermark).toBe(3n);
    expect(fs.statSync(lastSegmentPath()).size).toBe(goodSize);
    expect(reopened.append(await encodeBatch(makeMessages(2, 'c'))).baseOffset).toBe(3n);
    expect((await readAll(reopened, 0n)).map((r) => r.value)).toEqual([...makeMessages(3, 'a'), ...makeMessages(2, 'c')].map((m) => m.value));
  });

  it('cuts off garbage after the last batch (including a partial header)', async () => {
    for (const garbage of [Buffer.from([0, 0, 0]), Buffer.alloc(100, 0xab), Buffer.alloc(4096)]) {
      const log = open();
      log.append(await encodeBatch(makeMessages(2, 'g')));
      const size = fs.statSync(lastSegmentPath()).size;
      const hw = log.highWatermark;
      log.close();
      fs.appendFileSync(lastSegmentPath(), garbage);
      const reopened = open();
      expect(reopened.highWatermark).toBe(hw);
      expect(fs.statSync(lastSegmentPath()).size).toBe(size);
      reopened.close();
    }
  });

  it('truncates at a corrupt batch inside an older segment and drops the segments after it', async () => {
    const log = open({ segmentBytes: 2000 });
    for (let i = 0; i < 12; i++) log.append(await encodeBatch(makeMessages(5, `s${i}`, 100)));
    log.close();
    const files = segmentFiles();
    expect(files.length).toBeGreaterThan(3);
    const second = path.join(logDir, files[1]);
    const bytes = fs.readFileSync(second);
    bytes[bytes.length - 10] ^= 0xff; // corrupt the last batch of the second segment
    fs.writeFileSync(second, bytes);

    const reopened = open({ segmentBytes: 2000 });
    expect(segmentFiles()).toEqual(files.slice(0, 2));
    const records = await readAll(reopened, 0n);
    expect(records.length).toBe(Number(reopened.highWatermark));
    expect(reopened.highWatermark).toBeGreaterThan(BigInt(files[1].slice(0, 20)));
    expect(reopened.append(await encodeBatch(makeMessages(1, 'next'))).baseOffset).toBe(BigInt(records.length));
  });

  it('an empty segment file left by a crash right after a roll is kept as the active segment', async () => {
    const log = open();
    log.append(await encodeBatch(makeMessages(4, 'x')));
    log.close();
    fs.writeFileSync(path.join(logDir, `${'4'.padStart(20, '0')}.log`), Buffer.alloc(0));
    const reopened = open();
    expect(reopened.highWatermark).toBe(4n);
    expect(reopened.append(await encodeBatch(makeMessages(1, 'y'))).baseOffset).toBe(4n);
    expect((await readAll(reopened, 0n)).length).toBe(5);
  });
});

describe('PartitionLog idempotent producer', () => {
  const producer = { producerId: 7n, producerEpoch: 0 };

  it('acknowledges a retried batch with its original offset and writes nothing', async () => {
    const log = open();
    const batches = [];
    for (let i = 0; i < 3; i++) {
      batches.push(await encodeBatch(makeMessages(4, `i${i}`), { ...producer, baseSequence: i * 4 }));
      expect(log.append(Buffer.from(batches[i])).baseOffset).toBe(BigInt(i * 4));
    }
    const size = fs.statSync(lastSegmentPath()).size;
    expect(log.append(Buffer.from(batches[2]))).toEqual({ errorCode: NONE, baseOffset: 8n, logAppendTime: -1n });
    expect(log.append(Buffer.from(batches[0]))).toEqual({ errorCode: NONE, baseOffset: 0n, logAppendTime: -1n });
    expect(log.highWatermark).toBe(12n);
    expect(fs.statSync(lastSegmentPath()).size).toBe(size);
  });

  it('rejects a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const log = open();
    log.append(await encodeBatch(makeMessages(4, 'a'), { ...producer, baseSequence: 0 }));
    const gap = await encodeBatch(makeMessages(1, 'b'), { ...producer, baseSequence: 5 });
    expect(log.append(gap).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.highWatermark).toBe(4n);
    expect(log.append(await encodeBatch(makeMessages(1, 'c'), { ...producer, baseSequence: 4 })).errorCode).toBe(NONE);
  });

  it('lets an unknown producer start anywhere; a new epoch must start at 0; an old epoch is fenced', async () => {
    const log = open();
    expect(log.append(await encodeBatch(makeMessages(2, 'a'), { ...producer, baseSequence: 900 })).errorCode).toBe(NONE);
    const bumpedLate = await encodeBatch(makeMessages(1, 'b'), { producerId: 7n, producerEpoch: 1, baseSequence: 902 });
    expect(log.append(bumpedLate).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    const bumped = await encodeBatch(makeMessages(1, 'c'), { producerId: 7n, producerEpoch: 1, baseSequence: 0 });
    expect(log.append(bumped)).toMatchObject({ errorCode: NONE, baseOffset: 2n });
    const stale = await encodeBatch(makeMessages(1, 'd'), { ...producer, baseSequence: 902 });
    expect(log.append(stale).errorCode).toBe(INVALID_PRODUCER_EPOCH);
    expect(log.highWatermark).toBe(3n);
  });

  it('keeps producers apart and rebuilds their state on reopen', async () => {
    const log = open();
    const a0 = await encodeBatch(makeMessages(2, 'a'), { producerId: 1n, baseSequence: 0 });
    const b0 = await encodeBatch(makeMessages(3, 'b'), { producerId: 2n, baseSequence: 0 });
    log.append(Buffer.from(a0));
    log.append(Buffer.from(b0));
    log.close();
    const reopened = open();
    expect(reopened.append(Buffer.from(b0))).toMatchObject({ errorCode: NONE, baseOffset: 2n });
    expect(reopened.append(Buffer.from(a0))).toMatchObject({ errorCode: NONE, baseOffset: 0n });
    expect(reopened.highWatermark).toBe(5n);
    const a1gap = await encodeBatch(makeMessages(1, 'a'), { producerId: 1n, baseSequence: 3 });
    expect(reopened.append(a1gap).errorCode).toBe(OUT_OF_ORDER_SEQUENCE_NUMBER);
    const a1 = await encodeBatch(makeMessages(1, 'a'), { producerId: 1n, baseSequence: 2 });
    expect(reopened.append(a1)).toMatchObject({ errorCode: NONE, baseOffset: 5n });
  });
});
