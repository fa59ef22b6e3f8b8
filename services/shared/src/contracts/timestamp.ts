// The one timestamp form the contracts accept: RFC 3339 with an upper-case T, seconds, at most
// millisecond fractions and Z or a ±hh:mm offset of at most 14 hours, years 1970–2999. Inside it,
// `Date.parse` and Postgres' timestamptz agree to the millisecond. Outside it they do not always:
// Postgres takes a leap second (23:59:60) and microseconds, JavaScript refuses the first and drops
// the second, and a year like 0000 or 10000 reads differently or not at all.

export const TIMESTAMP_YEARS = { min: 1970, max: 2999 } as const;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|[+-](\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysInMonth = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!);

// On every timestamp of every message of every stage: no array or Date allocated per call.
export function isContractTimestamp(text: string): boolean {
  const match = RFC3339.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < TIMESTAMP_YEARS.min || year > TIMESTAMP_YEARS.max) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (Number(match[4]) > 23 || Number(match[5]) > 59 || Number(match[6]) > 59) return false;
  if (match[7] !== undefined) {
    const offsetMinutes = Number(match[7]) * 60 + Number(match[8]);
    if (Number(match[8]) > 59 || offsetMinutes > 14 * 60) return false;
  }
  return true;
}
