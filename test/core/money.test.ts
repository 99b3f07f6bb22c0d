import { describe, expect, it } from 'vitest';
import { canonicalDecimal, DecimalSum, fromMicroUnits, toMicroUnits } from '../../src/core/money.js';

describe('money', () => {
  it('round-trips canonical decimals through integer millionths, exactly', () => {
    for (const value of ['0', '1234.5', '-0.01', '10186219.81', '-99999999999.999999', '7']) {
      const micro = toMicroUnits(value);
      expect(micro, value).toBeDefined();
      expect(fromMicroUnits(micro as bigint)).toBe(value);
    }
    expect(toMicroUnits('0.1')).toBe(100_000n);
    expect(toMicroUnits('+2.5')).toBe(2_500_000n);
  });

  it('refuses more than six decimals rather than rounding', () => {
    expect(toMicroUnits('0.0000001')).toBeUndefined();
  });

  it('sums like decimal.js: 0.1 + 0.2 is 0.3', () => {
    const sum = (toMicroUnits('0.1') as bigint) + (toMicroUnits('0.2') as bigint);
    expect(fromMicroUnits(sum)).toBe(new DecimalSum().add('0.1').add('0.2').toString());
    expect(canonicalDecimal('0000000000.00')).toBe('0');
  });
});
