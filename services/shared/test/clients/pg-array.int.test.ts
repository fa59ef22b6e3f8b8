// Array literals against a real Postgres: whatever the elements, the server reads back exactly them.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgArrayLiteral } from '../../src/clients/pg-array.ts';

const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
beforeAll(() => client.connect());
afterAll(() => client.end());

async function readBack<T>(type: string, literal: string): Promise<T[]> {
  const { rows } = await client.query<{ a: T[] }>(`SELECT $1::${type}[] AS a`, [literal]);
  return rows[0]!.a;
}

// Postgres text holds any character but NUL.
const text = fc.string({ unit: 'binary' }).map((s) => s.replaceAll('\0', ''));
const tricky = fc.constantFrom('NULL', 'null', '', ' ', ' a ', '{', '}', '{}', ',', '"', '\\', 'a"b\\c', '\\"', 'ȁ🍕', '\t\n');

describe('pgArrayLiteral', () => {
  it('round-trips any text and nulls through text[]', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(text, tricky, fc.constant(null)), { maxLength: 20 }), async (values) => {
        expect(await readBack<string | null>('text', pgArrayLiteral(values))).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips finite numbers through float8[] and bigint[]', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 20 }), async (values) => {
        // -0 reads back as 0 through the literal's text, as through JSON.
        expect(await readBack<number>('float8', pgArrayLiteral(values))).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
      }),
      { numRuns: 200 },
    );
    const integers = [0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    expect((await readBack<string>('bigint', pgArrayLiteral(integers))).map(Number)).toEqual(integers);
  });

  it('reads quoted uuids, instants and numerics as their types, undefined as NULL', async () => {
    const uuids = ['6f1d2c4e-8a3b-5c7d-9e0f-1a2b3c4d5e6f', null, undefined];
    expect(await readBack('uuid', pgArrayLiteral(uuids))).toEqual(['6f1d2c4e-8a3b-5c7d-9e0f-1a2b3c4d5e6f', null, null]);
    const instants = await readBack<Date>('timestamptz', pgArrayLiteral(['2026-12-02T10:00:00.123Z', '2026-12-02 12:00:00+02']));
    expect(instants.map((d) => d.toISOString())).toEqual(['2026-12-02T10:00:00.123Z', '2026-12-02T10:00:00.000Z']);
    const { rows } = await client.query<{ a: string[] }>('SELECT $1::numeric[]::text[] AS a', [pgArrayLiteral([12.5, '0.10', 1e21])]);
    expect(rows[0]!.a).toEqual(['12.5', '0.10', '1000000000000000000000']);
    expect(pgArrayLiteral([])).toBe('{}');
  });

  it('refuses what Postgres would read as something else: non-finite numbers, lone surrogates', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => pgArrayLiteral([value])).toThrow(/not a finite number/);
    }
    for (const value of ['a\ud800', '\udfffb', 'x\ud83d']) expect(() => pgArrayLiteral(['ok', value])).toThrow(/lone surrogate/);
    expect(pgArrayLiteral(['🍕\n'])).toBe('{"🍕\n"}');
  });
});
