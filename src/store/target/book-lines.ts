import { OPENING_JOURNAL_CODES } from '../../domains/accounting/opening-journal.js';
import { fromDriverValue } from './target-values.js';
import type { SqlShape } from './target-sql.js';

/**
 * One entry line of the migrated books with what a ledger export prints beside it: its entry, journal, account and
 * third party. Decimals are canonical strings, dates `YYYY-MM-DD`; a missing parent leaves its fields null.
 */
export interface BookLine {
  /** The entry's target id, as text (SQLite returns a number, PostgreSQL's bigint a string); null for no entry. */
  readonly entryId: string | null;
  readonly journalCode: string | null;
  readonly journalLabel: string | null;
  readonly entryNumber: string | null;
  readonly entryDate: string | null;
  readonly entryLabel: string | null;
  readonly pieceRef: string | null;
  readonly pieceDate: string | null;
  readonly validatedOn: string | null;
  readonly accountNumber: string | null;
  readonly accountLabel: string | null;
  readonly thirdPartyNumber: string | null;
  readonly thirdPartyName: string | null;
  readonly lineNumber: number | null;
  readonly lineLabel: string | null;
  readonly debit: string | null;
  readonly credit: string | null;
  readonly letteringCode: string | null;
  readonly letteringDate: string | null;
  readonly currencyAmount: string | null;
  readonly currencyCode: string | null;
}

/**
 * A journal of opening entries: the plan's kind says so, or its code is an à-nouveaux code (a plan that maps no kind).
 * Codes are compared in upper case, as the validator does.
 */
const openingJournal = `(j.kind = 'opening' OR upper(j.code) IN (${OPENING_JOURNAL_CODES.map((code) => `'${code}'`).join(', ')}))`;

/**
 * The entry lines of one dossier (of one fiscal year, by its closing date, when `byFiscalYear`) in book order: entry
 * date, opening journals before the others of that date, journal, entry number, line number (the target id last, so
 * the order is total). The norm wants à-nouveaux first: sorted by code alone, a purchase journal `ACH` came before
 * `AN` on the year's first day, and the export got an OPENING_NOT_FIRST alert its source did not have. Entry numbers
 * sort by length first, so that `9` comes before `10` whether or not the legacy software padded them. `text` makes a text column sort byte-wise (PostgreSQL would use its locale);
 * `IS NULL` first keys put missing values last in both dialects, which disagree on where NULL sorts.
 */
export const bookLinesSql = (
  { table, parameter }: SqlShape,
  text: (expression: string) => string,
  byFiscalYear = false,
): string => `
  SELECT j.code AS journal_code, j.label AS journal_label, j.source_key AS journal_key,
    e.id AS entry_id, e.number AS entry_number, e.date AS entry_date, e.label AS entry_label, e.piece_ref, e.piece_date, e.validated_on,
    a.number AS account_number, a.label AS account_label, a.source_key AS account_key,
    tp.number AS third_party_number, tp.name AS third_party_name, tp.source_key AS third_party_key,
    l.line_number, l.label AS line_label, l.debit, l.credit, l.lettering_code, l.lettering_date,
    l.currency_amount, l.currency_code
  FROM ${table('entry_line')} l
    LEFT JOIN ${table('entry')} e ON e.id = l.entry_id
    LEFT JOIN ${table('journal')} j ON j.id = e.journal_id
    LEFT JOIN ${table('account')} a ON a.id = l.account_id
    LEFT JOIN ${table('third_party')} tp ON tp.id = l.third_party_id
  WHERE l.dossier_id = ${parameter(1)}${
    byFiscalYear
      ? ` AND e.fiscal_year_id = (SELECT fy.id FROM ${table('fiscal_year')} fy WHERE fy.dossier_id = ${parameter(1)} AND fy.end_date = ${parameter(2)})`
      : ''
  }
  ORDER BY e.date IS NULL, e.date, CASE WHEN ${openingJournal} THEN 0 ELSE 1 END, j.code IS NULL, ${text('j.code')}, e.number IS NULL, length(e.number),
    ${text('e.number')}, l.line_number IS NULL, l.line_number, l.id`;

const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : (fromDriverValue('text', value) as string);
const decimalOrNull = (value: unknown): string | null => fromDriverValue('decimal', value) as string | null;
const dateOrNull = (value: unknown): string | null => fromDriverValue('date', value) as string | null;

/** A row of `bookLinesSql` as a driver returns it. A code or number left empty falls back to the source key. */
export const bookLineFromRow = (raw: Readonly<Record<string, unknown>>): BookLine => ({
  entryId: textOrNull(raw.entry_id),
  journalCode: textOrNull(raw.journal_code) ?? textOrNull(raw.journal_key),
  journalLabel: textOrNull(raw.journal_label),
  entryNumber: textOrNull(raw.entry_number),
  entryDate: dateOrNull(raw.entry_date),
  entryLabel: textOrNull(raw.entry_label),
  pieceRef: textOrNull(raw.piece_ref),
  pieceDate: dateOrNull(raw.piece_date),
  validatedOn: dateOrNull(raw.validated_on),
  accountNumber: textOrNull(raw.account_number) ?? textOrNull(raw.account_key),
  accountLabel: textOrNull(raw.account_label),
  thirdPartyNumber: textOrNull(raw.third_party_number) ?? textOrNull(raw.third_party_key),
  thirdPartyName: textOrNull(raw.third_party_name),
  lineNumber: raw.line_number === null || raw.line_number === undefined ? null : Number(raw.line_number),
  lineLabel: textOrNull(raw.line_label),
  debit: decimalOrNull(raw.debit),
  credit: decimalOrNull(raw.credit),
  letteringCode: textOrNull(raw.lettering_code),
  letteringDate: dateOrNull(raw.lettering_date),
  currencyAmount: decimalOrNull(raw.currency_amount),
  currencyCode: textOrNull(raw.currency_code),
});
