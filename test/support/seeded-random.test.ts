import { describe, expect, it } from 'vitest';
import { seededRandom, testSeed } from './seeded-random.ts';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, another for another seed, within [0, 1)', () => {
    const a = Array.from({ length: 1000 }, seededRandom(42));
    expect(Array.from({ length: 1000 }, seededRandom(42))).toEqual(a);
    expect(Array.from({ length: 1000 }, seededRandom(43))).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    // Spread over the interval, not stuck in a corner.
    expect(a.filter((x) => x < 0.5).length).toBeGreaterThan(400);
    expect(a.filter((x) => x < 0.5).length).toBeLessThan(600);
  });
});

describe('testSeed', () => {
  it('takes the variable, draws a seed without it, and refuses a bad one', () => {
    expect(testSeed('SEED', { SEED: '123' })).toBe(123);
    expect(Number.isSafeInteger(testSeed('SEED', {}))).toBe(true);
    expect(() => testSeed('SEED', { SEED: 'abc' })).toThrow('SEED must be a non-negative integer, got "abc"');
  });
});
