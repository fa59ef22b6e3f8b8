// The one timestamp form the contracts accept: RFC 3339 with an upper-case T, seconds, at most
// millisecond fractions and Z or a ±hh:mm offset of at most 14 hours, years 1970–2999. Inside it,
// `Date.parse` and Postgres' timestamptz agree to the millisecond. Outside it they do not always:
// Postgres takes a leap second (23:59:60) and microseconds, JavaScript refuses the first and drops
// the second, and a year like 0000 or 10000 reads differently or not at all.

export const TIMESTAMP_YEARS = { min: 1970, max: 2999 } as const;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?(?:Z|[+-](\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

export function isContractTimestamp(text: string): boolean {
  const match = RFC3339.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < TIMESTAMP_YEARS.min || year > TIMESTAMP_YEARS.max) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (match[7] !== undefined) {
    const offsetMinutes = Number(match[7]) * 60 + Number(match[8]);
    if (Number(match[8]) > 59 || offsetMinutes > 14 * 60) return false;
  }
  return true;
}
