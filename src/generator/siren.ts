import type { Random } from './random.js';

/**
 * SIREN, the 9-digit French company number: 8 digits and a Luhn check digit (the same check as credit cards).
 * Real SIRENs start with 3 to 9 (0 to 2 were never used for companies outside a few public bodies).
 */

/** Luhn sum: from the right, every second digit is doubled (and 9 subtracted when it exceeds 9). */
const luhnSum = (digits: string, doubleFirstFromRight: boolean): number => {
  let sum = 0;
  let double = doubleFirstFromRight;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum;
};

/** The digit that makes `digits` + digit pass the Luhn check. */
export const luhnCheckDigit = (digits: string): string => String((10 - (luhnSum(digits, true) % 10)) % 10);

export const isLuhnValid = (digits: string): boolean =>
  /^\d+$/.test(digits) && luhnSum(digits, false) % 10 === 0;

export const randomSiren = (random: Random): string => {
  let body = String(random.int(3, 9));
  for (let index = 0; index < 7; index++) body += String(random.int(0, 9));
  return body + luhnCheckDigit(body);
};

/** French intra-community VAT number: `FR`, a 2-digit key computed from the SIREN, the SIREN. */
export const vatNumberOf = (siren: string): string => {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
};
