import { describe, expect, it } from 'vitest';
import { testSeed } from './seeded-random.ts';

describe('testSeed', () => {
  it('takes the variable, draws a seed without it, and refuses a bad one', () => {
    expect(testSeed('SEED', { SEED: '123' })).toBe(123);
    expect(Number.isSafeInteger(testSeed('SEED', {}))).toBe(true);
    expect(() => testSeed('SEED', { SEED: 'abc' })).toThrow('SEED must be a non-negative integer, got "abc"');
  });
});
