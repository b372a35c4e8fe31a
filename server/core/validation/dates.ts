const DATE = /^\d{4}-\d{2}-\d{2}$/;
// RFC 3339 date-time with a mandatory offset: certificates are read across time zones.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  return DATE.test(value) && isRealDate(value);
}

/** An RFC 3339 date-time with an explicit offset (`Z` or `+08:00`) on a real calendar date. */
export function isDateTime(value: string): boolean {
  return DATE_TIME.test(value) && isRealDate(value);
}

/**
 * Whether the YYYY-MM-DD that `text` starts with (its digits already matched) is a day of the
 * calendar. Read from the characters: every verification checks two dates, and a match array,
 * its substrings and their numbers were most of the check's cost.
 */
function isRealDate(text: string): boolean {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

const ZERO = 0x30;

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) value = value * 10 + text.charCodeAt(i) - ZERO;
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
