import { amountText, groupThousands } from '../../core/amount-text.js';

const THIN_SPACE = '\u202f';

/** An exact decimal as a French accountant reads it: `10 186 219,81` (thin space between thousands, comma). */
export const formatAmount = (value: string): string =>
  amountText(value, { thousands: THIN_SPACE, decimal: ',', minus: '−' });

/** A count with thin spaces between thousands: `5 422`. */
export const formatCount = (count: number): string => groupThousands(String(count), THIN_SPACE);
