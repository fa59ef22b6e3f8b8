import { describe, expect, it } from 'vitest';
import { isContractTimestamp } from '../../src/contracts/timestamp.ts';

describe('isContractTimestamp', () => {
  it.each([
    '2025-11-20T10:00:00Z',
    '2025-11-20T10:00:00.1Z',
    '2025-11-20T10:00:00.123Z',
    '2025-11-20T10:00:00+03:00',
    '2024-02-29T23:59:59-14:00',
    '1970-01-01T00:00:00Z',
    '2999-12-31T23:59:59.999+14:00',
  ])('accepts %s', (text) => {
    expect(isContractTimestamp(text)).toBe(true);
    expect(Number.isNaN(Date.parse(text))).toBe(false);
  });

  it.each([
    ['2016-12-31T23:59:60Z', 'a leap second (Postgres takes it, JavaScript does not)'],
    ['0000-01-01T00:00:00Z', 'year 0'],
    ['1969-12-31T23:59:59Z', 'before 1970'],
    ['3000-01-01T00:00:00Z', 'after 2999'],
    ['2025-11-20T10:00:00.1234Z', 'more than milliseconds (JavaScript would drop them)'],
    ['2025-02-29T00:00:00Z', 'a day the month does not have'],
    ['2025-13-01T00:00:00Z', 'month 13'],
    ['2025-11-20T24:00:00Z', 'hour 24'],
    ['2025-11-20T10:60:00Z', 'minute 60'],
    ['2025-11-20T10:00:00+15:00', 'an offset past 14 hours'],
    ['2025-11-20T10:00:00+05:60', 'offset minute 60'],
    ['2025-11-20 10:00:00Z', 'a space for T'],
    ['2025-11-20T10:00Z', 'no seconds'],
    ['2025-11-20T10:00:00', 'no zone'],
    ['2025-11-20t10:00:00z', 'lower case'],
    ['+002025-11-20T10:00:00Z', 'an expanded year'],
    ['2025-11-20T10:00:00Z\n', 'a trailing newline'],
  ])('refuses %s: %s', (text) => {
    expect(isContractTimestamp(text)).toBe(false);
  });

  it('knows every day of every month of 1970–2999 as the calendar does (leap years by the 4, 100 and 400 rules)', () => {
    for (let year = 1970; year <= 2999; year++) {
      for (let month = 1; month <= 12; month++) {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        const at = (day: number) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T12:00:00Z`;
        expect(isContractTimestamp(at(days)), at(days)).toBe(true);
        expect(isContractTimestamp(at(days + 1)), at(days + 1)).toBe(false);
      }
    }
  });
});
