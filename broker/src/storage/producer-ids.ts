/**
 * Producer ids for InitProducerId, never reused across restarts. Ids are reserved in blocks:
 * dataDir/producer-ids.json records the end of the reserved block (written atomically before
 * any id of the block is handed out), so a restart continues after it, skipping at most one
 * block of unused ids.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './file-io.ts';

const STATE_FILE = 'producer-ids.json';
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

export class ProducerIdAllocator {
  private constructor(
    private readonly file: string,
    private nextId: bigint,
    private reservedEnd: bigint,
  ) {}

  static open(dataDir: string): ProducerIdAllocator {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, STATE_FILE);
    let reservedEnd = 0n;
    if (fs.existsSync(file)) {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { reservedEnd?: unknown };
      if (typeof parsed.reservedEnd !== 'string' || !/^\d+$/.test(parsed.reservedEnd)) {
        throw new Error(`${file} is not a producer id state file`);
      }
      reservedEnd = BigInt(parsed.reservedEnd);
    }
    return new ProducerIdAllocator(file, reservedEnd, reservedEnd);
  }

  /** A fresh producer id with epoch 0. */
  next(): { producerId: bigint; producerEpoch: number } {
    if (this.nextId >= this.reservedEnd) {
      const reservedEnd = this.nextId + PRODUCER_ID_BLOCK_SIZE;
      writeFileAtomic(this.file, JSON.stringify({ reservedEnd: reservedEnd.toString() }));
      this.reservedEnd = reservedEnd;
    }
    const producerId = this.nextId;
    this.nextId += 1n;
    return { producerId, producerEpoch: 0 };
  }
}
