const everyThirdDigitFromTheRight = /\B(?=(\d{3})+(?!\d))/g;
const plainDecimal = /^-?\d+(\.\d+)?$/;

/** A run of digits with `separator` between its thousands (`1234567` → `1,234,567`), of any length. */
export const groupThousands = (digits: string, separator: string): string =>
  digits.replace(everyThirdDigitFromTheRight, separator);

/** The marks a reader's convention writes an amount with. */
export interface AmountMarks {
  readonly thousands: string;
  readonly decimal: string;
  readonly minus: string;
}

/**
 * An exact decimal's canonical text (see money.ts: `-1234567.5`) as a person reads amounts: thousands grouped, at
 * least two decimals, more when it has them (`-1,234,567.50`). Done on the text, never through a float, which
 * rounds the cents of amounts past 2^53. Text that is no plain decimal is given back as it is, not dressed up.
 */
export const amountText = (value: string, marks: AmountMarks): string => {
  if (!plainDecimal.test(value)) return value;
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  return `${negative ? marks.minus : ''}${groupThousands(whole, marks.thousands)}${marks.decimal}${fraction.padEnd(2, '0')}`;
};
