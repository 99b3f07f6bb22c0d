import { describe, expect, it } from 'vitest';
import {
  groupFecFiles,
  isValidSiren,
  parseFecFileName,
} from '../../../../src/domains/accounting/fec/fec-file-name.js';

describe('parseFecFileName', () => {
  it('reads SIREN, closing date and split part', () => {
    expect(parseFecFileName('443061841FEC20231231_2.txt')).toEqual({
      siren: '443061841',
      closingDate: 20231231,
      closingDateText: '20231231',
      part: 2,
      stem: '443061841FEC20231231',
    });
    expect(parseFecFileName('111111111fec20221231.TXT')?.closingDate).toBe(20221231);
  });

  it('keeps a 10-digit "SIREN" as written instead of failing', () => {
    expect(parseFecFileName('0000000001FEC20220831.txt')?.siren).toBe('0000000001');
  });

  it('returns undefined for names outside the norm and -1 for an impossible closing date', () => {
    expect(parseFecFileName('fec_sale.txt')).toBeUndefined();
    expect(parseFecFileName('443061841FEC20230231.txt')?.closingDate).toBe(-1);
  });
});

describe('isValidSiren', () => {
  it('accepts SIRENs whose Luhn sum is a multiple of 10 and refuses the others', () => {
    expect(isValidSiren('443061841')).toBe(true);
    expect(isValidSiren('552032534')).toBe(true);
    expect(isValidSiren('111111111')).toBe(false);
    expect(isValidSiren('443061842')).toBe(false);
    expect(isValidSiren('44306184')).toBe(false);
  });
});

describe('groupFecFiles', () => {
  it('puts the parts of a split FEC together in part order and names the missing ones', () => {
    const groups = groupFecFiles(
      ['d/443061841FEC20231231_3.txt', 'other.txt', 'd/443061841FEC20231231_1.txt'],
      (path) => path.split('/').at(-1) ?? path,
    );
    expect(groups.map((group) => group.files)).toEqual([
      ['d/443061841FEC20231231_1.txt', 'd/443061841FEC20231231_3.txt'],
      ['other.txt'],
    ]);
    expect(groups[0]?.missingParts).toEqual([2]);
  });
});
