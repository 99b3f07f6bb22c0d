import { describe, expect, it } from 'vitest';
import {
  createEntryBook,
  EntryFlag,
  lineLocation,
} from '../../../../src/domains/accounting/fec/fec-entry-book.js';

const at = (line: number) => lineLocation(0, line);

describe('createEntryBook', () => {
  it('keeps "01" and "1" as two entries of a journal, and the same number in two journals apart', () => {
    const book = createEntryBook();
    const one = book.add('1', 100, at(2), 20230101, 0, 0, 1);
    const padded = book.add('01', 200, at(3), 20230101, 0, 0, 1);
    const otherJournal = book.add('1', 300, at(4), 20230101, 0, 1, 1);
    expect(new Set([one, padded, otherJournal]).size).toBe(3);
    expect(book.add('01', -200, at(5), 20230101, 0, 0, 1)).toBe(padded);
    expect(book.add('1', -100, at(6), 20230101, 0, 0, 1)).toBe(one);
    expect([book.sum(one), book.sum(padded), book.sum(otherJournal)]).toEqual([0, 0, 300]);
    expect([book.keyOf(one), book.keyOf(padded), book.keyOf(otherJournal)]).toEqual(['1', '01', '1']);
  });

  it('finds entries with large or non-numeric numbers through its Map', () => {
    const book = createEntryBook();
    const year = book.add('2023000123', 1, at(2), 20230101, 0, 0, 2023000123);
    const text = book.add('VT0001', 1, at(3), 20230101, 0, 0, 1);
    expect(book.add('2023000123', -1, at(4), 20230101, 0, 0, 2023000123)).toBe(year);
    expect(book.add('VT0001', -1, at(5), 20230101, 0, 0, 1)).toBe(text);
    expect([book.keyOf(year), book.keyOf(text)]).toEqual(['2023000123', 'VT0001']);
    expect(book.size()).toBe(2);
  });

  it('lists the lines of an entry, also when they are scattered, and flags it', () => {
    const book = createEntryBook();
    const first = book.add('1', 10, at(2), 20230101, 0, 0, 1);
    book.add('1', 10, at(3), 20230101, 0, 0, 1);
    book.add('2', 5, at(4), 20230101, 0, 0, 2);
    book.add('1', -20, at(5), 20230102, 0, 0, 1);
    expect(book.locations(first, 10)).toEqual([at(2), at(3), at(5)]);
    expect(book.flags(first) & EntryFlag.SCATTERED).toBe(EntryFlag.SCATTERED);
    expect(book.flags(first) & EntryFlag.DATES_DIFFER).toBe(EntryFlag.DATES_DIFFER);
    expect(book.lineCount(first)).toBe(3);
  });
});
