import { FEC_STANDARD_COLUMNS } from '../../../src/domains/accounting/fec-columns.js';

/** A balanced two-line entry of a journal, validated on `validDate`. */
const entry = (journal: string, num: number, validDate: string): string[] =>
  [
    ['411000', 'Clients', '1,00', '0,00'],
    ['706000', 'Ventes', '0,00', '1,00'],
  ].map(([account, label, debit, credit]) =>
    [
      journal,
      `Journal ${journal}`,
      num,
      '20230315',
      account,
      label,
      '',
      '',
      `${journal}${num}`,
      '20230315',
      'Facture',
      debit,
      credit,
      '',
      '',
      validDate,
      '',
      '',
    ].join('\t'),
  );

/**
 * A FEC numbered per journal whose two journals both validate entries out of order, interleaved in the file: AC n° 1
 * (line 2) validated on 30 November and VT n° 1 (line 4) on 1 December, then AC n° 2 (line 6), VT n° 2 (line 8), AC
 * n° 3 (line 10) and VT n° 3 (line 12), all validated in April. Journal by journal, the lines read 6, 10, 8, 12.
 */
export const interleavedValidDateOrderFec = (): string =>
  [
    FEC_STANDARD_COLUMNS.join('\t'),
    ...entry('AC', 1, '20231130'),
    ...entry('VT', 1, '20231201'),
    ...entry('AC', 2, '20230401'),
    ...entry('VT', 2, '20230402'),
    ...entry('AC', 3, '20230403'),
    ...entry('VT', 3, '20230404'),
    '',
  ].join('\n');

/** Its VALID_DATE_ORDER lines in file order. */
export const INTERLEAVED_VALID_DATE_ORDER_LINES = [6, 8, 10, 12];
