import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/storage/crc32c.ts';

const require = createRequire(import.meta.url);
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buf: Buffer) => number;

describe('crc32c', () => {
  it('matches the standard check value and the RFC 3720 vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0x00))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  it('agrees with kafkajs on random data of every length up to 100 and on large buffers', () => {
    for (let len = 0; len <= 100; len++) {
      const buf = randomBytes(len);
      expect(crc32c(buf)).toBe(kafkajsCrc32c(buf));
    }
    for (const len of [1000, 4097, 65_536 + 3]) {
      const buf = randomBytes(len);
      expect(crc32c(buf)).toBe(kafkajsCrc32c(buf));
    }
  });

  it('checksums a sub-range without copying', () => {
    const buf = randomBytes(300);
    for (const [start, end] of [
      [0, 300],
      [21, 300],
      [5, 13],
      [7, 7],
      [299, 300],
    ]) {
      expect(crc32c(buf, start, end)).toBe(kafkajsCrc32c(buf.subarray(start, end)));
    }
  });
});
