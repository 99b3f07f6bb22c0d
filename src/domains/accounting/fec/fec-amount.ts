import { Decimal } from 'decimal.js';

/**
 * FEC amounts are read as integer cents in a JS number: exact for every amount with at most two decimals up to
 * 2^53 cents (90 thousand billion euros), and an order of magnitude faster than a decimal object per line. Only
 * the rare amount with more decimals goes through decimal.js.
 */

const SPACE = 32;
const NBSP = 0xa0;
const NARROW_NBSP = 0x202f;
const COMMA = 44;
const DOT = 46;
const PLUS = 43;
const APOSTROPHE = 39;
const MINUS = 45;

const isPadding = (code: number): boolean => code === SPACE;

/**
 * The amount in cents when `text` is written as the norm asks since 2019 (`1234,56`, `-12`, `0000000069,60`,
 * padding spaces around it allowed), else NaN. Anything else (dot decimal, thousands separator, more than two
 * decimals, text) is NaN here and explained by `readFecAmount`, off the hot path.
 */
export const amountCents = (text: string): number => {
  let start = 0;
  let end = text.length;
  while (start < end && isPadding(text.charCodeAt(start))) start += 1;
  while (end > start && isPadding(text.charCodeAt(end - 1))) end -= 1;
  if (start === end) return NaN;
  let negative = false;
  const first = text.charCodeAt(start);
  if (first === MINUS || first === PLUS) {
    negative = first === MINUS;
    start += 1;
  }
  let units = 0;
  let digits = 0;
  let index = start;
  for (; index < end; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    units = units * 10 + digit;
    digits += 1;
  }
  let cents = 0;
  if (index < end) {
    if (text.charCodeAt(index) !== COMMA) return NaN;
    index += 1;
    const decimals = end - index;
    if (decimals > 2 || (decimals === 0 && digits === 0)) return NaN;
    for (let place = 0; place < 2; place += 1) {
      let digit = 0;
      if (index < end) {
        digit = text.charCodeAt(index) - 48;
        if (digit < 0 || digit > 9) return NaN;
        index += 1;
      }
      cents = cents * 10 + digit;
    }
  } else if (digits === 0) return NaN;
  const value = units * 100 + cents;
  if (!Number.isSafeInteger(value)) return NaN;
  return negative ? -value : value;
};

/** Why an amount is not in the norm's form, and what it is worth when it can still be read without doubt. */
export type FecAmountReading =
  | { readonly kind: 'ok'; readonly cents: number }
  | { readonly kind: 'empty' }
  /** `1234.56`: read (there is no doubt about its value) but not the norm's form since 2019. */
  | { readonly kind: 'dot-decimal'; readonly cents: number }
  /** More than two decimals, or too large for exact cents: the exact decimal value as text (`12.345`). */
  | { readonly kind: 'decimal'; readonly value: string; readonly dot: boolean }
  /** `1 234,56`, `1.234,56`, `1,234.56`: refused, because a separator could be read either way. */
  | { readonly kind: 'thousands-separator' }
  | { readonly kind: 'not-a-number' };

const EXACT = Decimal.clone({ precision: 60, toExpNeg: -40, toExpPos: 60 });

/**
 * `1.234` (an optional sign, one to three digits not starting with 0, a dot, three digits): a thousands separator
 * to one reader, a decimal point to another. `0.123` is not: no one groups thousands after a leading zero. The one
 * rule for the run's FEC reader and `fec validate`, so that they refuse the same amounts.
 */
export const dotReadsEitherWay = (text: string): boolean => /^[+-]?[1-9][0-9]{0,2}\.[0-9]{3}$/.test(text);

/** Explains any amount text (the slow path: only for text `amountCents` refused). */
export const readFecAmount = (text: string): FecAmountReading => {
  const cents = amountCents(text);
  if (!Number.isNaN(cents)) return { kind: 'ok', cents };
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  const signed = trimmed.charCodeAt(0) === MINUS || trimmed.charCodeAt(0) === PLUS;
  const body = signed ? trimmed.slice(1) : trimmed;
  let separators = 0;
  let grouping = 0;
  let digits = 0;
  let dot = false;
  for (let index = 0; index < body.length; index += 1) {
    const code = body.charCodeAt(index);
    if (code >= 48 && code <= 57) digits += 1;
    else if (code === COMMA || code === DOT) {
      separators += 1;
      dot = code === DOT;
    } else if (code === SPACE || code === NBSP || code === NARROW_NBSP || code === APOSTROPHE) grouping += 1;
    else return { kind: 'not-a-number' };
  }
  if (digits === 0) return { kind: 'not-a-number' };
  // `1 234,56`, `1.234,56`, `1,234.56`: a grouping mark or two separators.
  if (grouping > 0 || separators > 1) return { kind: 'thousands-separator' };
  // `1.234`: three digits after a lone dot read as well as a thousands separator as a decimal point. (A comma is
  // the norm's decimal separator: `1,234` is 1.234.)
  if (dot && dotReadsEitherWay(body)) return { kind: 'thousands-separator' };
  if (dot) {
    // A file written with dot decimals has one on every line: read through the char loop, no decimal object.
    const dotCents = amountCents(trimmed.replace('.', ','));
    if (!Number.isNaN(dotCents)) return { kind: 'dot-decimal', cents: dotCents };
  }
  return readDecimal(`${signed && trimmed.startsWith('-') ? '-' : ''}${body}`, dot);
};

const readDecimal = (trimmed: string, dot: boolean): FecAmountReading => {
  const plain = trimmed.replace(',', '.');
  const value = new EXACT(plain);
  if (dot && value.decimalPlaces() <= 2) {
    const cents = value.times(100).toNumber();
    if (Number.isSafeInteger(cents)) return { kind: 'dot-decimal', cents };
  }
  return { kind: 'decimal', value: value.isZero() ? '0' : value.toFixed(), dot };
};

/** Cents as an exact decimal string: 1018621981 → `10186219.81`, -5 → `-0.05`. */
export const formatCents = (cents: number | bigint): string => {
  const big = typeof cents === 'bigint' ? cents : BigInt(cents);
  const negative = big < 0n;
  const absolute = (negative ? -big : big).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${absolute.slice(0, -2)}.${absolute.slice(-2)}`;
};

/** Adds an exact decimal string (from decimal.js) to another, for the rare amounts beyond cents. */
export const addExact = (a: string, b: string): string => {
  const sum = new EXACT(a).plus(b);
  return sum.isZero() ? '0' : sum.toFixed();
};

/** `cents` (exact) plus an exact decimal remainder, as one decimal string with at least two decimals. */
export const centsPlusExact = (cents: bigint, remainder: string): string => {
  if (remainder === '0') return formatCents(cents);
  return withTwoDecimals(new EXACT(cents.toString()).dividedBy(100).plus(remainder));
};

/** An exact decimal written as amounts are shown: at least two decimals (`346693.00`), more when it has them. */
export const withTwoDecimals = (value: Decimal.Value): string => {
  const exact = new EXACT(value);
  return exact.decimalPlaces() < 2 ? exact.toFixed(2) : exact.toFixed();
};
