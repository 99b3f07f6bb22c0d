import type { DatedKeys } from './fec-numbering.js';
import type { SourceNotice } from '../../core/record-source.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { ReadProblem, SourceRecord } from '../../core/source-record.js';
import {
  entryKeyOf,
  fecFileFacts,
  normaliseAccountNumber,
  pcgClassOf,
  sideOfSens,
  thirdPartyKindOf,
} from '../../domains/accounting/fec-line-facts.js';
import type { AccountMapping } from './read-account-mapping.js';
import { dotReadsEitherWay } from '../../domains/accounting/fec/fec-amount.js';
import { formatFecDate, parseFecDate } from '../../domains/accounting/fec/fec-date.js';
import { fiscalYearBounds, type OutsideFiscalYear } from '../../domains/accounting/fec/fec-fiscal-year.js';

/**
 * Fields every FEC record gets besides its columns, so that a plan maps them like any column. Named in English
 * snake case so that they never collide with the norm's column names.
 */
export const FEC_DERIVED_FIELDS = [
  'entry_key',
  'fiscal_year_end',
  'fiscal_year_start',
  'siren',
  'account_number',
  'pcg_class',
  'third_party_kind',
] as const;

/** Columns holding amounts, which the norm writes with a decimal comma. */
const AMOUNT_COLUMNS = ['Debit', 'Credit', 'Montant', 'Montantdevise'] as const;
/** An amount written with a dot as its decimal mark (`1200.00`), which no thousands grouping explains. */
const DOT_DECIMAL = /^[+-]?\d+\.\d+$/;

/** Accounts listed by name in a notice; past that, a count. */
const MAX_LISTED_ACCOUNTS = 50;

/** A count in a notice, as the run summary writes its numbers: `45,574 lines`. */
const count = (value: number): string => value.toLocaleString('en-US');

export interface FecLineEnricherOptions {
  /** The file as the plan names it (its base name gives SIREN and closing date). */
  readonly source: string;
  readonly accountLength: number | undefined;
  readonly mapping: AccountMapping | undefined;
  /**
   * Why keys add the date, if they do: the numbering restarts (a number used again in a journal for another entry),
   * or the lines of one number carry different dates (see fecDatedKeys).
   */
  readonly datedKeys?: DatedKeys;
  readonly notice: (notice: SourceNotice) => void;
}

const withProblem = (record: SourceRecord, problem: ReadProblem): SourceRecord =>
  record.problem === undefined ? { ...record, problem } : record;

/**
 * Completes each FEC record: values without their fixed-width padding, Debit and Credit from Montant + Sens,
 * the entry key (with the documented fallback when numbering is missing), the fiscal year and SIREN of the file
 * name, the account brought to the firm's chart, its PCG class and the third party's kind. Every deviation is
 * counted and reported once per file when reading ends; the raw line stays as read for the ledger.
 */
