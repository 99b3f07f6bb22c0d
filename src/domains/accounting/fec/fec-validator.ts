import { addExact, amountCents, centsPlusExact, formatCents, readFecAmount } from './fec-amount.js';
import { formatFecDate, parseFecDate } from './fec-date.js';
import { fiscalYearBounds } from './fec-fiscal-year.js';
import {
  createEntryBook,
  EntryFlag,
  fileIndexOf,
  lineLocation,
  lineOf,
  type EntryBook,
} from './fec-entry-book.js';
import { isValidSiren, type FecFileName } from './fec-file-name.js';
import { FEC_FINDINGS, type FecSeverity, type FecFindingCode } from './fec-finding-codes.js';
import { resolveFecHeader, type FecColumn, type FecHeader, type FecLayout } from './fec-header.js';
import { isOpeningJournal } from '../opening-journal.js';
import { groupThousands } from '../../../core/amount-text.js';

/** One kind of problem in one file: every occurrence counted, the first few located. */
export interface FecFinding {
  readonly code: FecFindingCode;
  readonly severity: FecSeverity;
  readonly message: string;
  readonly file: string;
  /** The column concerned, for field-level findings. */
  readonly field?: string;
  /** Exact number of occurrences (lines, or entries / groups / sequences for the book-level findings). */
  readonly count: number;
  /** Line numbers in `file`, ascending: the first `maxLines` of the file only (see keepFirstLine). */
  readonly lines: readonly number[];
  /**
   * For book-level findings: what each occurrence is (the first `maxLines` only), or, with `count`, a group of
   * occurrences (VALID_DATE_ORDER: one per journal) and its first lines.
   */
  readonly items?: readonly {
    readonly detail: string;
    readonly lines: readonly number[];
    readonly count?: number;
  }[];
}

export const NumberingMode = {
  /** One sequence for the whole file, each number used by one journal. */
  PER_FILE: 'per-file',
  /** Each journal has its own sequence (the same number appears in several journals). */
  PER_JOURNAL: 'per-journal',
  /** A number comes back later in the same journal for another entry (e.g. a sequence restarting each month). */
  RESTARTING: 'restarting',
  /** EcritureNum empty or 0 everywhere. */
  MISSING: 'missing',
} as const;
export type NumberingMode = (typeof NumberingMode)[keyof typeof NumberingMode];

export const EntryKey = {
  NUMBER: 'JournalCode+EcritureNum',
  /** The documented fallback when numbering is missing. */
  PIECE: 'JournalCode+PieceRef+EcritureDate',
} as const;
export type EntryKey = (typeof EntryKey)[keyof typeof EntryKey];

export interface FecFileFacts {
  readonly separator?: string;
  readonly bom?: boolean;
  /** The file's own encoding, by its byte-order mark (UTF-8 when it has none, legacy lines aside). */
  readonly encoding?: FecFileEncoding;
  readonly trailingSeparator?: boolean;
}

export type FecFileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface FecValidationSummary {
  readonly lines: number;
  /**
   * False when the header lacks the amount columns of its layout (HEADER_MISSING_COLUMN): the lines were counted,
   * not checked, and the entries, totals and numbering below say nothing about them.
   */
  readonly linesChecked: boolean;
  readonly entries: number;
  readonly balancedEntries: number;
  readonly unbalancedEntries: number;
  /** Exact decimal strings, `.` as decimal point: `10186219.81`. */
  readonly totalDebit: string;
  readonly totalCredit: string;
  readonly balanced: boolean;
  readonly entryKey: EntryKey;
  readonly numbering: {
    readonly mode: NumberingMode;
    /** No number missing in any sequence. */
    readonly continuous: boolean;
    readonly missingNumbers: number;
    /** Entries whose EcritureNum has no digits to place in a sequence. */
    readonly entriesWithoutNumber: number;
  };
  readonly layout: FecLayout & {
    readonly separator: string | undefined;
    readonly trailingSeparator: boolean;
  };
  readonly encoding: {
    /** Of the (first) file. */
    readonly name: FecFileEncoding;
    readonly bom: boolean;
    readonly fallbackLines: number;
    readonly fallbackEncodings: string[];
  };
  readonly journals: number;
  readonly dates: {
    readonly first: string | undefined;
    readonly last: string | undefined;
    readonly closing: string | undefined;
    readonly earliestStart: string | undefined;
  };
  readonly findings: Readonly<Record<FecSeverity, number>>;
}

export interface FecValidationReport {
  readonly files: readonly string[];
  /** True when no finding has the `error` severity. */
  readonly valid: boolean;
  readonly fileName: { readonly siren: string; readonly closingDate: string; readonly part?: number } | null;
  readonly summary: FecValidationSummary;
  readonly findings: readonly FecFinding[];
}

