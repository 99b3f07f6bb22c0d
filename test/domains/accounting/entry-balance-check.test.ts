import { describe, expect, it } from 'vitest';
import {
  createEntryBalanceCheck,
  type EntryBalanceLine,
  type UnbalancedEntries,
} from '../../../src/domains/accounting/entry-balance-check.js';

/** Lines in book order; an entry's number, journal and date default to its id's. */
const line = (
  entryId: string | null,
  debit: string,
  credit: string,
  fields: Partial<EntryBalanceLine> = {},
) => ({
  entryId,
  journalCode: entryId === null ? null : 'VE',
  entryNumber: entryId,
  entryDate: entryId === null ? null : '2024-01-15',
  pieceRef: entryId === null ? null : `F${entryId}`,
  debit,
  credit,
  ...fields,
});

const check = (lines: readonly EntryBalanceLine[], named?: number): UnbalancedEntries => {
  const balances = createEntryBalanceCheck(named);
  for (const each of lines) balances.add(each);
  return balances.result();
};

const none = { entries: 0, debit: '0', credit: '0', balance: '0', first: [] };

describe('entry balance check', () => {
  it('finds nothing in books whose every entry balances, nor in no books', () => {
    expect(check([])).toEqual(none);
    expect(
      check([
        line('1', '120', '0'),
        line('1', '0', '100'),
        line('1', '0', '20'),
        line('2', '0', '5'),
        line('2', '5', '0'),
      ]),
    ).toEqual(none);
  });

  it('names an entry that lost a line, with its debit and credit, and the imbalance of all of them', () => {
    const result = check([
      line('1', '120', '0'),
      line('1', '0', '100'),
      line('2', '50', '0'),
      line('2', '0', '50'),
      line('3', '0', '30.5', { journalCode: 'AC', pieceRef: null }),
    ]);
    expect(result).toEqual({
      entries: 2,
      debit: '120',
      credit: '130.5',
      balance: '-10.5',
      first: [
        { journal: 'VE', entryNumber: '1', pieceRef: 'F1', date: '2024-01-15', debit: '120', credit: '100' },
        { journal: 'AC', entryNumber: '3', pieceRef: null, date: '2024-01-15', debit: '0', credit: '30.5' },
      ],
    });
  });

  it('adds exactly: a thousandth off is unbalanced, ten lines of 0.1 against 1 are not', () => {
    const tenths = Array.from({ length: 10 }, () => line('1', '0.1', '0'));
    expect(check([...tenths, line('1', '0', '1')])).toEqual(none);
    expect(check([line('2', '1.001', '0'), line('2', '0', '1')])).toMatchObject({
      entries: 1,
      balance: '0.001',
      first: [{ debit: '1.001', credit: '1' }],
    });
  });

  it('keeps apart entries without a number whose lines interleave (same journal and date, sorted by line number)', () => {
    const unnumbered = { entryNumber: null };
    const result = check([
      line('7', '100', '0', { ...unnumbered, pieceRef: 'A' }),
      line('8', '40', '0', { ...unnumbered, pieceRef: 'B' }),
      line('7', '0', '100', { ...unnumbered, pieceRef: 'A' }),
      line('8', '0', '30', { ...unnumbered, pieceRef: 'B' }),
      line('9', '0', '10', { ...unnumbered, pieceRef: 'C' }),
      line('8', '0', '10', { ...unnumbered, pieceRef: 'B' }),
      line('10', '5', '5'),
    ]);
    // Summed together the three balance; apart, B does and C does not.
    expect(result.entries).toBe(1);
    expect(result.first).toEqual([
      { journal: 'VE', entryNumber: null, pieceRef: 'C', date: '2024-01-15', debit: '0', credit: '10' },
    ]);
  });

  it('keeps apart entries of one date and number in journals without a code, whose lines interleave', () => {
    // Book order sorts journals by code, those without one together; the export names each by its source key
    // (BookLine.journalCode), so two such journals' entries n° 1 of a day come line by line, one journal's then the other's.
    const result = check([
      line('1', '100', '0', { journalCode: 'journal-sales', entryNumber: '1' }),
      line('2', '40', '0', { journalCode: 'journal-purchases', entryNumber: '1' }),
      line('1', '0', '100', { journalCode: 'journal-sales', entryNumber: '1' }),
      line('2', '0', '40', { journalCode: 'journal-purchases', entryNumber: '1' }),
    ]);
    expect(result).toEqual(none);
  });

  it('counts every unbalanced entry and names the first ones in book order', () => {
    const lines = Array.from({ length: 8 }, (_, index) => line(String(index + 1), '10', '0'));
    const result = check(lines, 3);
    expect(result.entries).toBe(8);
    expect(result.debit).toBe('80');
    expect(result.first.map((entry) => entry.entryNumber)).toEqual(['1', '2', '3']);
  });

  it('takes the lines of no entry as one group', () => {
    expect(check([line('1', '5', '5'), line(null, '12', '0'), line(null, '0', '2')])).toEqual({
      entries: 1,
      debit: '12',
      credit: '2',
      balance: '10',
      first: [{ journal: null, entryNumber: null, pieceRef: null, date: null, debit: '12', credit: '2' }],
    });
  });
});
