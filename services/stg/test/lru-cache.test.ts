import { describe, expect, it } from 'vitest';
import { LruCache } from '../src/lru-cache.ts';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('LruCache', () => {
  it('returns what was set and nothing for unknown keys', () => {
    const cache = new LruCache<string, number>({ maxSize: 3, ttlMs: 1000 });
    cache.set('a', 1);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
  });

  it('drops the least recently used entry beyond maxSize', () => {
    const cache = new LruCache<string, number>({ maxSize: 2, ttlMs: 1000 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a'); // a is now more recent than b
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('expires entries ttlMs after they were set, and a new set renews them', () => {
    const time = clock();
    const cache = new LruCache<string, number>({ maxSize: 10, ttlMs: 60_000, now: time.now });
    cache.set('a', 1);
    time.advance(59_999);
    expect(cache.get('a')).toBe(1);
    time.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('a', 2);
    time.advance(30_000);
    expect(cache.get('a')).toBe(2);
  });

  it('overwrites a key without growing', () => {
    const cache = new LruCache<string, number>({ maxSize: 2, ttlMs: 1000 });
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBe(2);
  });

  it('keeps nothing with maxSize 0 and refuses a negative size', () => {
    const cache = new LruCache<string, number>({ maxSize: 0, ttlMs: 1000 });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    expect(() => new LruCache({ maxSize: -1, ttlMs: 1 })).toThrow(RangeError);
  });
});
