import { describe, expect, it } from 'vitest';
import { FrameSizeError, FrameSplitter } from '../../src/server/frame-splitter.ts';

function frame(body: number[]): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length);
  Buffer.from(body).copy(out, 4);
  return out;
}

describe('FrameSplitter', () => {
  it('returns every whole frame of a chunk, bodies without the size prefix', () => {
    const splitter = new FrameSplitter(1024);
    const frames = splitter.push(Buffer.concat([frame([1, 2, 3]), frame([]), frame([9])]));
    expect(frames.map((f) => [...f])).toEqual([[1, 2, 3], [], [9]]);
  });

  it('reassembles a frame split at every possible point, the size prefix included', () => {
    const whole = Buffer.concat([frame([10, 11, 12, 13, 14]), frame([20, 21])]);
    for (let cut = 1; cut < whole.length; cut++) {
      const splitter = new FrameSplitter(1024);
      const frames = [...splitter.push(whole.subarray(0, cut)), ...splitter.push(whole.subarray(cut))];
      expect(frames.map((f) => [...f])).toEqual([
        [10, 11, 12, 13, 14],
        [20, 21],
      ]);
    }
  });

  it('handles one byte at a time', () => {
    const whole = Buffer.concat([frame([1, 2]), frame([3, 4, 5])]);
    const splitter = new FrameSplitter(1024);
    const frames: Buffer[] = [];
    for (const byte of whole) frames.push(...splitter.push(Buffer.from([byte])));
    expect(frames.map((f) => [...f])).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('keeps a partial frame until the rest arrives', () => {
    const splitter = new FrameSplitter(1024);
    const whole = frame([7, 8, 9, 10]);
    expect(splitter.push(whole.subarray(0, 6))).toEqual([]);
    expect(splitter.push(whole.subarray(6)).map((f) => [...f])).toEqual([[7, 8, 9, 10]]);
  });

  it('rejects a negative size and a size over the maximum as soon as the prefix is seen', () => {
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-1);
    expect(() => new FrameSplitter(1024).push(negative)).toThrow(FrameSizeError);
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(1025);
    expect(() => new FrameSplitter(1024).push(huge)).toThrow(/1025/);
    const atMax = Buffer.alloc(4);
    atMax.writeInt32BE(1024);
    expect(new FrameSplitter(1024).push(atMax)).toEqual([]);
  });

  it('does not copy a frame that sits inside one chunk', () => {
    const chunk = frame([5, 6, 7]);
    const [body] = new FrameSplitter(1024).push(chunk);
    expect(body!.buffer).toBe(chunk.buffer);
  });
});