export const createFecLineEnricher = (options: FecLineEnricherOptions) => {
  const { source, accountLength, mapping, notice } = options;
  const restarting = options.datedKeys !== undefined;
  const facts = fecFileFacts(source);
  const closingDate = facts.closingDate ?? '';
  const openingDate = facts.openingDate ?? '';
  const siren = facts.siren ?? '';
  // Lines loaded into the fiscal year the name closes whose date is not of it (a 2023 FEC named …FEC20221231):
  // judged by fec validate's own rule (DATE_AFTER_CLOSING, DATE_BEFORE_FISCAL_YEAR), counted and said once.
  const fiscalYear =
    facts.closingDate === undefined
      ? undefined
      : fiscalYearBounds(Number(facts.closingDate.replaceAll('-', '')));
  let lastDateText = '';
  let lastDateOutside: OutsideFiscalYear | undefined;
  let afterClosing = 0;
  let beforeStart = 0;
  let firstOutsideLine: number | undefined;
  let padded = 0;
  let firstPaddedLine: number | undefined;
  let fallbackKeys = 0;
  let montantSens = 0;
  let dotDecimals = 0;
  let firstDotDecimalLine: number | undefined;
  const unmapped = new Set<string>();
  let unmappedLines = 0;

  const accountOf = (account: string): { number: string } | { problem: ReadProblem } => {
    let number = account;
    if (accountLength !== undefined && account !== '') {
      const normalised = normaliseAccountNumber(account, accountLength);
      if (normalised === undefined) {
        return {
          problem: {
            reason: RejectReason.INVALID_ACCOUNT,
            message: `account "${account}" is longer than the chart's ${accountLength} digits and does not end in zeros: shortening it would merge accounts`,
            column: 'CompteNum',
          },
        };
      }
      number = normalised;
    }
    if (mapping === undefined || number === '') return { number };
    const ambiguous = mapping.ambiguous.get(number);
    if (ambiguous !== undefined) {
      return {
        problem: {
          reason: RejectReason.AMBIGUOUS_ACCOUNT,
          message: `account "${number}" is mapped to ${ambiguous.join(' and ')} by ${mapping.source}`,
          column: 'CompteNum',
        },
      };
    }
    const mapped = mapping.accounts.get(number);
    if (mapped !== undefined) return { number: mapped };
    unmappedLines += 1;
    if (unmapped.size <= MAX_LISTED_ACCOUNTS) unmapped.add(number);
    return { number };
  };

  /** The file's columns, from its header: which to trim, and whether amounts come as Montant + Sens. */
  let columns: readonly string[] = [];
  let amountColumns: readonly string[] = [];
  let montantLayout = false;
  const setColumns = (header: readonly string[]): void => {
    columns = header;
    amountColumns = AMOUNT_COLUMNS.filter((column) => header.includes(column));
    montantLayout = header.includes('Montant') && !header.includes('Debit');
  };

  const SPACE = 32;
  const enrich = (record: SourceRecord): SourceRecord => {
    // A line that could not be read is rejected as read: nothing is derived from half a line.
    if (record.problem !== undefined) return record;
    // The reader built this object for this record alone (with every derived field already in its shape):
    // completing it in place spares a copy per line. This runs once per FEC line per entity: keep it lean.
    const fields = record.fields as Record<string, string>;
    let wasPadded = false;
    for (let index = 0; index < columns.length; index += 1) {
      const name = columns[index] as string;
      const value = fields[name] as string;
      const last = value.length - 1;
      if (last >= 0 && (value.charCodeAt(0) === SPACE || value.charCodeAt(last) === SPACE)) {
        fields[name] = value.trim();
        wasPadded = true;
      }
    }
    if (wasPadded) {
      padded += 1;
      firstPaddedLine ??= record.location.line;
    }

    // The norm asks for a decimal comma; software that writes a dot means a decimal all the same (read, and said).
    // `1.234` is refused, as `cutover fec validate` refuses it: read as 1.234 it unbalanced an entry whose other
    // side wrote 1234,00.
    let dotDecimal = false;
    let problem: ReadProblem | undefined;
    for (let index = 0; index < amountColumns.length; index += 1) {
      const column = amountColumns[index] as string;
      const value = fields[column] as string;
      if (!value.includes('.') || !DOT_DECIMAL.test(value)) continue;
      if (dotReadsEitherWay(value)) {
        problem ??= {
          reason: RejectReason.INVALID_AMOUNT,
          message: `${column} "${value}" reads as ${value.replace(/^\+/, '')} with a decimal point and as ${value.replace(/^\+/, '').replace('.', '')} with a thousands separator (the norm's decimal mark is a comma)`,
          column,
        };
        continue;
      }
      fields[column] = value.replace('.', ',');
      dotDecimal = true;
    }
    if (dotDecimal) {
      dotDecimals += 1;
      firstDotDecimalLine ??= record.location.line;
    }

    if (montantLayout) {
      montantSens += 1;
      const sens = fields.Sens ?? '';
      const side = sideOfSens(sens);
      const amount = fields.Montant ?? '';
      if (side === undefined) {
        problem ??= {
          reason: RejectReason.INVALID_AMOUNT,
          message: `Sens "${sens}" is neither D/C nor +1/-1: the side of the amount is unknown`,
          column: 'Sens',
        };
      }
      fields.Debit = side === 'debit' ? amount : '0';
      fields.Credit = side === 'credit' ? amount : '0';
    }

    const entry = entryKeyOf(
      fields.EcritureNum ?? '',
      fields.PieceRef ?? '',
      fields.EcritureDate ?? '',
      restarting,
    );
    if (entry.fallback) fallbackKeys += 1;
    if (fiscalYear !== undefined) {
      // Most lines repeat the previous line's date: it is judged once. An invalid date is the mapping's to reject.
      const dateText = fields.EcritureDate ?? '';
      if (dateText !== lastDateText) {
        lastDateText = dateText;
        const date = parseFecDate(dateText);
        lastDateOutside = date > 0 ? fiscalYear.outside(date) : undefined;
      }
      if (lastDateOutside !== undefined) {
        if (lastDateOutside === 'DATE_AFTER_CLOSING') afterClosing += 1;
        else beforeStart += 1;
        firstOutsideLine ??= record.location.line;
      }
    }
    fields.entry_key = entry.key;
    fields.fiscal_year_end = closingDate;
    fields.fiscal_year_start = openingDate;
    fields.siren = siren;
    const account = fields.CompteNum ?? '';
    if (accountLength === undefined && mapping === undefined) fields.account_number = account;
    else {
      const chart = accountOf(account);
      if ('problem' in chart) {
        problem ??= chart.problem;
        fields.account_number = account;
      } else fields.account_number = chart.number;
    }
    fields.pcg_class = pcgClassOf(account) ?? '';
    fields.third_party_kind = (fields.CompAuxNum ?? '') === '' ? '' : thirdPartyKindOf(account);
    return problem === undefined ? record : withProblem(record, problem);
  };

  /** Reports what was read differently from the norm (once per file, with counts). */
  const finish = (records: number): void => {
    if (records === 0) return;
    if (facts.closingDate === undefined) {
      notice({
        code: 'FEC_NAME_WITHOUT_DATE',
        message: `${source}: the file name is not SIRENFECYYYYMMDD, so the fiscal year and SIREN are unknown (fields fiscal_year_end and siren are empty)`,
      });
    }
    if (fiscalYear !== undefined && afterClosing + beforeStart > 0) {
      const counts = [
        afterClosing > 0 ? `${count(afterClosing)} after its closing date (DATE_AFTER_CLOSING)` : '',
        beforeStart > 0
          ? `${count(beforeStart)} before the earliest start of such a year, ${formatFecDate(fiscalYear.earliestStart)} (DATE_BEFORE_FISCAL_YEAR)`
          : '',
      ].filter((part) => part !== '');
      notice({
        code: 'FEC_DATES_OUTSIDE_FISCAL_YEAR',
        message: `${source}: ${count(afterClosing + beforeStart)} lines are dated outside the fiscal year its name closes on ${formatFecDate(fiscalYear.closing)}: ${counts.join(', ')}; their fiscal_year_end is the name's all the same, so the plan files them under that year, or rejects them where it has no such year (is the file named after its year? \`cutover fec validate\` lists them)`,
        ...(firstOutsideLine === undefined ? {} : { line: firstOutsideLine }),
      });
    }
    if (padded > 0) {
      notice({
        code: 'FEC_PADDED_VALUES',
        message: `${source}: ${count(padded)} lines have values padded with spaces (fixed-width export); read without the padding`,
        ...(firstPaddedLine === undefined ? {} : { line: firstPaddedLine }),
      });
    }
    if (dotDecimals > 0) {
      notice({
        code: 'FEC_DOT_DECIMAL',
        message: `${source}: ${count(dotDecimals)} lines write amounts with a dot as decimal mark (the norm asks for a comma); read as decimals`,
        ...(firstDotDecimalLine === undefined ? {} : { line: firstDotDecimalLine }),
      });
    }
    if (montantSens > 0) {
      notice({
        code: 'FEC_MONTANT_SENS',
        message: `${source}: amounts are given as Montant + Sens; Debit and Credit are read from them`,
      });
    }
    if (options.datedKeys === 'restarting') {
      notice({
        code: 'FEC_NUMBERING_RESTARTS',
        message: `${source}: entry numbers are used again within a journal for other entries: entries are keyed by EcritureNum + EcritureDate`,
      });
    } else if (options.datedKeys === 'dates-differ') {
      notice({
        code: 'FEC_ENTRY_DATES_DIFFER',
        message: `${source}: lines of one entry number carry different dates (fec validate: ENTRY_DATES_DIFFER): entries are keyed by EcritureNum + EcritureDate, so that each date keeps its own entry`,
      });
    }
    if (fallbackKeys > 0) {
      notice({
        code: 'FEC_ENTRY_KEY_FALLBACK',
        message: `${source}: ${count(fallbackKeys)} lines have no entry number (EcritureNum empty or 0): their entry is keyed by PieceRef + EcritureDate`,
      });
    }
    if (unmappedLines > 0) {
      const listed = [...unmapped].slice(0, MAX_LISTED_ACCOUNTS);
      const more = unmapped.size > MAX_LISTED_ACCOUNTS ? ', and more' : '';
      notice({
        code: 'FEC_UNMAPPED_ACCOUNTS',
        message: `${source}: ${unmappedLines} lines use accounts the mapping table does not name, kept as they are: ${listed.join(', ')}${more}`,
      });
    }
  };

  return { setColumns, enrich, finish };
};
