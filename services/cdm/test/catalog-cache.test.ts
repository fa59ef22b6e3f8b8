import { describe, expect, it } from 'vitest';
import { CatalogCache } from '../src/api/catalog-cache.ts';

describe('CatalogCache', () => {
  it('reads only missing or expired keys, in one call, and leaves out keys the loader does not know', async () => {
    let now = 0;
    const calls: string[][] = [];
    const cache = new CatalogCache<string>(
      async (keys) => {
        calls.push(keys);
        return new Map(keys.filter((k) => k !== 'ghost').map((k) => [k, `${k}@${now}`]));
      },
      1000,
      100,
      () => now,
    );
    expect(await cache.get(['a', 'b', 'a', 'ghost'])).toEqual(
      new Map([
        ['a', 'a@0'],
        ['b', 'b@0'],
      ]),
    );
    now = 999;
    expect(await cache.get(['b', 'c'])).toEqual(
      new Map([
        ['b', 'b@0'],
        ['c', 'c@999'],
      ]),
    );
    now = 1000;
    expect(await cache.get(['a', 'c'])).toEqual(
      new Map([
        ['a', 'a@1000'],
        ['c', 'c@999'],
      ]),
    );
    expect(calls).toEqual([['a', 'b', 'ghost'], ['c'], ['a']]);
  });

  it('starts over instead of growing past its size', async () => {
    const cache = new CatalogCache<number>(async (keys) => new Map(keys.map((k) => [k, keys.length])), 60_000, 3);
    await cache.get(['a', 'b', 'c']);
    await cache.get(['d']);
    expect(await cache.get(['a'])).toEqual(new Map([['a', 1]]));
  });
});
