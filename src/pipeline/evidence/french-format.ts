const THIN_SPACE = '\u202f';
const thousands = /\B(?=(\d{3})+(?!\d))/g;

/**
 * An exact decimal as a French accountant reads it: `10 186 219,81` (thin space between thousands, comma, two
 * decimals at least). Done on the text, never through a float.
 */
export const formatAmount = (value: string): string => {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  return `${negative ? '−' : ''}${whole.replace(thousands, THIN_SPACE)},${fraction.padEnd(2, '0')}`;
};

/** A count with thin spaces between thousands: `5 422`. */
export const formatCount = (count: number): string => String(count).replace(thousands, THIN_SPACE);
