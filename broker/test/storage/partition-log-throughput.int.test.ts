/**
 * Measures (prints, does not assert speed) append and read throughput of one PartitionLog for
 * 1,000,000 records of 500 bytes in batches of 100, and the time to recover the log on open.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NONE } from '../../src/storage/errors.ts';
import { PartitionLog } from '../../src/storage/partition-log.ts';
import { encodeBatch } from './kafkajs-batches.ts';
import { makeTempDir } from './temp-dir.ts';

const RECORDS = 1_000_000;
const RECORD_BYTES = 500;
const PER_BATCH = 100;
const FETCH_MAX_BYTES = 1024 * 1024;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

describe('PartitionLog throughput', () => {
  it(`appends and reads ${RECORDS.toLocaleString('en-US')} × ${RECORD_BYTES}-byte records`, async () => {
    const tmp = makeTempDir('throughput');
    cleanups.push(tmp.remove);
    const logDir = path.join(tmp.dir, 'p0');
    const log = PartitionLog.open(logDir);
    cleanups.push(() => log.close());

    // A few distinct kafkajs-encoded batches, reused (append only rewrites their baseOffset).
    const batches: Buffer[] = [];
    for (let b = 0; b < 8; b++) {
      batches.push(await encodeBatch(Array.from({ length: PER_BATCH }, (_, i) => ({ key: `key-${b}-${i}`, value: `v${b}-${i}-`.padEnd(RECORD_BYTES, 'x') }))));
    }
    const batchCount = RECORDS / PER_BATCH;
    let bytes = 0;
    const appendStart = performance.now();
    for (let i = 0; i < batchCount; i++) {
      const batch = batches[i % batches.length];
      const { errorCode } = log.append(batch);
      if (errorCode !== NONE) throw new Error(`append failed with ${errorCode}`);
      bytes += batch.length;
    }
    const appendMs = performance.now() - appendStart;
    expect(log.highWatermark).toBe(BigInt(RECORDS));

    const readStart = performance.now();
    let offset = 0n;
    let readBytes = 0;
    let reads = 0;
    while (offset < log.highWatermark) {
      const { errorCode, records } = log.read(offset, FETCH_MAX_BYTES);
      if (errorCode !== NONE || records === null) throw new Error(`read failed with ${errorCode}`);
      // Walk the batch headers to find the next fetch offset, as a fetching client would.
      let pos = 0;
      while (pos < records.length) {
        offset = records.readBigInt64BE(pos) + BigInt(records.readInt32BE(pos + 23)) + 1n;
        pos += 12 + records.readInt32BE(pos + 8);
      }
      readBytes += records.length;
      reads++;
    }
    const readMs = performance.now() - readStart;
    expect(readBytes).toBe(bytes);
    log.close();

    const recoverStart = performance.now();
    const reopened = PartitionLog.open(logDir);
    const recoverMs = performance.now() - recoverStart;
    cleanups.push(() => reopened.close());
    expect(reopened.highWatermark).toBe(BigInt(RECORDS));

    const mb = bytes / 1024 / 1024;
    console.log(
      [
        `PartitionLog throughput, ${RECORDS} records × ${RECORD_BYTES} B in batches of ${PER_BATCH} (${mb.toFixed(0)} MiB):`,
        `  append: ${appendMs.toFixed(0)} ms, ${rate(RECORDS, appendMs)} records, ${((mb / appendMs) * 1000).toFixed(0)} MiB/s`,
        `  read:   ${readMs.toFixed(0)} ms, ${rate(RECORDS, readMs)} records, ${((mb / readMs) * 1000).toFixed(0)} MiB/s (${reads} reads of ≤ 1 MiB)`,
        `  reopen (recovery scan with CRC checks): ${recoverMs.toFixed(0)} ms`,
      ].join('\n'),
    );
  });
});
