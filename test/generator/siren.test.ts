import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/generator/random.js';
import { isLuhnValid, luhnCheckDigit, randomSiren, vatNumberOf } from '../../src/generator/siren.js';

describe('SIREN and VAT numbers', () => {
  it('checks SIRENs with the Luhn algorithm', () => {
    expect(isLuhnValid('732829320')).toBe(true);
    expect(isLuhnValid('732829321')).toBe(false);
    expect(isLuhnValid('73282932a')).toBe(false);
    expect(luhnCheckDigit('73282932')).toBe('0');
  });

  it('generates 9-digit SIRENs that pass the Luhn check', () => {
    const random = createRandom(5);
    for (let index = 0; index < 1000; index++) {
      const siren = randomSiren(random);
      expect(siren).toMatch(/^[3-9]\d{8}$/);
      expect(isLuhnValid(siren)).toBe(true);
    }
  });

  it('derives the French VAT number: FR, key (12 + 3 x (SIREN mod 97)) mod 97, SIREN', () => {
    expect(vatNumberOf('732829320')).toBe('FR44732829320');
    expect(vatNumberOf('000000097')).toBe('FR12000000097');
  });
});
