import { DecimalSum } from '../../core/money.js';

/**
 * A running exact total of decimal amounts, built for the millions of additions a trial balance makes.
 *
 * Almost every accounting amount has at most two decimals, so it is added as integer cents in a JS number: exact
 * (integers below 2^53 are) and much faster than decimal.js. The first amount with more decimals, or a total that
 * would leave the safe-integer range, moves the sum to decimal.js for good, so the result is exact in every case.
 */
export interface ExactSum {
  /** The total in cents while every amount so far fitted; unused once `exact` is set. */
  cents: number;
  exact: DecimalSum | undefined;
}

/** An amount read once and added to many sums: its cents when it has at most 2 decimals, else only its text. */
export interface ParsedAmount {
  readonly cents: number | undefined;
  readonly text: string;
}

const plainDecimal = /^([+-]?)(\d*)(?:\.(\d*))?$/;
/** Up to 10^13 units one amount's cents (< 10^15) are an exact integer; larger amounts take the decimal.js path. */
const maxIntegerDigits = 13;

export const ZERO_AMOUNT: ParsedAmount = { cents: 0, text: '0' };

const DOT = 46;
const MINUS = 45;
const PLUS = 43;

/**
 * The cents of an amount written with at most 13 integer digits and 2 decimals (nearly every amount), read digit by
 * digit; undefined for any other text, which the regular expression below then reads. About ten times as fast
 * as it (1.2 million amounts: 0.55 s, now 0.06 s): the trial balance and the entry balances of a FEC export read
 * two amounts per line, millions of lines.
 */
const plainCents = (text: string): number | undefined => {
  const length = text.length;
  let index = 0;
  const sign = text.charCodeAt(0);
  if (sign === MINUS || sign === PLUS) index = 1;
  let units = 0;
  let wholeDigits = 0;
  for (; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) break;
    units = units * 10 + digit;
    wholeDigits++;
  }
  if (wholeDigits > maxIntegerDigits) return undefined;
  let fraction = 0;
  let fractionDigits = 0;
  if (index < length) {
    if (text.charCodeAt(index) !== DOT) return undefined;
    for (index++; index < length; index++) {
      const digit = text.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9 || fractionDigits === 2) return undefined;
      fraction = fraction * 10 + digit;
      fractionDigits++;
    }
  }
  if (wholeDigits + fractionDigits === 0) return undefined;
  const cents = units * 100 + (fractionDigits === 1 ? fraction * 10 : fraction);
  return sign === MINUS && cents !== 0 ? -cents : cents;
};

/**
 * Reads a plain decimal (`-1234.5`, `0.125`, `+3`, as canonical decimals are written). Empty, null and undefined are
 * zero. Anything else is a caller's bug (amounts reach the trial balance already validated), hence the throw.
 */
export const parseAmount = (text: string | null | undefined): ParsedAmount => {
  if (text === null || text === undefined || text === '') return ZERO_AMOUNT;
  const plain = plainCents(text);
  if (plain !== undefined) return { cents: plain, text };
  const match = plainDecimal.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = (match?.[3] ?? '').replace(/0+$/, '');
  if (match === null || (whole === '' && (match[3] ?? '') === ''))
    throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  const units = whole.replace(/^0+/, '');
  if (fraction.length > 2 || units.length > maxIntegerDigits) return { cents: undefined, text };
  const cents = Number(units || '0') * 100 + Number(fraction.padEnd(2, '0'));
  return { cents: match[1] === '-' && cents !== 0 ? -cents : cents, text };
};

/** Canonical decimal text of a number of cents (`-1250` → `-12.5`, `1200` → `12`), as `canonicalDecimal` writes. */
export const centsToDecimal = (cents: number): string => {
  if (cents === 0) return '0';
  const sign = cents < 0 ? '-' : '';
  const magnitude = Math.abs(cents);
  const units = Math.floor(magnitude / 100);
  const rest = magnitude % 100;
  if (rest === 0) return `${sign}${units}`;
  const decimals = rest % 10 === 0 ? String(rest / 10) : String(rest).padStart(2, '0');
  return `${sign}${units}.${decimals}`;
};

export const createExactSum = (): ExactSum => ({ cents: 0, exact: undefined });

const toExact = (sum: ExactSum): DecimalSum => {
  if (sum.exact === undefined) sum.exact = new DecimalSum().add(centsToDecimal(sum.cents));
  return sum.exact;
};

export const addToSum = (sum: ExactSum, amount: ParsedAmount, sign: 1 | -1 = 1): void => {
  if (sum.exact === undefined && amount.cents !== undefined) {
    const next = sum.cents + sign * amount.cents;
    if (Number.isSafeInteger(next)) {
      sum.cents = next;
      return;
    }
  }
  const exact = toExact(sum);
  if (sign === 1) exact.add(amount.text);
  else exact.subtract(amount.text);
};

/** The total as a canonical decimal string. */
export const sumText = (sum: ExactSum): string =>
  sum.exact === undefined ? centsToDecimal(sum.cents) : sum.exact.toString();

/** `a - b` of two sums, exactly, as a canonical decimal string. */
export const differenceText = (a: ExactSum, b: ExactSum): string => {
  if (a.exact === undefined && b.exact === undefined) {
    const difference = a.cents - b.cents;
    if (Number.isSafeInteger(difference)) return centsToDecimal(difference);
  }
  return new DecimalSum().add(sumText(a)).subtract(sumText(b)).toString();
};
