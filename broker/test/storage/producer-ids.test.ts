import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCER_ID_BLOCK_SIZE, ProducerIdAllocator } from '../../src/storage/producer-ids.ts';
import { makeTempDir } from './temp-dir.ts';

let tmp: { dir: string; remove: () => void };

beforeEach(() => {
  tmp = makeTempDir('pids');
});

afterEach(() => tmp.remove());

describe('ProducerIdAllocator', () => {
  it('hands out increasing ids with epoch 0', () => {
    const allocator = ProducerIdAllocator.open(tmp.dir);
    const ids = Array.from({ length: 5 }, () => allocator.next());
    expect(ids.map((i) => i.producerId)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(ids.every((i) => i.producerEpoch === 0)).toBe(true);
  });

  it('never reuses an id after a restart, across block boundaries', () => {
    const seen = new Set<bigint>();
    let last = -1n;
    for (let restart = 0; restart < 4; restart++) {
      const allocator = ProducerIdAllocator.open(tmp.dir);
      const count = restart === 1 ? Number(PRODUCER_ID_BLOCK_SIZE) + 5 : 3;
      for (let i = 0; i < count; i++) {
        const { producerId } = allocator.next();
        expect(seen.has(producerId)).toBe(false);
        expect(producerId).toBeGreaterThan(last);
        seen.add(producerId);
        last = producerId;
      }
    }
  });
});
