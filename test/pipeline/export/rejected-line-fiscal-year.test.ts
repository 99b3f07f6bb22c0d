import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../../src/core/plan/parse-plan.js';
import {
  ecritureDateFormats,
  fecLineDateText,
  fiscalYearPlaceOf,
} from '../../../src/pipeline/export/rejected-line-fiscal-year.js';

const year2024 = { start: '2024-01-01', end: '2024-12-31', closing: '2024-12-31' };

describe('the fiscal year of a rejected FEC line, from its raw line', () => {
  it('reads EcritureDate at its place in a tab or pipe separated line, without its padding', () => {
    expect(fecLineDateText('VE\tVentes\t1\t20240115\t411000')).toBe('20240115');
    expect(fecLineDateText('VE|Ventes|1|  20240115  |411000')).toBe('20240115');
    expect(fecLineDateText('VE')).toBeUndefined();
  });

  it('reads EcritureDate of a pipe-separated line whose label holds a tab, and of a tab-separated one with a |', () => {
    // The source splits by the separator its header showed; the ledger keeps only the line, so the date must not
    // be looked for by the first separator found in it.
    expect(fecLineDateText('VE|Ventes|1|20240115|411000|Clients||||Fact\t12|F12')).toBe('20240115');
    expect(fecLineDateText('VE\tVentes\t1\t20240115\t411000\tClients\t\t\t\tFact | 12\tF12')).toBe(
      '20240115',
    );
    expect(
      fiscalYearPlaceOf(year2024, ['yyyyMMdd'])('VE|Ventes|1|20240115|411000|Clients||||Fact\t12|F12'),
    ).toBe('in');
  });

  it('places a line dated in the year in it, one dated outside out of it, and one of no readable date apart', () => {
    const placeOf = fiscalYearPlaceOf(year2024, ['yyyyMMdd']);
    expect(placeOf('VE\tVentes\t1\t20240101\t411000')).toBe('in');
    expect(placeOf('VE\tVentes\t1\t20241231\t411000')).toBe('in');
    expect(placeOf('VE\tVentes\t1\t20231231\t411000')).toBe('outside');
    expect(placeOf('VE\tVentes\t1\t20250101\t411000')).toBe('outside');
    expect(placeOf('VE\tVentes\t1\t2024-01-31\t411000')).toBe('undated');
    expect(placeOf('VE\tVentes\t1\t20241301\t411000')).toBe('undated');
    expect(placeOf('VE\tVentes\t1\t\t411000')).toBe('undated');
    expect(placeOf('a line cut short')).toBe('undated');
    // The first year of a dossier whose opening date was not loaded: nothing bounds it below.
    expect(
      fiscalYearPlaceOf({ start: null, end: '2024-12-31', closing: '2024-12-31' }, ['yyyyMMdd'])(
        'VE\tV\t1\t20190101',
      ),
    ).toBe('in');
    // The last year: nothing bounds it above, a line dated after its closing is of no other year.
    const last = fiscalYearPlaceOf({ start: '2024-01-01', end: null, closing: '2024-12-31' }, ['yyyyMMdd']);
    expect(last('VE\tV\t1\t20250105')).toBe('in');
    expect(last('VE\tV\t1\t20231231')).toBe('outside');
  });

  it("reads dates in the formats the plan reads the entry's EcritureDate with, the norm's when it reads none", () => {
    const plan = (date: string) =>
      parsePlan(`version: 1
name: p
target: { type: sqlite, url: t.db }
entities:
  entry:
    source: { type: fec, path: f.txt }
    key: EcritureNum
    fields:
      date: ${date}
`);
    const formats = ecritureDateFormats(plan('{ from: EcritureDate, formats: [yyyyMMdd, dd/MM/yyyy] }'));
    expect(formats).toEqual(['yyyyMMdd', 'dd/MM/yyyy']);
    expect(fiscalYearPlaceOf(year2024, formats)('VE|Ventes|1|31/01/2024|411000')).toBe('in');
    // A date mapped with no format reads yyyy-MM-dd, as the run read it.
    expect(fiscalYearPlaceOf(year2024, ecritureDateFormats(plan('EcritureDate')))('VE|V|1|2024-01-31')).toBe(
      'in',
    );
    expect(ecritureDateFormats(plan('{ from: PieceDate, formats: [dd/MM/yyyy] }'))).toEqual(['yyyyMMdd']);
  });
});
