import type { Account } from './chart-of-accounts.js';
import type { Random } from './random.js';

/**
 * What a FEC is made of: journals, entries, lines, third parties and lettering. Amounts are integer cents, so
 * every entry balances exactly.
 *
 * Lettering (lettrage) is how French bookkeeping pairs an invoice with its payment on a customer (411) or
 * supplier (401) account: the lines share a code (AA, AB, ...) and the lettering date, and net to zero.
 */

/**
 * AN à-nouveaux (the opening balances carried over from the previous year: the first entry of the year, on
 * balance-sheet accounts only), AC purchases, VE sales, CA cash takings, BQ bank, OD everything else (payroll,
 * VAT returns, depreciation). `rank` orders the journals of one day.
 */
export const journals = {
  AN: { label: 'À nouveaux', rank: 0 },
  AC: { label: 'Achats', rank: 1 },
  VE: { label: 'Ventes', rank: 2 },
  CA: { label: 'Caisse', rank: 3 },
  BQ: { label: 'Banque', rank: 4 },
  OD: { label: 'Opérations diverses', rank: 5 },
} as const;
export type JournalCode = keyof typeof journals;

export interface Party {
  /** CompAuxNum: `C0001` customers, `F0001` suppliers. */
  readonly number: string;
  readonly name: string;
  /** The collective account the party's lines go to (411 or 401). */
  readonly account: Account;
}

export interface Lettering {
  readonly code: string;
  /** The day the invoice and its payment were lettered: the payment's day. */
  readonly day: number;
}

export interface Line {
  readonly account: Account;
  readonly debit: number;
  readonly credit: number;
  readonly party?: Party | undefined;
  readonly lettering?: Lettering | undefined;
  /** Amount in a foreign currency, for invoices of a foreign supplier. */
  readonly currency?: { readonly amount: number; readonly code: string } | undefined;
}

export type LineDetails = Pick<Line, 'party' | 'lettering' | 'currency'>;

export const debit = (account: Account, amount: number, details: LineDetails = {}): Line => ({
  account,
  debit: amount,
  credit: 0,
  ...details,
});

export const credit = (account: Account, amount: number, details: LineDetails = {}): Line => ({
  account,
  debit: 0,
  credit: amount,
  ...details,
});

/** A debit when the amount is positive, a credit of its opposite when negative. */
export const signed = (account: Account, amount: number): Line =>
  amount >= 0 ? debit(account, amount) : credit(account, -amount);

export interface Entry {
  readonly journal: JournalCode;
  readonly day: number;
  readonly pieceRef: string;
  readonly pieceDay: number;
  readonly label: string;
  readonly lines: readonly Line[];
  /** Booking order, to sort entries of the same day and journal stably. */
  readonly order: number;
}

/** Lettering codes in the order legacy software hands them out: AA ... ZZ, then AAA ... */
export const letteringCode = (index: number): string => {
  let length = 2;
  let first = 0;
  let span = 26 * 26;
  while (index >= first + span) {
    first += span;
    span *= 26;
    length++;
  }
  let rest = index - first;
  let code = '';
  for (let position = 0; position < length; position++) {
    code = String.fromCharCode(65 + (rest % 26)) + code;
    rest = Math.floor(rest / 26);
  }
  return code;
};

/** VAT on a net amount, `rate` in basis points (2000 = 20 %), rounded to the cent. */
export const vatOf = (amount: number, rate: number): number => Math.round((amount * rate) / 10000);

/** An amount in cents spread log-normally around `euros` (amounts in books are skewed, never negative). */
export const amountAround = (random: Random, euros: number, spread: number): number =>
  Math.max(500, Math.round(euros * 100 * Math.exp(spread * random.normal())));

export const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
