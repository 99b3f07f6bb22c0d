/**
 * What a company record says about which legal entity it is, cleaned the same way on every side: the SIREN as
 * a number that passes its check digit (or none), and the name without what varies between systems.
 */

/** Luhn check, as the SIREN uses it: from the right, every second digit doubled. */
const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
};

export const SirenSource = { siren: 'siren', siret: 'siret', vat: 'vat' } as const;
export type SirenSource = (typeof SirenSource)[keyof typeof SirenSource];

export interface CompanySiren {
  /** Nine digits that pass the check digit, or null. */
  readonly siren: string | null;
  readonly from: SirenSource | null;
  /** A value was there but is no SIREN (wrong length, check digit fails): reported, compared as missing. */
  readonly invalid: boolean;
}

/**
 * The SIREN of a record: its SIREN column (spaces and dots allowed; a SIRET's first nine digits), else the one
 * inside a French VAT number (FR + 2-digit key + SIREN). A value whose check digit fails is a typo: treated as
 * missing, since a typed-wrong SIREN equal to another company's would otherwise force a false link and one
 * different from the right one would forbid the true link.
 */
export const companySiren = (siren: string | null | undefined, vat?: string | null): CompanySiren => {
  const digits = (siren ?? '').replace(/[^0-9]/g, '');
  let invalid = false;
  if (digits.length > 0) {
    const candidate = digits.length === 14 ? digits.slice(0, 9) : digits;
    if (candidate.length === 9 && luhnValid(candidate)) {
      return {
        siren: candidate,
        from: digits.length === 14 ? SirenSource.siret : SirenSource.siren,
        invalid,
      };
    }
    invalid = true;
  }
  const fromVat = /^FR\s*[0-9A-Z]{2}\s*(\d{3}\s*\d{3}\s*\d{3})$/i.exec((vat ?? '').trim());
  const vatSiren = fromVat?.[1]?.replace(/\s/g, '');
  if (vatSiren !== undefined && luhnValid(vatSiren))
    return { siren: vatSiren, from: SirenSource.vat, invalid };
  return { siren: null, from: null, invalid };
};

/** Legal forms and small words: present in one system, absent in another, they say nothing of identity. */
const NOISE = new Set([
  'sarl',
  'sas',
  'sasu',
  'eurl',
  'sa',
  'snc',
  'selarl',
  'selas',
  'ste',
  'societe',
  'et',
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'l',
  'd',
]);

/**
 * A company name as a comparable key: lower case, no accents or punctuation, legal forms and small words left
 * out, words sorted ("SARL Martin Boulangerie" and "Boulangerie Martin" give "boulangerie martin"). Null when
 * nothing is left.
 */
export const companyNameKey = (name: string | null | undefined): string | null => {
  const words = (name ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((word) => word !== '' && !NOISE.has(word));
  return words.length === 0 ? null : words.sort().join(' ');
};
