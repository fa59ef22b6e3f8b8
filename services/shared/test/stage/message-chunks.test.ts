import { describe, expect, it } from 'vitest';
import { chunkByBytes } from '../../src/stage/message-chunks.ts';

const msg = (key: string, size: number) => ({ key, value: 'v'.repeat(size - Buffer.byteLength(key)) });

describe('chunkByBytes', () => {
  it('keeps everything in one run when it fits', () => {
    const messages = [msg('a', 10), msg('b', 10)];
    expect(chunkByBytes(messages, 20)).toEqual([messages]);
  });

  it('splits in order at the byte limit, counting keys and multi-byte characters', () => {
    const messages = [msg('a', 8), msg('b', 8), msg('c', 8), { key: 'd', value: 'é'.repeat(4) }];
    // 'd' is 1 + 8 bytes (5 characters): with c's 8 it is over 16 bytes.
    expect(chunkByBytes(messages, 16).map((run) => run.map((m) => m.key))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(chunkByBytes(messages, 15).map((run) => run.map((m) => m.key))).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('sends a message bigger than the limit alone, and nothing for nothing', () => {
    expect(chunkByBytes([msg('a', 5), msg('big', 50), msg('c', 5)], 20).map((run) => run.map((m) => m.key))).toEqual([['a'], ['big'], ['c']]);
    expect(chunkByBytes([], 20)).toEqual([]);
    expect(chunkByBytes([{ key: null, value: null }], 20)).toHaveLength(1);
  });
});
