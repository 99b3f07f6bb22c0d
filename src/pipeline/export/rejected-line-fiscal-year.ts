import { FEC_STANDARD_COLUMNS } from '../../domains/accounting/fec-columns.js';
import type { Plan } from '../../core/plan/plan-schema.js';
import { dateParser, isParseFailure, memoize } from '../map/value-parsers.js';

/**
 * The days a fiscal year's lines are placed in, `YYYY-MM-DD`, both included; `start` null when nothing bounds it
 * below (the first year), `end` null when nothing bounds it above (the last).
 */
export interface FiscalYearDays {
  readonly start: string | null;
  readonly end: string | null;
  /** The year's closing date. */
  readonly closing: string;
}

/** Where a rejected entry line falls against one fiscal year, by the date its raw record carries. */
export type FiscalYearPlace = 'in' | 'outside' | 'undated';

/** The norm fixes the order of the columns: EcritureDate is the fourth of every FEC line. */
const ECRITURE_DATE = FEC_STANDARD_COLUMNS.indexOf('EcritureDate');

/**
 * The EcritureDate of a FEC line as the ledger keeps it (the line as read, its separator a tab or `|`), without the
 * spaces of fixed-width padding; undefined when the line has no such field. The ledger does not keep the file's
 * header, so a file that shuffled its columns (the norm forbids it) gives another field here, which then reads as
 * no date, or as the date of that field. Nor does it keep the separator: it is the one the line holds more of, as a
 * label may hold the other (a tab in a pipe-separated file, a `|` in a tab-separated one).
 */
export const fecLineDateText = (raw: string): string | undefined => {
  let tabs = 0;
  let pipes = 0;
  for (let index = 0; index < raw.length; index++) {
    const unit = raw.charCodeAt(index);
    if (unit === 9) tabs++;
    else if (unit === 124) pipes++;
  }
  return raw.split(pipes > tabs ? '|' : '\t')[ECRITURE_DATE]?.trim();
};

/**
 * The formats a plan reads EcritureDate with: those of the entry's `date` when it is read from EcritureDate (a firm
 * may add `dd/MM/yyyy`; none named is the mapping's default, `yyyy-MM-dd`), else the norm's `yyyyMMdd`.
 */
export const ecritureDateFormats = (plan: Plan): readonly string[] | undefined => {
  const date = plan.entities.entry?.fields.date;
  const mapping = typeof date === 'string' ? { from: date, formats: undefined } : date;
  const from = Array.isArray(mapping?.from) && mapping.from.length === 1 ? mapping.from[0] : mapping?.from;
  return from === 'EcritureDate' ? mapping?.formats : ['yyyyMMdd'];
};

/**
 * Tells, from its raw FEC line, whether a rejected entry line is dated in a fiscal year, outside it, or carries no
 * date that the formats read (a line rejected for its date, say): those are never placed in a year by guess.
 */
export const fiscalYearPlaceOf = (
  year: FiscalYearDays,
  formats: readonly string[] | undefined,
): ((raw: string) => FiscalYearPlace) => {
  // Rejected lines of one entry, and of one day, repeat their date: each text is read once.
  const read = memoize(dateParser(formats));
  return (raw) => {
    const text = fecLineDateText(raw);
    if (text === undefined || text === '') return 'undated';
    const date = read(text);
    if (isParseFailure(date) || typeof date !== 'string') return 'undated';
    return (year.start === null || date >= year.start) && (year.end === null || date <= year.end)
      ? 'in'
      : 'outside';
  };
};
