import { describe, expect, it } from 'vitest';
import { cleanReason, deadLetterRecord, MAX_REASON_LENGTH, toDeadLetters, type DeadLetterRecord } from '../../src/stage/dead-letters.ts';

const at = new Date('2026-01-01T00:00:00.000Z');
const letterOf = (key: Buffer | null, value: Buffer | null, reason = 'why') =>
  toDeadLetters('stg', 't', 0, [{ raw: { offset: '7', key, value }, reason }], at)[0]!;

describe('toDeadLetters', () => {
  it('keeps text messages as text', () => {
    const letter = letterOf(Buffer.from('42'), Buffer.from('{"a":"\\u0000 é"}'));
    expect(letter).toMatchObject({ key: '42', rawValue: '{"a":"\\u0000 é"}', encoding: 'utf8', offset: '7', failedAt: at.toISOString() });
  });

  it('stores a message with a NUL byte or invalid UTF-8 as base64 of its exact bytes, key included', () => {
    const nul = letterOf(Buffer.from('k'), Buffer.from([0x7b, 0x00, 0x7d]));
    expect(nul).toMatchObject({ encoding: 'base64', key: Buffer.from('k').toString('base64'), rawValue: 'ewB9' });
    const invalid = letterOf(Buffer.from([0xff, 0xfe]), Buffer.from('{}'));
    expect(invalid.encoding).toBe('base64');
    expect(Buffer.from(invalid.key!, 'base64')).toEqual(Buffer.from([0xff, 0xfe]));
    expect(Buffer.from(invalid.rawValue!, 'base64').toString()).toBe('{}');
  });

  it('keeps null keys and values null', () => {
    expect(letterOf(null, null)).toMatchObject({ key: null, rawValue: null, encoding: 'utf8' });
  });
});

describe('cleanReason', () => {
  it('replaces NUL and lone surrogates, keeps pairs, and bounds the length', () => {
    expect(cleanReason('a\u0000b\ud800c\u{1F600}')).toBe('a\uFFFDb\uFFFDc\u{1F600}');
    expect(cleanReason('x'.repeat(MAX_REASON_LENGTH + 10))).toHaveLength(MAX_REASON_LENGTH + 1);
  });
});

describe('deadLetterRecord', () => {
  it('sends a letter that fits whole', () => {
    const letter = letterOf(Buffer.from('k'), Buffer.from('{"x":1}'));
    expect(JSON.parse(deadLetterRecord(letter))).toEqual(letter);
  });

  it('cuts a value that would not fit once escaped, says so, and stays under the limit', () => {
    // Control characters escape to six bytes each in JSON.
    const value = '\u0001'.repeat(100_000);
    const letter = letterOf(Buffer.from('k'), Buffer.from(value));
    const record = deadLetterRecord(letter, 64 * 1024);
    expect(Buffer.byteLength(record)).toBeLessThanOrEqual(64 * 1024);
    const parsed = JSON.parse(record) as DeadLetterRecord;
    expect(parsed.rawValueTruncated).toEqual({ originalLength: value.length });
    expect(value.startsWith(parsed.rawValue!)).toBe(true);
    expect(parsed).toMatchObject({ service: 'stg', topic: 't', partition: 0, offset: '7', reason: 'why' });
  });

  it('never cuts a surrogate pair in half', () => {
    const value = '\u{1F600}'.repeat(60_000);
    const parsed = JSON.parse(deadLetterRecord(letterOf(null, Buffer.from(value)), 32 * 1024)) as DeadLetterRecord;
    expect(parsed.rawValue!.length % 2).toBe(0);
    expect(/[\uD800-\uDFFF]/u.test(parsed.rawValue!)).toBe(false);
  });
});
