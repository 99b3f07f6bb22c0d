import {
  addToSum,
  createExactSum,
  differenceText,
  parseAmount,
  sumText,
  type ExactSum,
} from './exact-sum.js';

/**
 * The trial balance (balance générale) of a set of entry lines: what the reconciliation and the evidence pack compare
 * between a legacy export and the migrated books. Every figure is an exact decimal string (canonical: `-1234.5`, no
 * exponent, no trailing zeros), so a result is plain JSON and two results compare by value without rounding.
 */

/**
 * One entry line as the trial balance needs it. Codes and numbers are compared trimmed: fixed-width legacy exports
 * pad them with spaces (`VE  `), and no accountant reads `VE  ` and `VE` as two journals.
 */
export interface TrialBalanceLine {
  /** General account number (CompteNum). */
  readonly account: string;
  /** Auxiliary (third-party) account (CompAuxNum), if any. */
  readonly auxiliaryAccount?: string | null | undefined;
  /** Journal code (JournalCode). */
  readonly journal: string;
  /** Entry number (EcritureNum): lines sharing journal and entry number are one entry. */
  readonly entryNumber: string;
  /** Entry date, `YYYY-MM-DD`. */
  readonly date: string;
  /** Plain decimal strings (`1234.5`); empty, null or undefined is zero. */
  readonly debit: string | null | undefined;
  readonly credit: string | null | undefined;
  /** Lettering code (EcritureLet), if any. */
  readonly letteringCode?: string | null | undefined;
}

/** Debit, credit and balance (debit − credit) of a group of lines. */
export interface TrialBalanceFigures {
  readonly debit: string;
  readonly credit: string;
  readonly balance: string;
  readonly lines: number;
}

export interface AccountBalance extends TrialBalanceFigures {
  readonly account: string;
}

export interface AuxiliaryAccountBalance extends TrialBalanceFigures {
  readonly auxiliaryAccount: string;
}

export interface JournalBalance extends TrialBalanceFigures {
  readonly journal: string;
  readonly entries: number;
}

export interface MonthBalance extends TrialBalanceFigures {
  /** `YYYY-MM` of the entry date. */
  readonly month: string;
}

/** Lines of one account sharing one lettering code; `balance` is zero when the lettering is complete. */
export interface LetteringGroupBalance extends TrialBalanceFigures {
  readonly account: string;
  readonly letteringCode: string;
}

/** Every list is sorted by its key(s) in code-unit order, so equal books give deep-equal (and byte-equal) JSON. */
export interface TrialBalance {
  readonly entries: number;
  readonly lines: number;
  readonly totals: TrialBalanceFigures;
  readonly accounts: readonly AccountBalance[];
  readonly auxiliaryAccounts: readonly AuxiliaryAccountBalance[];
  readonly journals: readonly JournalBalance[];
  readonly months: readonly MonthBalance[];
  readonly letteringGroups: readonly LetteringGroupBalance[];
}

/** Adds lines one at a time (a stream of millions of lines needs no array); `result()` may be called at any time. */
export interface TrialBalanceAccumulator {
  add(line: TrialBalanceLine): void;
  result(): TrialBalance;
}

interface Bucket {
  readonly debit: ExactSum;
  readonly credit: ExactSum;
  lines: number;
}

const newBucket = (): Bucket => ({ debit: createExactSum(), credit: createExactSum(), lines: 0 });

const bucketIn = (buckets: Map<string, Bucket>, key: string): Bucket => {
  let bucket = buckets.get(key);
  if (bucket === undefined) {
    bucket = newBucket();
    buckets.set(key, bucket);
  }
  return bucket;
};

const figures = (bucket: Bucket): TrialBalanceFigures => ({
  debit: sumText(bucket.debit),
  credit: sumText(bucket.credit),
  balance: differenceText(bucket.debit, bucket.credit),
  lines: bucket.lines,
});

// Code-unit order, not a locale's: the same order in every process, as the target's byte-wise keys.
const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

// Never part of an account number or a lettering code in practice, so the joined key splits back unambiguously.
const SEPARATOR = '\u0000';

export const createTrialBalanceAccumulator = (): TrialBalanceAccumulator => {
  const total = newBucket();
  const accounts = new Map<string, Bucket>();
  const auxiliaries = new Map<string, Bucket>();
  const journals = new Map<string, Bucket>();
  const months = new Map<string, Bucket>();
  const lettering = new Map<string, Bucket>();
  // Entry identities, to count entries whatever the line order (a FEC need not keep an entry's lines together).
  const entries = new Set<string>();
  const entriesPerJournal = new Map<string, number>();

  const add = (line: TrialBalanceLine): void => {
    const debit = parseAmount(line.debit);
    const credit = parseAmount(line.credit);
    const account = line.account.trim();
    const journal = line.journal.trim();
    const auxiliary = line.auxiliaryAccount?.trim();
    const letteringCode = line.letteringCode?.trim();
    const buckets = [
      total,
      bucketIn(accounts, account),
      bucketIn(journals, journal),
      bucketIn(months, line.date.slice(0, 7)),
    ];
    if (auxiliary) buckets.push(bucketIn(auxiliaries, auxiliary));
    if (letteringCode) buckets.push(bucketIn(lettering, `${account}${SEPARATOR}${letteringCode}`));
    for (const bucket of buckets) {
      addToSum(bucket.debit, debit);
      addToSum(bucket.credit, credit);
      bucket.lines++;
    }
    const entry = `${journal}${SEPARATOR}${line.entryNumber.trim()}`;
    if (!entries.has(entry)) {
      entries.add(entry);
      entriesPerJournal.set(journal, (entriesPerJournal.get(journal) ?? 0) + 1);
    }
  };

  const sorted = (buckets: Map<string, Bucket>) => [...buckets].sort(byKey);

  const result = (): TrialBalance => ({
    entries: entries.size,
    lines: total.lines,
    totals: figures(total),
    accounts: sorted(accounts).map(([account, bucket]) => ({ account, ...figures(bucket) })),
    auxiliaryAccounts: sorted(auxiliaries).map(([auxiliaryAccount, bucket]) => ({
      auxiliaryAccount,
      ...figures(bucket),
    })),
    journals: sorted(journals).map(([journal, bucket]) => ({
      journal,
      entries: entriesPerJournal.get(journal) ?? 0,
      ...figures(bucket),
    })),
    months: sorted(months).map(([month, bucket]) => ({ month, ...figures(bucket) })),
    letteringGroups: sorted(lettering).map(([key, bucket]) => {
      const cut = key.indexOf(SEPARATOR);
      return { account: key.slice(0, cut), letteringCode: key.slice(cut + 1), ...figures(bucket) };
    }),
  });

  return { add, result };
};

/** The trial balance of lines already at hand. */
export const trialBalanceOf = (lines: Iterable<TrialBalanceLine>): TrialBalance => {
  const accumulator = createTrialBalanceAccumulator();
  for (const line of lines) accumulator.add(line);
  return accumulator.result();
};

/** The trial balance of a stream of lines (or of batches of lines, as target reads and sources yield them). */
export const trialBalanceOfStream = async (
  lines: AsyncIterable<TrialBalanceLine | readonly TrialBalanceLine[]>,
): Promise<TrialBalance> => {
  const accumulator = createTrialBalanceAccumulator();
  for await (const item of lines) {
    if (Array.isArray(item)) for (const line of item as readonly TrialBalanceLine[]) accumulator.add(line);
    else accumulator.add(item as TrialBalanceLine);
  }
  return accumulator.result();
};
