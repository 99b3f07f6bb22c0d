import { describe, expect, it } from 'vitest';
import { phoneKey } from '../../src/matching/phone-key.js';

describe('phoneKey', () => {
  it('writes the ways French exports show one number as one E.164 key', () => {
    const forms = [
      '06 12 34 56 78',
      '+33 6 12 34 56 78',
      '0033612345678',
      '06.12.34.56.78',
      '+33 (0)6 12 34 56 78',
    ];
    expect(new Set(forms.map((form) => phoneKey(form, 'FR')))).toEqual(new Set(['+33612345678']));
  });

  it('reads foreign numbers with their country and national numbers with the configured region', () => {
    expect(phoneKey('+44 20 7946 0958', 'FR')).toBe('+442079460958');
    expect(phoneKey('(312) 555-0100', 'US')).toBe('+13125550100');
  });

  it('keeps the digits of a number no plan accepts, and refuses what is not a number', () => {
    expect(phoneKey('386-5286', 'US')).toBe('3865286');
    expect(phoneKey('n/a', 'FR')).toBeNull();
    expect(phoneKey('   ', 'FR')).toBeNull();
  });
});
