/**
 * FEC dates are `YYYYMMDD`. They are read into one integer (20220831) with a character loop: comparing two such
 * integers compares the dates, and millions of lines are read without creating a Date object.
 */

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month] as number);

/**
 * The date as the integer YYYYMMDD when `text` is exactly eight digits naming a real calendar day (years 1000 to
 * 9999), else -1. `03/01/2024`, `2024-01-03` and `20240230` are all -1: the norm allows only the compact form.
 */
export const parseFecDate = (text: string): number => {
  if (text.length !== 8) return -1;
  let value = 0;
  for (let index = 0; index < 8; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  const year = Math.floor(value / 10000);
  const month = Math.floor(value / 100) % 100;
  const day = value % 100;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
  return value;
};

/** `20220831` → `2022-08-31`, for people. */
export const formatFecDate = (date: number): string => {
  const text = String(date);
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
};

/**
 * The date `months` months before `date`, on the same day of the month or the month's last day when it is
 * shorter (31 August minus 6 months is 28 or 29 February).
 */
export const monthsBefore = (date: number, months: number): number => {
  const year = Math.floor(date / 10000);
  const month = Math.floor(date / 100) % 100;
  const day = date % 100;
  const total = year * 12 + (month - 1) - months;
  const newYear = Math.floor(total / 12);
  const newMonth = (total % 12) + 1;
  const lastDay = daysInMonth(newYear, newMonth);
  // A closing on a month's last day keeps to month ends: 31 August minus 2 months is 30 June, not 31 June.
  const newDay = day === daysInMonth(year, month) ? lastDay : Math.min(day, lastDay);
  return newYear * 10000 + newMonth * 100 + newDay;
};

/** The day after `date`. */
export const nextDay = (date: number): number => {
  const year = Math.floor(date / 10000);
  const month = Math.floor(date / 100) % 100;
  const day = date % 100;
  if (day < daysInMonth(year, month)) return date + 1;
  if (month < 12) return year * 10000 + (month + 1) * 100 + 1;
  return (year + 1) * 10000 + 101;
};

/**
 * A fiscal year lasts at most 23 months in practice (a first year may run from 1 to 23 months; later ones are
 * 12 months unless changed), so the earliest possible first day of a year closing on `closing` is the day after
 * the same date 23 months before.
 */
export const MAX_FISCAL_YEAR_MONTHS = 23;
export const earliestFiscalYearStart = (closing: number): number =>
  nextDay(monthsBefore(closing, MAX_FISCAL_YEAR_MONTHS));
