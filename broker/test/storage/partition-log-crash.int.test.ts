import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NONE } from '../../src/storage/errors.ts';
import { PartitionLog } from '../../src/storage/partition-log.ts';
import { parseBatchHeader } from '../../src/storage/record-batch.ts';
import { decodeRecordSet } from './kafkajs-batches.ts';
import { makeTempDir } from './temp-dir.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'append-forever.ts');
const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Runs the appending child until it has acknowledged at least minAcked records, then SIGKILLs it. */
function runAndKill(logDir: string, minAcked: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, logDir], {
      cwd: path.resolve(here, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let acked = 0;
    let pending = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) acked = Math.max(acked, Number(line.slice('acked '.length)));
      if (!killed && acked >= minAcked) {
        killed = true;
        // a random extra delay so the kill lands at a random point of an append
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 20);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('PartitionLog after SIGKILL', () => {
  it('keeps every acknowledged record, readable in whole batches, and continues appending', async () => {
    const tmp = makeTempDir('crash');
    cleanups.push(tmp.remove);
    const logDir = path.join(tmp.dir, 'p0');

    let acked = 0;
    for (let round = 1; round <= 3; round++) {
      acked = await runAndKill(logDir, acked + 3000);
      const log = PartitionLog.open(logDir, { segmentBytes: 256 * 1024 });
      cleanups.push(() => log.close());
      const highWatermark = Number(log.highWatermark);
      expect(highWatermark).toBeGreaterThanOrEqual(acked);

      let offset = 0n;
      while (offset < log.highWatermark) {
        const { errorCode, records } = log.read(offset, 256 * 1024);
        expect(errorCode).toBe(NONE);
        const decoded = await decodeRecordSet(records!);
        for (const record of decoded.records.filter((r) => r.offset >= offset)) {
          expect(record.offset).toBe(offset);
          expect(record.value!.replace(/#+$/, '')).toBe(`record-${offset}`);
          offset++;
        }
      }
      expect(offset).toBe(log.highWatermark);

      // The producer state was rebuilt: a retry of the newest batch gets its original offset back.
      const newest = log.read(log.highWatermark - 1n, 1).records!;
      const newestHeader = parseBatchHeader(newest, 0);
      expect(log.append(Buffer.from(newest))).toMatchObject({ errorCode: NONE, baseOffset: newestHeader.baseOffset });
      expect(log.highWatermark).toBe(BigInt(highWatermark));
      log.close();
      // The next round's child reopens the log and must continue exactly at highWatermark.
      acked = highWatermark;
    }
  });
});
