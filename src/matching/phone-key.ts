import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * The E.164 form of a phone number (+33612345678), used as a blocking key and compared exactly.
 *
 * libphonenumber-js knows every country's numbering plan, but parsing costs microseconds a number and a million
 * contacts hold close to a million distinct numbers; the French national and international forms that make up
 * most of a French CRM are rewritten by a regular expression first (`frenchFastPath`, same result), and only the
 * rest goes through the library. A number the library cannot read as valid keeps its digits, so that two
 * records holding the same local number (7 digits, no area code, as in old US exports) still meet.
 */
export const phoneKey = (raw: string, region: CountryCode): string | null => {
  const compact = raw.replace(/[\s.\-()/]/g, '');
  if (compact.length === 0) return null;
  if (region === 'FR') {
    const fast = frenchFastPath(compact);
    if (fast !== null) return fast;
  }
  const parsed = parsePhoneNumberFromString(raw, region);
  if (parsed?.isValid()) return parsed.number;
  const digits = compact.replace(/\D/g, '');
  return digits.length >= 6 ? digits : null;
};

const frenchFastPath = (compact: string): string | null => {
  const national = /^0([1-9]\d{8})$/.exec(compact) ?? /^(?:\+|00)33\(?0?\)?([1-9]\d{8})$/.exec(compact);
  return national ? `+33${national[1]}` : null;
};
