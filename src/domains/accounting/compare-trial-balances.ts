import { compareDecimal } from '../../core/money.js';
import type { TrialBalance, TrialBalanceFigures } from './trial-balance.js';

/** Where two trial balances differ: the whole book, or one group of lines. */
export const TrialBalanceScope = {
  /** The whole book: totals, entry and line counts. */
  total: 'total',
  account: 'account',
  auxiliaryAccount: 'auxiliaryAccount',
  journal: 'journal',
  month: 'month',
  letteringGroup: 'letteringGroup',
} as const;
export type TrialBalanceScope = (typeof TrialBalanceScope)[keyof typeof TrialBalanceScope];

/** Figures of one side; `entries` for the whole book and for a journal. */
export interface ComparedFigures extends TrialBalanceFigures {
  readonly entries?: number;
}

/**
 * One group whose figures differ. A side is null when the group does not exist there (an account only in the
 * source, say). Both sides are given in full, so a reader sees the size of the gap without a second look-up.
 */
export interface TrialBalanceDifference {
  readonly scope: TrialBalanceScope;
  /**
   * The group: account number, auxiliary account, journal code, `YYYY-MM`, `account/lettering code`, or `` for the
   * whole book.
   */
  readonly key: string;
  /** For a lettering group: its account and code (the key joins them, for display only). */
  readonly account?: string;
  readonly letteringCode?: string;
  readonly source: ComparedFigures | null;
  readonly target: ComparedFigures | null;
}

const sameFigures = (a: ComparedFigures, b: ComparedFigures): boolean =>
  a.lines === b.lines &&
  a.entries === b.entries &&
  // By value, not by text: `10.50` and `10.5` are the same amount.
  compareDecimal(a.debit, b.debit) === 0 &&
  compareDecimal(a.credit, b.credit) === 0 &&
  compareDecimal(a.balance, b.balance) === 0;

const pick = ({ debit, credit, balance, lines, entries }: ComparedFigures): ComparedFigures =>
  entries === undefined ? { debit, credit, balance, lines } : { debit, credit, balance, lines, entries };

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Groups of one scope, keyed; both sides' keys are visited once, in code-unit order. */
const compareGroups = <T extends ComparedFigures>(
  scope: TrialBalanceScope,
  source: readonly T[],
  target: readonly T[],
  keyOf: (group: T) => string,
  extra: (
    group: T,
  ) => Partial<Pick<TrialBalanceDifference, 'key' | 'account' | 'letteringCode'>> = () => ({}),
): TrialBalanceDifference[] => {
  const sourceGroups = new Map(source.map((group) => [keyOf(group), group]));
  const targetGroups = new Map(target.map((group) => [keyOf(group), group]));
  const keys = [...new Set([...sourceGroups.keys(), ...targetGroups.keys()])].sort(byCodeUnits);
  const differences: TrialBalanceDifference[] = [];
  for (const key of keys) {
    const a = sourceGroups.get(key);
    const b = targetGroups.get(key);
    if (a !== undefined && b !== undefined && sameFigures(a, b)) continue;
    differences.push({
      scope,
      key,
      ...extra((a ?? b)!),
      source: a === undefined ? null : pick(a),
      target: b === undefined ? null : pick(b),
    });
  }
  return differences;
};

/**
 * Source versus target, group by group: the whole book, then accounts, auxiliary accounts, journals, months and
 * lettering groups. Empty when the two books agree on every figure and count.
 */
export const compareTrialBalances = (
  source: TrialBalance,
  target: TrialBalance,
): TrialBalanceDifference[] => {
  const book = (balance: TrialBalance): ComparedFigures => ({
    ...balance.totals,
    entries: balance.entries,
  });
  return [
    ...compareGroups(TrialBalanceScope.total, [book(source)], [book(target)], () => ''),
    ...compareGroups(TrialBalanceScope.account, source.accounts, target.accounts, (group) => group.account),
    ...compareGroups(
      TrialBalanceScope.auxiliaryAccount,
      source.auxiliaryAccounts,
      target.auxiliaryAccounts,
      (group) => group.auxiliaryAccount,
    ),
    ...compareGroups(TrialBalanceScope.journal, source.journals, target.journals, (group) => group.journal),
    ...compareGroups(TrialBalanceScope.month, source.months, target.months, (group) => group.month),
    ...compareGroups(
      TrialBalanceScope.letteringGroup,
      source.letteringGroups,
      target.letteringGroups,
      // Joined for matching with a character no code holds; shown joined with `/`.
      (group) => `${group.account}\u0000${group.letteringCode}`,
      (group) => ({
        key: `${group.account}/${group.letteringCode}`,
        account: group.account,
        letteringCode: group.letteringCode,
      }),
    ),
  ];
};