export interface FecValidatorOptions {
  /** The parsed name of the (first) file: closing date and SIREN. Undefined when the name is not the norm's. */
  readonly fileName?: FecFileName | undefined;
  /** The name as given, to report a name outside the norm. */
  readonly displayName?: string;
  /** Parts of a split FEC that were not given. */
  readonly missingParts?: readonly number[];
  /** Lines (and items) listed per finding; counts stay exact. Default 20. */
  readonly maxLines?: number;
}

export interface FecValidator {
  /** The header line of a file; every file (each part of a split FEC) starts with one. */
  header(fields: readonly string[], file: string, line: number, facts?: FecFileFacts): void;
  line(fields: readonly string[], file: string, line: number): void;
  /** The reader decoded this line in a legacy code page. */
  encodingFallback(file: string, line: number, encoding: string): void;
  finish(): FecValidationReport;
}

/** The digits that end an EcritureNum (`VT0012` → 12), NaN when it does not end with one. */
const sequenceNumber = (text: string): number => {
  let end = text.length;
  let start = end;
  while (start > 0) {
    const code = text.charCodeAt(start - 1);
    if (code < 48 || code > 57) break;
    start -= 1;
  }
  if (start === end) return NaN;
  // Past 15 digits a number is an identifier, not a sequence we can check exactly.
  if (end - start > 15) end = start + 15;
  let value = 0;
  for (let index = start; index < end; index += 1) value = value * 10 + (text.charCodeAt(index) - 48);
  return value;
};

/** An EcritureNum that numbers nothing: empty, or zeros only (`0`, `00000000`). */
const isMissingNumber = (text: string): boolean => {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) !== 48) return false;
  return true;
};

const MANDATORY: readonly FecColumn[] = [
  'JournalCode',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'EcritureLib',
];
const EXPECTED: readonly FecColumn[] = ['JournalLib', 'PieceRef', 'PieceDate', 'ValidDate'];

const SEVERITY_ORDER: Record<FecSeverity, number> = { error: 0, alert: 1, 'missing-data': 2 };

/**
 * Adds a line to the lines a finding lists, which stay ascending and hold the `max` first lines of the file, however
 * the check met them: book-level checks go journal by journal along the numbering, and a list in that order made its
 * reader jump back and forth in the file. No more than `max` lines are ever held; lines met in file order (every
 * line-level finding) cost one comparison once the list is full.
 */
const keepFirstLine = (kept: number[], line: number, max: number): void => {
  if (kept.length >= max) {
    if (max <= 0 || line >= (kept[kept.length - 1] as number)) return;
    kept.pop();
  }
  let at = kept.length;
  while (at > 0 && (kept[at - 1] as number) > line) at -= 1;
  if (at === kept.length) kept.push(line);
  else kept.splice(at, 0, line);
};

interface FindingState {
  readonly code: FecFindingCode;
  readonly file: number;
  readonly field: string | undefined;
  count: number;
  readonly lines: number[];
  readonly items: { detail: string; lines: number[]; count?: number }[];
}

/**
 * Validates one FEC (one file, or the parts of a split FEC in order) as its lines stream by: the norm's format
 * checks (those of the DGFiP's Test Compta Demat) and the books' own coherence (balanced entries and totals,
 * numbering, fiscal year, validation order, opening entries, lettering, currency). Memory grows with the number
 * of entries, not of lines.
 */
