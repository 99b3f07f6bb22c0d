import {
  addToSum,
  createExactSum,
  differenceText,
  parseAmount,
  sumText,
  type ExactSum,
} from './exact-sum.js';

/**
 * Checks that every entry (écriture) balances, its debits equal to its credits, while its lines stream by in book
 * order: a dossier of millions of lines is never held, only the entries still open. The tax administration's test
 * tool refuses an entry whose debit and credit differ, so a FEC written from books that lost lines (the lines a
 * migration rejected) must say which entries no longer balance.
 */

/** One entry line as the check reads it (a migrated book line has these fields). */
export interface EntryBalanceLine {
  /** The entry's identity in the books (its target id); null for a line of no entry. */
  readonly entryId: string | null;
  readonly journalCode: string | null;
  readonly entryNumber: string | null;
  /** `YYYY-MM-DD`. */
  readonly entryDate: string | null;
  readonly pieceRef: string | null;
  /** Canonical decimals; null is zero. */
  readonly debit: string | null;
  readonly credit: string | null;
}

/** An entry whose debits differ from its credits, named as an accountant looks it up. */
export interface UnbalancedEntry {
  readonly journal: string | null;
  readonly entryNumber: string | null;
  readonly pieceRef: string | null;
  /** `YYYY-MM-DD`. */
  readonly date: string | null;
  /** The entry's total debit and credit, canonical decimals. */
  readonly debit: string;
  readonly credit: string;
}

/**
 * The unbalanced entries: how many, their total debit and credit and the difference (`balance`, debit − credit:
 * the whole file's imbalance, since balanced entries add nothing to it), and the first ones in book order.
 */
export interface UnbalancedEntries {
  readonly entries: number;
  readonly debit: string;
  readonly credit: string;
  readonly balance: string;
  readonly first: readonly UnbalancedEntry[];
}

export interface EntryBalanceCheck {
  add(line: EntryBalanceLine): void;
  /** Closes the entries still open: call it once, after the last line. */
  result(): UnbalancedEntries;
}

/** Unbalanced entries named in full: enough to find the pattern, few enough for a warning a person reads. */
export const UNBALANCED_ENTRIES_NAMED = 5;

interface OpenEntry {
  readonly line: EntryBalanceLine;
  readonly debit: ExactSum;
  readonly credit: ExactSum;
}

const newEntry = (line: EntryBalanceLine): OpenEntry => ({
  line,
  debit: createExactSum(),
  credit: createExactSum(),
});

/** A line of no entry is grouped with the other lines of no entry (`\u0000` is never a target id). */
const keyOf = (line: EntryBalanceLine): string => line.entryId ?? '\u0000';

/**
 * Whether two lines may belong to one run of interleaving entries. Not the journal: book order sorts journals by
 * code, those without one together, where a line names such a journal by its source key; two of them with an entry
 * of one date and number interleave line by line though their names differ.
 */
const sameRun = (a: EntryBalanceLine, b: EntryBalanceLine): boolean =>
  a.entryDate === b.entryDate && a.entryNumber === b.entryNumber;

export const createEntryBalanceCheck = (named = UNBALANCED_ENTRIES_NAMED): EntryBalanceCheck => {
  /** The entry of the last line: nearly every line is the next line of the same entry, found without a lookup. */
  let current: OpenEntry | undefined;
  /**
   * Book order keeps an entry's lines together, except for entries sharing date and number (numbering left empty
   * by the legacy software, or journals without a code sorted together): those interleave by line number. The
   * entries of such a run (sameRun) stay open together here, by id, until a line of another run comes; for all other
   * runs this stays empty.
   */
  const interleaved = new Map<string, OpenEntry>();
  let unbalanced = 0;
  const debit = createExactSum();
  const credit = createExactSum();
  const first: UnbalancedEntry[] = [];

  const close = (entry: OpenEntry): void => {
    if (differenceText(entry.debit, entry.credit) === '0') return;
    const entryDebit = sumText(entry.debit);
    const entryCredit = sumText(entry.credit);
    unbalanced++;
    addToSum(debit, parseAmount(entryDebit));
    addToSum(credit, parseAmount(entryCredit));
    if (first.length < named)
      first.push({
        journal: entry.line.journalCode,
        entryNumber: entry.line.entryNumber,
        pieceRef: entry.line.pieceRef,
        date: entry.line.entryDate,
        debit: entryDebit,
        credit: entryCredit,
      });
  };

  /** Closes the entries of the run that ended, in the order their first lines came. */
  const closeRun = (): void => {
    if (interleaved.size > 0) {
      for (const entry of interleaved.values()) close(entry);
      interleaved.clear();
    } else if (current !== undefined) close(current);
    current = undefined;
  };

  /** The entry a line of another entry than the last line's belongs to. */
  const entryOf = (line: EntryBalanceLine): OpenEntry => {
    if (current === undefined || !sameRun(current.line, line)) {
      closeRun();
      return newEntry(line);
    }
    if (interleaved.size === 0) interleaved.set(keyOf(current.line), current);
    let entry = interleaved.get(keyOf(line));
    if (entry === undefined) {
      entry = newEntry(line);
      interleaved.set(keyOf(line), entry);
    }
    return entry;
  };

  const add = (line: EntryBalanceLine): void => {
    if (current === undefined || line.entryId !== current.line.entryId) current = entryOf(line);
    addToSum(current.debit, parseAmount(line.debit));
    addToSum(current.credit, parseAmount(line.credit));
  };

  const result = (): UnbalancedEntries => {
    closeRun();
    return {
      entries: unbalanced,
      debit: sumText(debit),
      credit: sumText(credit),
      balance: differenceText(debit, credit),
      first: [...first],
    };
  };

  return { add, result };
};
