import { describe, expect, it } from 'vitest';
import { compareTrialBalances } from '../../../src/domains/accounting/compare-trial-balances.js';
import { trialBalanceOf, type TrialBalanceLine } from '../../../src/domains/accounting/trial-balance.js';

const line = (overrides: Partial<TrialBalanceLine>): TrialBalanceLine => ({
  account: '512000',
  journal: 'BQ',
  entryNumber: '1',
  date: '2024-01-15',
  debit: '0',
  credit: '0',
  ...overrides,
});

const book: TrialBalanceLine[] = [
  line({ account: '411000', auxiliaryAccount: 'C001', debit: '120.50', letteringCode: 'A' }),
  line({ account: '706000', credit: '120.50' }),
  line({ entryNumber: '2', date: '2024-02-01', account: '512000', debit: '120.5' }),
  line({
    entryNumber: '2',
    date: '2024-02-01',
    account: '411000',
    auxiliaryAccount: 'C001',
    credit: '120.5',
    letteringCode: 'A',
  }),
];

describe('compare trial balances', () => {
  it('finds no difference between two readings of the same book, in any line order', () => {
    expect(compareTrialBalances(trialBalanceOf(book), trialBalanceOf([...book].reverse()))).toEqual([]);
  });

  it('compares amounts by value, not by how they are written', () => {
    const source = trialBalanceOf([line({ debit: '10.50' })]);
    const target = { ...source, totals: { ...source.totals, debit: '10.500' } };
    expect(compareTrialBalances(source, target)).toEqual([]);
  });

  it('names every group a lost line changes, with both sides figures', () => {
    const differences = compareTrialBalances(trialBalanceOf(book), trialBalanceOf(book.slice(0, 3)));
    expect(differences).toEqual([
      {
        scope: 'total',
        key: '',
        source: { debit: '241', credit: '241', balance: '0', lines: 4, entries: 2 },
        target: { debit: '241', credit: '120.5', balance: '120.5', lines: 3, entries: 2 },
      },
      {
        scope: 'account',
        key: '411000',
        source: { debit: '120.5', credit: '120.5', balance: '0', lines: 2 },
        target: { debit: '120.5', credit: '0', balance: '120.5', lines: 1 },
      },
      {
        scope: 'auxiliaryAccount',
        key: 'C001',
        source: { debit: '120.5', credit: '120.5', balance: '0', lines: 2 },
        target: { debit: '120.5', credit: '0', balance: '120.5', lines: 1 },
      },
      {
        scope: 'journal',
        key: 'BQ',
        source: { debit: '241', credit: '241', balance: '0', lines: 4, entries: 2 },
        target: { debit: '241', credit: '120.5', balance: '120.5', lines: 3, entries: 2 },
      },
      {
        scope: 'month',
        key: '2024-02',
        source: { debit: '120.5', credit: '120.5', balance: '0', lines: 2 },
        target: { debit: '120.5', credit: '0', balance: '120.5', lines: 1 },
      },
      {
        scope: 'letteringGroup',
        key: '411000/A',
        account: '411000',
        letteringCode: 'A',
        source: { debit: '120.5', credit: '120.5', balance: '0', lines: 2 },
        target: { debit: '120.5', credit: '0', balance: '120.5', lines: 1 },
      },
    ]);
  });

  it('shows a group present on one side only with null on the other', () => {
    const source = trialBalanceOf(book);
    const target = trialBalanceOf([
      ...book,
      line({ journal: 'OD', account: '471000', debit: '0', credit: '0' }),
    ]);
    const differences = compareTrialBalances(source, target);
    expect(differences.map((difference) => [difference.scope, difference.key])).toEqual([
      ['total', ''],
      ['account', '471000'],
      ['journal', 'OD'],
      ['month', '2024-01'],
    ]);
    expect(differences[1]).toEqual({
      scope: 'account',
      key: '471000',
      source: null,
      target: { debit: '0', credit: '0', balance: '0', lines: 1 },
    });
    expect(differences[0]?.target?.entries).toBe(3);
  });

  it('sees an amount moved between two accounts even when every total still balances', () => {
    const moved = book.map((entry) => (entry.account === '706000' ? { ...entry, account: '707000' } : entry));
    const differences = compareTrialBalances(trialBalanceOf(book), trialBalanceOf(moved));
    expect(differences.map((difference) => [difference.scope, difference.key])).toEqual([
      ['account', '706000'],
      ['account', '707000'],
    ]);
  });
});