export const createFecValidator = (options: FecValidatorOptions = {}): FecValidator => {
  const maxLines = options.maxLines ?? 20;
  const files: string[] = [];
  const findings = new Map<string, FindingState>();
  let fileIndex = -1;

  const finding = (code: FecFindingCode, file: number, field?: string): FindingState => {
    const key = field === undefined ? `${code}\u0000${file}` : `${code}\u0000${file}\u0000${field}`;
    let state = findings.get(key);
    if (state === undefined) {
      state = { code, file, field, count: 0, lines: [], items: [] };
      findings.set(key, state);
    }
    return state;
  };
  /** A line-level occurrence. */
  const report = (code: FecFindingCode, line: number, field?: string): void => {
    const state = finding(code, fileIndex, field);
    state.count += 1;
    keepFirstLine(state.lines, line, maxLines);
  };
  /**
   * A book-level occurrence (an entry, a group, a sequence) with its lines, possibly in several files.
   * `findingLocations`, when the item lists only some of its lines (the first gaps along the numbering), are those
   * the finding's lines are taken from: the first of the file among all of the item's.
   */
  const reportItem = (
    code: FecFindingCode,
    detail: string,
    locations: readonly number[],
    field?: string,
    findingLocations: readonly number[] = locations,
  ): void => {
    const file = locations.length > 0 ? fileIndexOf(locations[0] as number) : 0;
    const state = finding(code, file, field);
    state.count += 1;
    const lines = locations.filter((at) => fileIndexOf(at) === file).map(lineOf);
    for (const at of findingLocations)
      if (fileIndexOf(at) === file) keepFirstLine(state.lines, lineOf(at), maxLines);
    // An item's own lines stay in its order: a numbering gap's lines follow the gaps its detail lists.
    if (state.items.length < maxLines) state.items.push({ detail, lines: lines.slice(0, maxLines) });
  };

  // The file name: SIREN, closing date, parts.
  const name = options.fileName;
  const closing = name !== undefined && name.closingDate > 0 ? name.closingDate : -1;
  const fiscalYear = closing > 0 ? fiscalYearBounds(closing) : undefined;
  const earliestStart = fiscalYear?.earliestStart ?? -1;

  // Layout of the first header; every part of a split FEC must repeat it.
  let header: FecHeader | undefined;
  let columnCount = 0;
  let facts: FecFileFacts = {};
  let iJournal = -1;
  let iJournalLib = -1;
  let iNum = -1;
  let iDate = -1;
  let iAccount = -1;
  let iAux = -1;
  let iAuxLib = -1;
  let iPiece = -1;
  let iPieceDate = -1;
  let iDebit = -1;
  let iCredit = -1;
  let iMontant = -1;
  let iSens = -1;
  let iLet = -1;
  let iDateLet = -1;
  let iValid = -1;
  let iCurrencyAmount = -1;
  let iCurrency = -1;
  let iDateRglt = -1;
  let mandatory: { name: FecColumn; index: number }[] = [];
  let expected: { name: FecColumn; index: number }[] = [];
  let montantSens = false;
  /**
   * False when the header lacks the amount columns of its layout (not a FEC, or a FEC without Credit...): no line's
   * amount can be read, so lines are counted but not checked, and the books are not judged on amounts of zero.
   */
  let linesReadable = true;

  // Tallies.
  let lines = 0;
  const totals = { debit: 0n, credit: 0n, debitCents: 0, creditCents: 0, debitExact: '0', creditExact: '0' };
  const book = createEntryBook();
  /** Kept while every EcritureNum seen is empty or 0, for the fallback key; dropped at the first real number. */
  let pieceBook: EntryBook | undefined = createEntryBook();
  const journalIds = new Map<string, number>();
  const journalCodes: string[] = [];
  const journalOpening: boolean[] = [];
  let seenNonOpening = false;
  let firstDate = Number.MAX_SAFE_INTEGER;
  let lastDate = 0;
  const lettering = new Map<string, { sum: number; first: number; lines: number }>();
  let fallbackLines = 0;
  const fallbackEncodings = new Set<string>();
  /** Amounts of the current line beyond cents (rare). */
  let lineExact: string | undefined;
  let lineUnreadable = false;
  let previousSlot = -1;
  let previousJournal = '';
  let previousJournalIndex = -1;
  let previousNum = '';
  let lastValidText = '';
  let lastValidValue = -1;
  let lastDateText = '';
  let lastDateValue = -1;

  /** The slow path of an amount that `amountCents` refused: reports why and returns what can be counted. */
  const slowAmount = (text: string, field: FecColumn, line: number, sign: 1 | -1): number => {
    const reading = readFecAmount(text);
    switch (reading.kind) {
      case 'ok':
        return reading.cents;
      case 'empty':
        report('AMOUNT_EMPTY', line, field);
        lineUnreadable = true;
        return 0;
      case 'dot-decimal':
        report('AMOUNT_DOT_DECIMAL', line, field);
        if (reading.cents < 0) report('AMOUNT_NEGATIVE', line, field);
        return reading.cents;
      case 'decimal': {
        if (reading.dot) report('AMOUNT_DOT_DECIMAL', line, field);
        if (reading.value.startsWith('-')) report('AMOUNT_NEGATIVE', line, field);
        report('AMOUNT_SUBCENT', line, field);
        const signed =
          sign === 1
            ? reading.value
            : reading.value.startsWith('-')
              ? reading.value.slice(1)
              : `-${reading.value}`;
        lineExact = lineExact === undefined ? signed : addExact(lineExact, signed);
        if (field === 'Credit' || (montantSens && sign === -1)) {
          totals.creditExact = addExact(totals.creditExact, reading.value);
        } else {
          totals.debitExact = addExact(totals.debitExact, reading.value);
        }
        return 0;
      }
      case 'thousands-separator':
        report('AMOUNT_THOUSANDS_SEPARATOR', line, field);
        lineUnreadable = true;
        return 0;
      case 'not-a-number':
        report('AMOUNT_NOT_NUMERIC', line, field);
        lineUnreadable = true;
        return 0;
    }
  };

  /** Checks a date column; returns the date or -1 (empty or invalid). */
  const dateField = (text: string, field: FecColumn, line: number): number => {
    if (text === '') return -1;
    const value = parseFecDate(text);
    if (value < 0) {
      const trimmed = text.trim();
      if (trimmed === '') return -1;
      const again = parseFecDate(trimmed);
      if (again < 0) report('DATE_INVALID', line, field);
      return again;
    }
    return value;
  };

  // Keeps totals exact past 2^53 cents: the number part is moved into a bigint long before it could round.
  const FLUSH = 2 ** 50;
  const flushTotals = () => {
    totals.debit += BigInt(totals.debitCents);
    totals.credit += BigInt(totals.creditCents);
    totals.debitCents = 0;
    totals.creditCents = 0;
  };

  const journalId = (code: string, label: string, line: number): number => {
    let id = journalIds.get(code);
    if (id === undefined) {
      id = journalCodes.length;
      journalIds.set(code, id);
      journalCodes.push(code);
      journalOpening.push(isOpeningJournal(code, label));
    }
    if (journalOpening[id] === true) {
      if (seenNonOpening) report('OPENING_NOT_FIRST', line);
    } else seenNonOpening = true;
    return id;
  };

  const validator: FecValidator = {
    header(fields, file, line, fileFacts = {}) {
      files.push(file);
      fileIndex = files.length - 1;
      // Windows tools save "Unicode" text as UTF-16: readable, but not in a character set the norm allows.
      if (fileFacts.encoding === 'utf-16le' || fileFacts.encoding === 'utf-16be')
        report('ENCODING_UTF16', line);
      const resolved = resolveFecHeader(fields);
      if (header !== undefined) {
        if (resolved.names.join('\u0000') !== header.names.join('\u0000')) {
          report('SPLIT_HEADER_MISMATCH', line);
        }
        return;
      }
      header = resolved;
      facts = fileFacts;
      columnCount = resolved.names.length;
      for (const missing of resolved.missing) report('HEADER_MISSING_COLUMN', line, missing);
      for (const duplicate of resolved.duplicates) report('HEADER_DUPLICATE_COLUMN', line, duplicate);
      for (const unknown of resolved.unknown) report('HEADER_UNKNOWN_COLUMN', line, unknown);
      if (resolved.outOfOrder) report('HEADER_COLUMN_ORDER', line);
      const at = (column: FecColumn) => resolved.index[column] ?? -1;
      iJournal = at('JournalCode');
      iJournalLib = at('JournalLib');
      iNum = at('EcritureNum');
      iDate = at('EcritureDate');
      iAccount = at('CompteNum');
      iAux = at('CompAuxNum');
      iAuxLib = at('CompAuxLib');
      iPiece = at('PieceRef');
      iPieceDate = at('PieceDate');
      iDebit = at('Debit');
      iCredit = at('Credit');
      iMontant = at('Montant');
      iSens = at('Sens');
      iLet = at('EcritureLet');
      iDateLet = at('DateLet');
      iValid = at('ValidDate');
      iCurrencyAmount = at('Montantdevise');
      iCurrency = at('Idevise');
      iDateRglt = at('DateRglt');
      montantSens = resolved.layout.amounts === 'montant-sens';
      linesReadable = resolved.missingAmounts.length === 0;
      mandatory = MANDATORY.map((column) => ({ name: column, index: at(column) })).filter(
        (c) => c.index >= 0,
      );
      expected = EXPECTED.map((column) => ({ name: column, index: at(column) })).filter((c) => c.index >= 0);
    },

    line(fields, _file, line) {
      if (header === undefined) return;
      lines += 1;
      if (!linesReadable) return;
      // A trailing separator was taken off by the reader where the header has one too (see isTrailingSeparator).
      if (fields.length !== columnCount) {
        report('FIELD_COUNT', line);
        return;
      }
      const location = lineLocation(fileIndex, line);
      lineExact = undefined;
      lineUnreadable = false;

      for (let m = 0; m < mandatory.length; m += 1) {
        const column = mandatory[m] as { name: FecColumn; index: number };
        const value = fields[column.index] as string;
        if (value === '' || value.trim() === '') report('MANDATORY_FIELD_EMPTY', line, column.name);
      }
      for (let m = 0; m < expected.length; m += 1) {
        const column = expected[m] as { name: FecColumn; index: number };
        const value = fields[column.index] as string;
        if (value === '' || value.trim() === '') report('EXPECTED_FIELD_EMPTY', line, column.name);
      }

      const journal = (fields[iJournal] ?? '').trim();
      const numText = (fields[iNum] ?? '').trim();

      // EcritureDate: most lines repeat the previous line's date, so its reading is reused.
      const dateText = fields[iDate] ?? '';
      let date: number;
      if (dateText === lastDateText) date = lastDateValue;
      else {
        date = dateField(dateText, 'EcritureDate', line);
        // Only a valid date is remembered: an invalid one must be reported on every line that has it.
        if (date > 0) {
          lastDateText = dateText;
          lastDateValue = date;
        }
      }
      if (date > 0) {
        if (date < firstDate) firstDate = date;
        if (date > lastDate) lastDate = date;
        const outside = fiscalYear?.outside(date);
        if (outside !== undefined) report(outside, line);
      }
      // PieceDate is most often the entry's date, and ValidDate the previous line's: both are read once.
      if (iPieceDate >= 0) {
        const pieceDate = fields[iPieceDate] as string;
        if (pieceDate !== dateText || date < 0) dateField(pieceDate, 'PieceDate', line);
      }
      let validDate = -1;
      if (iValid >= 0) {
        const validText = fields[iValid] as string;
        if (validText === lastValidText) validDate = lastValidValue;
        else {
          validDate = dateField(validText, 'ValidDate', line);
          if (validDate > 0) {
            lastValidText = validText;
            lastValidValue = validDate;
          }
        }
      }
      if (iDateRglt >= 0) dateField(fields[iDateRglt] as string, 'DateRglt', line);

      // CompteNum: the first three characters are the class and account of the Plan comptable général.
      const account = (fields[iAccount] ?? '').trim();
      if (account !== '') {
        const a = account.charCodeAt(0);
        const b = account.charCodeAt(1);
        const c = account.charCodeAt(2);
        if (!(a >= 48 && a <= 57 && b >= 48 && b <= 57 && c >= 48 && c <= 57)) {
          report('ACCOUNT_NOT_THREE_DIGITS', line);
        }
      }
      if (iAux >= 0) {
        const auxEmpty = (fields[iAux] as string).trim() === '';
        const auxLibEmpty = iAuxLib < 0 || (fields[iAuxLib] as string).trim() === '';
        if (auxEmpty !== auxLibEmpty) report('AUX_ACCOUNT_INCOMPLETE', line);
      }

      // Amounts: debit - credit in cents.
      let debit = 0;
      let credit = 0;
      if (montantSens) {
        const text = fields[iMontant] as string;
        let amount = amountCents(text);
        const sens = (fields[iSens] as string).trim();
        const direction: 1 | -1 | 0 =
          sens === 'D' || sens === 'd' || sens === '+1' || sens === '1'
            ? 1
            : sens === 'C' || sens === 'c' || sens === '-1'
              ? -1
              : 0;
        if (Number.isNaN(amount)) amount = slowAmount(text, 'Montant', line, direction === 0 ? 1 : direction);
        else if (amount < 0) report('AMOUNT_NEGATIVE', line, 'Montant');
        if (direction === 0) {
          report('SENS_INVALID', line);
          lineUnreadable = true;
          lineExact = undefined;
        } else if (direction === 1) debit = amount;
        else credit = amount;
        if (amount === 0 && !lineUnreadable && lineExact === undefined) report('ZERO_AMOUNT_LINE', line);
      } else {
        const debitText = fields[iDebit] as string;
        const creditText = fields[iCredit] as string;
        debit = amountCents(debitText);
        if (Number.isNaN(debit)) debit = slowAmount(debitText, 'Debit', line, 1);
        else if (debit < 0) report('AMOUNT_NEGATIVE', line, 'Debit');
        credit = amountCents(creditText);
        if (Number.isNaN(credit)) credit = slowAmount(creditText, 'Credit', line, -1);
        else if (credit < 0) report('AMOUNT_NEGATIVE', line, 'Credit');
        if (debit !== 0 && credit !== 0) report('DEBIT_AND_CREDIT', line);
        else if (debit === 0 && credit === 0 && !lineUnreadable && lineExact === undefined) {
          report('ZERO_AMOUNT_LINE', line);
        }
      }
      totals.debitCents += debit;
      totals.creditCents += credit;
      if (
        totals.debitCents > FLUSH ||
        totals.creditCents > FLUSH ||
        totals.debitCents < -FLUSH ||
        totals.creditCents < -FLUSH
      ) {
        flushTotals();
      }
      const cents = debit - credit;

      // The entry.
      const number = sequenceNumber(numText);
      // Lines of one entry usually follow each other: the previous line's slot saves a key and a Map lookup.
      let slot: number;
      let journalIndex: number;
      if (journal === previousJournal && previousSlot >= 0) {
        journalIndex = previousJournalIndex;
        if (journalOpening[journalIndex] === true ? seenNonOpening : false) report('OPENING_NOT_FIRST', line);
      } else {
        journalIndex = journalId(journal, iJournalLib >= 0 ? (fields[iJournalLib] as string) : '', line);
      }
      if (numText === previousNum && journal === previousJournal && previousSlot >= 0) {
        slot = previousSlot;
        book.addTo(slot, cents, location, date, validDate);
      } else {
        slot = book.add(numText, cents, location, date, validDate, journalIndex, number);
        previousSlot = slot;
        previousJournal = journal;
        previousJournalIndex = journalIndex;
        previousNum = numText;
      }
      if (lineUnreadable) book.flag(slot, EntryFlag.UNREADABLE_AMOUNT);
      if (lineExact !== undefined) book.addExact(slot, lineExact, addExact);
      if (pieceBook !== undefined) {
        if (!isMissingNumber(numText)) pieceBook = undefined;
        else {
          const piece = iPiece >= 0 ? (fields[iPiece] as string).trim() : '';
          const pieceSlot = pieceBook.add(
            `${piece}\u0000${dateText}`,
            cents,
            location,
            date,
            validDate,
            journalIndex,
            NaN,
          );
          if (lineUnreadable) pieceBook.flag(pieceSlot, EntryFlag.UNREADABLE_AMOUNT);
          if (lineExact !== undefined) pieceBook.addExact(pieceSlot, lineExact, addExact);
        }
      }

      // Lettering: per account (and auxiliary account), the lettered lines of a group should net to zero.
      if (iLet >= 0) {
        const letter = (fields[iLet] as string).trim();
        const dateLet = iDateLet >= 0 ? dateField(fields[iDateLet] as string, 'DateLet', line) : -1;
        const dateLetEmpty = dateLet === -1 && (iDateLet < 0 || (fields[iDateLet] as string).trim() === '');
        if (letter !== '') {
          if (dateLetEmpty) report('LETTERING_DATE_INCOMPLETE', line);
          const aux = iAux >= 0 ? (fields[iAux] as string).trim() : '';
          const key = `${account}\u0000${aux}\u0000${letter}`;
          const group = lettering.get(key);
          if (group === undefined) lettering.set(key, { sum: cents, first: location, lines: 1 });
          else {
            group.sum += cents;
            group.lines += 1;
          }
        } else if (!dateLetEmpty) report('LETTERING_DATE_INCOMPLETE', line);
      }

      // Currency: an amount in currency needs its code, and a code needs an amount.
      if (iCurrencyAmount >= 0 || iCurrency >= 0) {
        const currencyAmount = iCurrencyAmount >= 0 ? (fields[iCurrencyAmount] as string).trim() : '';
        const currency = iCurrency >= 0 ? (fields[iCurrency] as string).trim() : '';
        if (currencyAmount !== '') {
          let value = amountCents(currencyAmount);
          if (Number.isNaN(value)) {
            const reading = readFecAmount(currencyAmount);
            if (reading.kind === 'dot-decimal') report('AMOUNT_DOT_DECIMAL', line, 'Montantdevise');
            else if (reading.kind === 'thousands-separator')
              report('AMOUNT_THOUSANDS_SEPARATOR', line, 'Montantdevise');
            else if (reading.kind === 'not-a-number') report('AMOUNT_NOT_NUMERIC', line, 'Montantdevise');
            value = reading.kind === 'ok' || reading.kind === 'dot-decimal' ? reading.cents : 1;
          }
          if (value !== 0 && currency === '') report('CURRENCY_AMOUNT_WITHOUT_CODE', line);
        } else if (currency !== '') report('CURRENCY_CODE_WITHOUT_AMOUNT', line);
      }
    },

    encodingFallback(_file, line, encoding) {
      fallbackLines += 1;
      fallbackEncodings.add(encoding);
      report('ENCODING_FALLBACK', line);
    },

    finish() {
      flushTotals();
      if (fileIndex < 0) files.push(options.displayName ?? '');
      // File-level findings, reported against the first file.
      const firstFile = 0;
      const fileFinding = (code: FecFindingCode, detail?: string) => {
        const state = finding(code, firstFile);
        state.count += 1;
        if (detail !== undefined && state.items.length < maxLines) state.items.push({ detail, lines: [] });
      };
      if (header === undefined) fileFinding('FILE_EMPTY');
      if (name === undefined) fileFinding('FILE_NAME_NOT_STANDARD', options.displayName);
      else {
        if (name.siren.length !== 9) fileFinding('SIREN_NOT_9_DIGITS', name.siren);
        else if (!isValidSiren(name.siren)) fileFinding('SIREN_CHECK_DIGIT', name.siren);
        if (name.closingDate < 0) fileFinding('CLOSING_DATE_INVALID', name.closingDateText);
      }
      for (const part of options.missingParts ?? []) fileFinding('SPLIT_PART_MISSING', `part _${part}`);

      const numberingMissing = pieceBook !== undefined && lines > 0 && linesReadable;
      const entries = numberingMissing ? (pieceBook as EntryBook) : book;
      const journalOf = (slot: number) => journalCodes[entries.journal(slot)] ?? '';
      const describe = (slot: number) => {
        const key = entries.keyOf(slot);
        return numberingMissing
          ? `JournalCode ${journalOf(slot)}, PieceRef ${key.split('\u0000')[0] ?? ''}, EcritureDate ${key.split('\u0000')[1] ?? ''}`
          : `JournalCode ${journalOf(slot)}, EcritureNum ${key}`;
      };

      // Balance of every entry.
      let restarts = false;
      let balancedEntries = 0;
      let unbalancedEntries = 0;
      for (let slot = 0; slot < entries.size(); slot += 1) {
        const exact = entries.exact(slot);
        const sum = entries.sum(slot);
        const difference = exact === undefined ? formatCents(sum) : centsPlusExact(BigInt(sum), exact);
        if (!/[1-9]/.test(difference)) balancedEntries += 1;
        else {
          unbalancedEntries += 1;
          const unreadable = (entries.flags(slot) & EntryFlag.UNREADABLE_AMOUNT) !== 0;
          reportItem(
            'ENTRY_UNBALANCED',
            `${describe(slot)}: debit - credit = ${difference}${unreadable ? ' (an amount could not be read)' : ''}`,
            entries.locations(slot, maxLines),
          );
        }
        const flags = entries.flags(slot);
        if ((flags & EntryFlag.DATES_DIFFER) !== 0) {
          if (!numberingMissing && (flags & EntryFlag.SCATTERED) !== 0) {
            restarts = true;
            reportItem('NUMBERING_RESTARTS', describe(slot), entries.locations(slot, maxLines));
          } else reportItem('ENTRY_DATES_DIFFER', describe(slot), entries.locations(slot, maxLines));
        }
      }
      if (numberingMissing) {
        fileFinding('NUMBERING_MISSING');
      }

      // Numbering: one sequence per file, or one per journal, and its gaps.
      const size = entries.size();
      let perJournal = false;
      let entriesWithoutNumber = 0;
      const sequences = new Map<number, number[]>();
      if (!numberingMissing) {
        const journalOfNumber = new Map<number, number>();
        for (let at = 0; at < size; at += 1) {
          const number = entries.number(at);
          if (Number.isNaN(number)) {
            entriesWithoutNumber += 1;
            continue;
          }
          const journal = entries.journal(at);
          const owner = journalOfNumber.get(number);
          if (owner === undefined) journalOfNumber.set(number, journal);
          else if (owner !== journal) perJournal = true;
        }
        for (let at = 0; at < size; at += 1) {
          if (Number.isNaN(entries.number(at))) continue;
          const sequence = perJournal ? entries.journal(at) : 0;
          let list = sequences.get(sequence);
          if (list === undefined) sequences.set(sequence, (list = []));
          list.push(at);
        }
      } else {
        sequences.set(
          0,
          Array.from({ length: size }, (_, at) => at),
        );
      }
      let missingNumbers = 0;
      for (const [sequence, slots] of sequences) {
        if (!numberingMissing) slots.sort((a, b) => entries.number(a) - entries.number(b));
        if (numberingMissing) continue;
        const gaps: string[] = [];
        const after: number[] = [];
        // The first locations of the file among every gap's, not only among the gaps listed: numbering and file
        // order may disagree.
        const firstOfFile: number[] = [];
        let missingHere = 0;
        for (let index = 1; index < slots.length; index += 1) {
          const before = entries.number(slots[index - 1] as number);
          const current = entries.number(slots[index] as number);
          if (current > before + 1) {
            missingHere += current - before - 1;
            keepFirstLine(firstOfFile, entries.first(slots[index] as number), maxLines);
            if (gaps.length < maxLines) {
              gaps.push(current === before + 2 ? String(before + 1) : `${before + 1}-${current - 1}`);
              after.push(entries.first(slots[index] as number));
            }
          }
        }
        if (missingHere > 0) {
          missingNumbers += missingHere;
          const where = perJournal ? `journal ${journalCodes[sequence] ?? ''}` : 'the file';
          reportItem(
            'NUMBERING_GAP',
            `${where}: ${missingHere} ${missingHere === 1 ? 'number' : 'numbers'} missing: ${gaps.join(', ')}${gaps.length === maxLines ? ', …' : ''}`,
            after,
            undefined,
            firstOfFile,
          );
        }
      }

      // Validation dates follow the numbering (file order when there is none). Said per journal of the entries
      // validated too early, how many and the first: one per entry, a badly sorted journal of a 5M-line file was a
      // list of its first 20 entries, all alike, the other journals' unsaid.
      const earlyByJournal = new Map<
        string,
        { file: number; journal: string; count: number; lines: number[]; first: string }
      >();
      for (const slots of sequences.values()) {
        let latest = 0;
        let latestSlot = -1;
        for (const at of slots) {
          const valid = entries.validDate(at);
          if (valid <= 0) continue;
          if (valid < latest) {
            const location = entries.first(at);
            const file = fileIndexOf(location);
            const state = finding('VALID_DATE_ORDER', file);
            state.count += 1;
            keepFirstLine(state.lines, lineOf(location), maxLines);
            const key = `${file}\u0000${journalOf(at)}`;
            let group = earlyByJournal.get(key);
            if (group === undefined) {
              const number = Number.isNaN(entries.number(at)) ? '' : ` n° ${entries.number(at)},`;
              const first = `the first,${number} line ${lineOf(location)}, validated ${formatFecDate(valid)} after line ${lineOf(entries.first(latestSlot))} validated ${formatFecDate(latest)}`;
              earlyByJournal.set(key, (group = { file, journal: journalOf(at), count: 0, lines: [], first }));
            }
            group.count += 1;
            keepFirstLine(group.lines, lineOf(location), maxLines);
          } else {
            latest = valid;
            latestSlot = at;
          }
        }
      }
      for (const group of earlyByJournal.values()) {
        const state = finding('VALID_DATE_ORDER', group.file);
        if (state.items.length >= maxLines) continue;
        const entriesText = `${groupThousands(String(group.count), ',')} ${group.count === 1 ? 'entry' : 'entries'}`;
        state.items.push({
          detail: `journal ${group.journal}: ${entriesText} validated before an earlier entry; ${group.first}`,
          lines: group.lines,
          count: group.count,
        });
      }

      // Lettering groups that do not net to zero.
      for (const [key, group] of lettering) {
        if (group.sum === 0) continue;
        const [account = '', aux = '', letter = ''] = key.split('\u0000');
        reportItem(
          'LETTERING_NOT_NETTING',
          `CompteNum ${account}${aux === '' ? '' : ` / CompAuxNum ${aux}`}, EcritureLet ${letter}: ${group.lines} ${group.lines === 1 ? 'line' : 'lines'}, net ${formatCents(group.sum)}`,
          [group.first],
        );
      }

      const totalDebit = centsPlusExact(totals.debit, totals.debitExact);
      const totalCredit = centsPlusExact(totals.credit, totals.creditExact);
      // Both strings are written the same way (at least two decimals, no trailing zero past them): equal text is equal value.
      const balanced = totalDebit === totalCredit;
      if (!balanced && lines > 0)
        fileFinding('TOTALS_UNBALANCED', `total debit ${totalDebit}, total credit ${totalCredit}`);

      const list: FecFinding[] = [...findings.values()]
        .map((state): FecFinding => {
          const { severity, explanation } = FEC_FINDINGS[state.code];
          return {
            code: state.code,
            severity,
            message: state.field === undefined ? explanation : `${state.field}: ${explanation}`,
            file: files[state.file] ?? '',
            ...(state.field === undefined ? {} : { field: state.field }),
            count: state.count,
            lines: state.lines,
            ...(state.items.length === 0 ? {} : { items: state.items }),
          };
        })
        .sort(
          (a, b) =>
            SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
            a.file.localeCompare(b.file) ||
            (a.lines[0] ?? 0) - (b.lines[0] ?? 0) ||
            a.code.localeCompare(b.code),
        );
      const bySeverity: Record<FecSeverity, number> = { error: 0, alert: 0, 'missing-data': 0 };
      for (const item of list) bySeverity[item.severity] += 1;

      const mode: NumberingMode = numberingMissing
        ? NumberingMode.MISSING
        : restarts
          ? NumberingMode.RESTARTING
          : perJournal
            ? NumberingMode.PER_JOURNAL
            : NumberingMode.PER_FILE;
      return {
        files,
        valid: bySeverity.error === 0,
        fileName:
          name === undefined
            ? null
            : {
                siren: name.siren,
                closingDate: name.closingDate > 0 ? formatFecDate(name.closingDate) : name.closingDateText,
                ...(name.part === undefined ? {} : { part: name.part }),
              },
        summary: {
          lines,
          linesChecked: linesReadable,
          entries: size,
          balancedEntries,
          unbalancedEntries,
          totalDebit,
          totalCredit,
          balanced,
          entryKey: numberingMissing ? EntryKey.PIECE : EntryKey.NUMBER,
          numbering: {
            mode,
            continuous: missingNumbers === 0 && !numberingMissing,
            missingNumbers,
            entriesWithoutNumber,
          },
          layout: {
            ...(header?.layout ?? { amounts: 'debit-credit', columns: 0, variant: 'standard' }),
            separator: facts.separator,
            trailingSeparator: facts.trailingSeparator === true,
          },
          encoding: {
            name: facts.encoding ?? 'utf-8',
            bom: facts.bom === true,
            fallbackLines,
            fallbackEncodings: [...fallbackEncodings],
          },
          journals: journalCodes.length,
          dates: {
            first: lastDate > 0 ? formatFecDate(firstDate) : undefined,
            last: lastDate > 0 ? formatFecDate(lastDate) : undefined,
            closing: closing > 0 ? formatFecDate(closing) : undefined,
            earliestStart: earliestStart > 0 ? formatFecDate(earliestStart) : undefined,
          },
          findings: bySeverity,
        },
        findings: list,
      };
    },
  };
  return validator;
};
