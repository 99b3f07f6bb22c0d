import { earliestFiscalYearStart } from './fec-date.js';

/** How an entry's date falls outside the fiscal year a FEC's name closes, in `cutover fec validate`'s codes. */
export type OutsideFiscalYear = 'DATE_AFTER_CLOSING' | 'DATE_BEFORE_FISCAL_YEAR';

export interface FiscalYearBounds {
  /** The closing date the file name gives, YYYYMMDD. */
  readonly closing: number;
  /** The earliest first day of a fiscal year closing then (see earliestFiscalYearStart), YYYYMMDD. */
  readonly earliestStart: number;
  /** Where a date (YYYYMMDD, a real day) falls: undefined within the fiscal year. */
  readonly outside: (date: number) => OutsideFiscalYear | undefined;
}

/**
 * The one rule of whether an EcritureDate belongs to the fiscal year its file's name closes: after the closing date,
 * or before the earliest day such a year can begin. `cutover fec validate` reports by it, and `cutover run` says by
 * it that it loads lines into a year their dates are not of, so that the two never judge a file differently.
 * `closing` is YYYYMMDD (a real day).
 */
export const fiscalYearBounds = (closing: number): FiscalYearBounds => {
  const earliestStart = earliestFiscalYearStart(closing);
  return {
    closing,
    earliestStart,
    outside: (date) =>
      date > closing ? 'DATE_AFTER_CLOSING' : date < earliestStart ? 'DATE_BEFORE_FISCAL_YEAR' : undefined,
  };
};
