import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isolatePoison } from '../../src/stage/isolate-poison.ts';

const poison = (unit: number) => Object.assign(new Error(`bad ${unit}`), { code: '22P05', severity: 'ERROR' });
const outage = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

/** An attempt that fails, like a transaction, when any unit in it is bad; records what it tried. */
function attemptOver(bad: ReadonlySet<number>) {
  const attempts: number[][] = [];
  const attempt = async (units: readonly number[]) => {
    attempts.push([...units]);
    const first = units.find((u) => bad.has(u));
    if (first !== undefined) throw poison(first);
    return units.map((u) => u * 10);
  };
  return { attempt, attempts };
}

describe('isolatePoison', () => {
  it('tries the whole batch once when nothing is wrong', async () => {
    const { attempt, attempts } = attemptOver(new Set());
    const result = await isolatePoison([1, 2, 3, 4], attempt);
    expect(result).toEqual({ results: [[10, 20, 30, 40]], poisoned: [] });
    expect(attempts).toHaveLength(1);
  });

  it('finds every bad unit, keeps the good ones in order, within 2k·log2(n)+1 attempts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 6 }))),
        async ([n, badList]) => {
          const units = Array.from({ length: n }, (_, i) => i);
          const bad = new Set(badList);
          const { attempt, attempts } = attemptOver(bad);
          const result = await isolatePoison(units, attempt);
          expect(result.poisoned.map((p) => p.unit)).toEqual(units.filter((u) => bad.has(u)));
          for (const { unit, error } of result.poisoned) expect((error as Error).message).toBe(`bad ${unit}`);
          expect(result.results.flat()).toEqual(units.filter((u) => !bad.has(u)).map((u) => u * 10));
          expect(attempts.length).toBeLessThanOrEqual(1 + 2 * bad.size * Math.ceil(Math.log2(n) + 1));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives up at once on a transient error, so the whole batch is retried', async () => {
    let calls = 0;
    const attempt = async (units: readonly number[]) => {
      calls++;
      if (units.length === 4) throw poison(2);
      throw outage();
    };
    await expect(isolatePoison([1, 2, 3, 4], attempt)).rejects.toThrow('ECONNREFUSED');
    expect(calls).toBe(2);
  });
});
