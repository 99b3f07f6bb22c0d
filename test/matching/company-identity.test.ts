import { describe, expect, it } from 'vitest';
import { companyNameKey, companySiren } from '../../src/matching/company-identity.js';

describe('companySiren', () => {
  it('reads a SIREN typed with spaces or dots, and the SIREN of a SIRET', () => {
    expect(companySiren('732 829 320')).toEqual({ siren: '732829320', from: 'siren', invalid: false });
    expect(companySiren('732.829.320')).toMatchObject({ siren: '732829320' });
    expect(companySiren('73282932000015')).toEqual({ siren: '732829320', from: 'siret', invalid: false });
  });

  it('treats a SIREN whose check digit fails as missing, and says it was invalid', () => {
    expect(companySiren('732829321')).toEqual({ siren: null, from: null, invalid: true });
    expect(companySiren('12345')).toEqual({ siren: null, from: null, invalid: true });
  });

  it('falls back on the SIREN inside a French VAT number', () => {
    expect(companySiren(null, 'FR 44 732829320')).toEqual({
      siren: '732829320',
      from: 'vat',
      invalid: false,
    });
    expect(companySiren('732829321', 'FR44732829320')).toEqual({
      siren: '732829320',
      from: 'vat',
      invalid: true,
    });
    expect(companySiren('', 'DE123456789')).toEqual({ siren: null, from: null, invalid: false });
  });
});

describe('companyNameKey', () => {
  it('drops legal forms, small words, case, accents and word order', () => {
    expect(companyNameKey('SARL Martin Boulangerie')).toBe('boulangerie martin');
    expect(companyNameKey('BOULANGERIE MARTIN')).toBe('boulangerie martin');
    expect(companyNameKey('Électricité Dupont & Fils SAS')).toBe(
      companyNameKey('electricite dupont et fils'),
    );
  });

  it('gives null when nothing is left', () => {
    expect(companyNameKey('')).toBeNull();
    expect(companyNameKey(null)).toBeNull();
    expect(companyNameKey(' SARL ... ')).toBeNull();
  });
});
