import { describe, expect, it } from 'vitest';
import { intBetween, sample, seededRandom } from '../src/random.ts';

describe('seededRandom', () => {
  it('repeats its sequence for one seed and stays in [0, 1)', () => {
    const a = seededRandom(99);
    const b = seededRandom(99);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});

describe('intBetween', () => {
  it('reaches both bounds and nothing outside them', () => {
    const random = seededRandom(1);
    const seen = new Set(Array.from({ length: 2000 }, () => intBetween(random, 1, 5)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('sample', () => {
  it('returns distinct elements, at most as many as there are', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 500; i++) {
      const picked = sample(random, ['a', 'b', 'c', 'd', 'e'], 3);
      expect(new Set(picked).size).toBe(3);
    }
    expect(sample(random, ['a', 'b'], 3).sort()).toEqual(['a', 'b']);
  });
});
