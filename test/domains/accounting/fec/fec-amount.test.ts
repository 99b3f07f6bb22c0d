import { describe, expect, it } from 'vitest';
import {
  amountCents,
  formatCents,
  readFecAmount,
} from '../../../../src/domains/accounting/fec/fec-amount.js';

describe('amountCents (the fast path)', () => {
  it('reads the norm form exactly: decimal comma, zero padding, spaces of fixed-width files, sign', () => {
    expect(amountCents('1234,56')).toBe(123456);
    expect(amountCents('0000000069,60')).toBe(6960);
    expect(amountCents('12,5')).toBe(1250);
    expect(amountCents('12')).toBe(1200);
    expect(amountCents('  42,00  ')).toBe(4200);
    expect(amountCents('-0,05')).toBe(-5);
    expect(amountCents('+7,00')).toBe(700);
    expect(amountCents('90071992547409,91')).toBe(9007199254740991);
  });

  it('leaves everything else to the slow path (NaN)', () => {
    for (const text of ['1234.56', '1 234,56', 'N/A', '', '1,234', '-', ',', '12,3a', '90071992547409,92']) {
      expect(amountCents(text), text).toBeNaN();
    }
  });
});

describe('readFecAmount (why an amount is not in the norm form)', () => {
  it('reads a dot decimal without doubt but says so', () => {
    expect(readFecAmount('1200.00')).toEqual({ kind: 'dot-decimal', cents: 120000 });
    expect(readFecAmount('-0.5')).toEqual({ kind: 'dot-decimal', cents: -50 });
  });

  it('refuses thousands separators, whichever the mark', () => {
    for (const text of ['1 234,56', '1.234,56', '1,234.56', "1'234,56", '1\u00a0234,56', '1.234']) {
      expect(readFecAmount(text), text).toEqual({ kind: 'thousands-separator' });
    }
  });

  it('reports text and empty amounts', () => {
    expect(readFecAmount('N/A')).toEqual({ kind: 'not-a-number' });
    expect(readFecAmount('12,00 EUR')).toEqual({ kind: 'not-a-number' });
    expect(readFecAmount('  ')).toEqual({ kind: 'empty' });
  });

  it('reads more than two decimals and very large amounts exactly through decimal.js', () => {
    expect(readFecAmount('1,2345')).toEqual({ kind: 'decimal', value: '1.2345', dot: false });
    // No one groups thousands after a leading zero: 0.123 has one reading, with three decimals.
    expect(readFecAmount('0.123')).toEqual({ kind: 'decimal', value: '0.123', dot: true });
    expect(readFecAmount('-0.123')).toEqual({ kind: 'decimal', value: '-0.123', dot: true });
    expect(readFecAmount('123456789012345678,12')).toEqual({
      kind: 'decimal',
      value: '123456789012345678.12',
      dot: false,
    });
  });
});

describe('formatCents', () => {
  it('writes cents as an exact decimal string', () => {
    expect(formatCents(1018621981)).toBe('10186219.81');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(12345678901234567890n)).toBe('123456789012345678.90');
  });
});
