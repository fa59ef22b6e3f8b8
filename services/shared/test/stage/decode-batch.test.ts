import { describe, expect, it } from 'vitest';
import type { Contract } from '../../src/contracts/validate.ts';
import { closedOrderContract } from '../../src/contracts/validate.ts';
import { decodeBatch, type RawMessage } from '../../src/stage/decode-batch.ts';

interface Point {
  x: number;
}
const pointContract: Contract<Point> = (value) =>
  typeof value === 'object' && value !== null && typeof (value as { x?: unknown }).x === 'number'
    ? { ok: true, value: value as Point }
    : { ok: false, reason: '/x must be a number' };

const raw = (offset: number, value: string | Buffer | null, key: string | null = `k${offset}`): RawMessage => ({
  offset: String(offset),
  key: key === null ? null : Buffer.from(key),
  value: typeof value === 'string' ? Buffer.from(value) : value,
});

describe('decodeBatch', () => {
  it('decodes valid messages in order and keeps the raw message with each', () => {
    const messages = [raw(10, '{"x":1}'), raw(11, '{"x":2,"y":"extra"}')];
    const { decoded, rejected } = decodeBatch(messages, pointContract);
    expect(rejected).toEqual([]);
    expect(decoded.map((d) => d.value)).toEqual([{ x: 1 }, { x: 2, y: 'extra' }]);
    expect(decoded[0]!.raw).toBe(messages[0]);
    expect(decoded[1]!.raw).toBe(messages[1]);
  });

  it('rejects an empty or missing value', () => {
    const { decoded, rejected } = decodeBatch([raw(1, null), raw(2, ''), raw(3, Buffer.alloc(0))], pointContract);
    expect(decoded).toEqual([]);
    expect(rejected.map((r) => [r.raw.offset, r.reason])).toEqual([
      ['1', 'empty message value'],
      ['2', 'empty message value'],
      ['3', 'empty message value'],
    ]);
  });

  it('rejects text that is not JSON, with the parser message', () => {
    const { rejected } = decodeBatch([raw(1, '{"x": 1'), raw(2, 'hello'), raw(3, '\ufeff{"x":1}')], pointContract);
    expect(rejected).toHaveLength(3);
    for (const r of rejected) expect(r.reason).toMatch(/^not JSON: .+/);
  });

  it('rejects bytes that are not UTF-8 instead of storing them as U+FFFD', () => {
    const inString = (...bytes: number[]) => Buffer.concat([Buffer.from('{"x":1,"name":"Bor'), Buffer.from(bytes), Buffer.from('scht"}')]);
    // A stray byte, a truncated sequence, an overlong "/", a UTF-16 surrogate encoded as UTF-8, past U+10FFFF.
    const broken = [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]].map((bytes, i) => raw(i, inString(...bytes)));
    const { decoded, rejected } = decodeBatch([...broken, raw(9, inString(0xc3, 0xa9))], pointContract);
    expect(rejected.map((r) => r.reason)).toEqual(Array(5).fill('not UTF-8: the value holds bytes that are not valid UTF-8 (JSON text must be)'));
    expect(decoded.map((d) => d.value)).toEqual([{ x: 1, name: 'Boréscht' }]);
  });

  it('rejects JSON that breaks the contract, with the contract reason', () => {
    const { decoded, rejected } = decodeBatch([raw(1, '{"x":"one"}'), raw(2, 'null'), raw(3, '[1]'), raw(4, '42')], pointContract);
    expect(decoded).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(Array(4).fill('contract: /x must be a number'));
  });

  it('sorts a mixed batch into decoded and rejected without losing or duplicating a message', () => {
    const messages = [raw(1, '{"x":1}'), raw(2, 'bad'), raw(3, '{"x":3}'), raw(4, null), raw(5, '{}'), raw(6, '{"x":6}')];
    const { decoded, rejected } = decodeBatch(messages, pointContract);
    expect(decoded.map((d) => d.raw.offset)).toEqual(['1', '3', '6']);
    expect(rejected.map((r) => r.raw.offset)).toEqual(['2', '4', '5']);
  });

  it('reports where a real contract fails', () => {
    const { rejected } = decodeBatch([raw(1, JSON.stringify({ order_id: 'x', user_id: 'y', products: [] }))], closedOrderContract);
    expect(rejected[0]!.reason).toMatch(/^contract: \/order_id must match pattern/);
  });

  it('returns nothing for an empty batch', () => {
    expect(decodeBatch([], pointContract)).toEqual({ decoded: [], rejected: [] });
  });
});
