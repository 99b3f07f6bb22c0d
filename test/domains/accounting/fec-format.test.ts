import { describe, expect, it } from 'vitest';
import {
  fecAmount,
  fecDate,
  fecFileName,
  fecHeaderLine,
  fecText,
  sirenOf,
} from '../../../src/domains/accounting/fec-format.js';

describe('FEC value formats', () => {
  it('writes amounts with a decimal comma, two decimals and no thousands separator', () => {
    expect(['1234567.5', '0', '12', '-0.05', '0.1', '+3.25'].map((value) => fecAmount(value).text)).toEqual([
      '1234567,50',
      '0,00',
      '12,00',
      '-0,05',
      '0,10',
      '3,25',
    ]);
    expect(fecAmount(null)).toEqual({ text: '', widened: false });
    expect(fecAmount('-0')).toEqual({ text: '0,00', widened: false });
  });

  it('keeps every decimal of an amount that has more than two, and says so, rather than rounding money away', () => {
    expect(fecAmount('10.125')).toEqual({ text: '10,125', widened: true });
    expect(fecAmount('10.1200')).toEqual({ text: '10,12', widened: false });
  });

  it('writes dates as YYYYMMDD and replaces the tabs and line breaks that would split a line', () => {
    expect(fecDate('2024-01-31')).toBe('20240131');
    expect(fecDate(null)).toBe('');
    expect(fecText('Facture\t12\r\nsuite')).toEqual({ text: 'Facture 12  suite', replaced: true });
    expect(fecText('Déjà vu')).toEqual({ text: 'Déjà vu', replaced: false });
    expect(fecText(null)).toEqual({ text: '', replaced: false });
  });

  it('starts with the 18 standard column names, tab separated', () => {
    expect(fecHeaderLine()).toBe(
      'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\r\n',
    );
  });
});

describe('FEC file name', () => {
  it('is SIRENFECYYYYMMDD.txt when the SIREN and the closing date are known', () => {
    expect(fecFileName('D0001', '123456789', '2023-12-31')).toEqual({
      name: '123456789FEC20231231.txt',
      namedBy: 'siren',
    });
  });

  it('falls back to the dossier id, made safe for a file system, when either is missing', () => {
    expect(fecFileName('acme/2024 ü', undefined, '2024-06-30')).toEqual({
      name: expect.stringMatching(/^acme_2024__-[0-9a-f]{10}FEC20240630\.txt$/) as unknown,
      namedBy: 'dossier',
    });
    expect(fecFileName('..secret', '123456789', null)).toEqual({
      name: expect.stringMatching(/^_secret-[0-9a-f]{10}FEC\.txt$/) as unknown,
      namedBy: 'dossier',
    });
    expect(fecFileName('acme_2024', undefined, null).name).toBe('acme_2024FEC.txt');
  });

  it('accepts a SIREN of nine digits, spaces allowed, and nothing else', () => {
    expect(sirenOf('123 456 789')).toBe('123456789');
    expect(sirenOf(123456789)).toBe('123456789');
    expect(sirenOf('0000000001')).toBeUndefined();
    expect(sirenOf('12345678A')).toBeUndefined();
    expect(sirenOf(null)).toBeUndefined();
  });
});
