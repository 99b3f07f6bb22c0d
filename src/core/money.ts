import { Decimal } from 'decimal.js';

/**
 * Exact decimal money. Amounts travel as canonical strings (`-1234.5`, no exponent, no trailing zeros) and are
 * added with decimal.js, never with binary floating point.
 */
const Exact = Decimal.clone({ precision: 50, toExpNeg: -30, toExpPos: 40 });

const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
/** A number in scientific notation as programs write them (`1e-05`, `1.5E+16`), its exponent at most 99. */
const scientificNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d{1,2}$/;

/**
 * Canonical text of a decimal value, or undefined when the text is not a plain decimal number. Written out in full
 * (toFixed), never in exponent form: toString wrote 31 decimal places or 41 integer digits as `1e-31`, `1e+42`.
 */
export const canonicalDecimal = (text: string): string | undefined => {
  if (!plainNumber.test(text)) return undefined;
  const value = new Exact(text);
  return value.isZero() ? '0' : value.toFixed();
};

/**
 * Canonical text of a number written in scientific notation (Python's `json.dumps`, a SQLite REAL, a spreadsheet:
 * `1e-05`, `1.5E+16`), read exactly from its digits, written out in full; undefined for any other text.
 */
export const canonicalScientific = (text: string): string | undefined => {
  if (!scientificNumber.test(text)) return undefined;
  const value = new Exact(text);
  return value.isZero() ? '0' : value.toFixed();
};

export const addDecimal = (a: string, b: string): string => new Exact(a).plus(b).toString();

export const compareDecimal = (a: string, b: string): number => new Exact(a).comparedTo(b);

/** Sums canonical decimal strings exactly. */
export class DecimalSum {
  private total = new Exact(0);
  add(value: string | null | undefined): this {
    if (value !== null && value !== undefined && value !== '') this.total = this.total.plus(value);
    return this;
  }
  subtract(value: string | null | undefined): this {
    if (value !== null && value !== undefined && value !== '') this.total = this.total.minus(value);
    return this;
  }
  toString(): string {
    return this.total.isZero() ? '0' : this.total.toString();
  }
}

/** Decimals kept when amounts are summed as integers (set-based in SQL): a millionth of a unit. */
export const MICRO_UNITS_PER_UNIT = 1_000_000n;
const MICRO_DIGITS = 6;

/**
 * A canonical decimal as an integer count of millionths, so that SQL can sum it exactly (64-bit integers, no
 * floating point); undefined when it has more than 6 decimals (never the case for money in a FEC).
 */
export const toMicroUnits = (value: string): bigint | undefined => {
  const negative = value.startsWith('-');
  const unsigned = negative || value.startsWith('+') ? value.slice(1) : value;
  const [whole = '0', fraction = ''] = unsigned.split('.');
  if (fraction.length > MICRO_DIGITS) return undefined;
  const micro =
    BigInt(whole === '' ? '0' : whole) * MICRO_UNITS_PER_UNIT + BigInt(fraction.padEnd(MICRO_DIGITS, '0'));
  return negative ? -micro : micro;
};

/** The canonical decimal text of a count of millionths (`1234500000n` → `1234.5`). */
export const fromMicroUnits = (micro: bigint): string => {
  const negative = micro < 0n;
  const magnitude = negative ? -micro : micro;
  const whole = magnitude / MICRO_UNITS_PER_UNIT;
  const fraction = (magnitude % MICRO_UNITS_PER_UNIT)
    .toString()
    .padStart(MICRO_DIGITS, '0')
    .replace(/0+$/, '');
  const text = fraction === '' ? whole.toString() : `${whole}.${fraction}`;
  return negative && text !== '0' ? `-${text}` : text;
};
