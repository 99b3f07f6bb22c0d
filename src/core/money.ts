import { Decimal } from 'decimal.js';

/**
 * Exact decimal money. Amounts travel as canonical strings (`-1234.5`, no exponent, no trailing zeros) and are
 * added with decimal.js, never with binary floating point.
 */
const Exact = Decimal.clone({ precision: 50, toExpNeg: -30, toExpPos: 40 });

const plainNumber = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Canonical text of a decimal value, or undefined when the text is not a plain decimal number. */
export const canonicalDecimal = (text: string): string | undefined => {
  if (!plainNumber.test(text)) return undefined;
  const value = new Exact(text);
  return value.isZero() ? '0' : value.toString();
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
