import { describe, expect, it } from 'vitest';
import {
  earliestFiscalYearStart,
  formatFecDate,
  monthsBefore,
  parseFecDate,
} from '../../../../src/domains/accounting/fec/fec-date.js';

describe('parseFecDate', () => {
  it('reads YYYYMMDD into one comparable integer', () => {
    expect(parseFecDate('20220831')).toBe(20220831);
    expect(parseFecDate('20240229')).toBe(20240229);
    expect(parseFecDate('20000229')).toBe(20000229);
  });

  it('refuses dates that are not real calendar days, and every other form', () => {
    for (const text of [
      '20230229',
      '19000229',
      '20221301',
      '20220000',
      '20220431',
      '03/01/2024',
      '2024-01-03',
      '2024013',
      '202401031',
      '',
      '0000000a',
    ]) {
      expect(parseFecDate(text), text).toBe(-1);
    }
  });
});

describe('fiscal year bounds', () => {
  it('goes back whole months and keeps to month ends', () => {
    expect(monthsBefore(20220831, 2)).toBe(20220630);
    expect(monthsBefore(20240831, 6)).toBe(20240229);
    expect(monthsBefore(20221215, 12)).toBe(20211215);
  });

  it('places the earliest start of a fiscal year 23 months before its closing', () => {
    expect(formatFecDate(earliestFiscalYearStart(20220831))).toBe('2020-10-01');
    expect(formatFecDate(earliestFiscalYearStart(20221231))).toBe('2021-02-01');
  });
});
