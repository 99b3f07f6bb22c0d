import {
  asciiSlug,
  firstNames,
  lastNames,
  legalForms,
  mailDomains,
  tradeWords,
  type Trade,
} from './french-data.js';
import type { Random } from './random.js';

/** Company and person names, phone numbers and the small mess real people type into legacy systems. */

export const randomCompanyName = (random: Random, trade: Trade): string => {
  const word = random.pick(tradeWords[trade]);
  const family = random.pick(lastNames);
  switch (random.int(0, 4)) {
    case 0:
      return `${word} ${family}`;
    case 1:
      return `${random.pick(legalForms)} ${family} ${word}`;
    case 2:
      return `${word} ${family} & Fils`;
    case 3:
      return `${family} ${word}`;
    default:
      return `${word} ${family} ${random.pick(legalForms)}`;
  }
};

/** French numbers: 01-05 landlines by region, 06-07 mobiles; written the three ways exports show them. */
export const randomPhone = (random: Random, prefix: number): string => {
  const pairs = [0, 1, 2, 3].map(() => String(random.int(0, 99)).padStart(2, '0'));
  const national = `0${prefix}`;
  switch (
    random.weighted([
      ['spaced', 6],
      ['international', 2],
      ['compact', 2],
      ['dotted', 1],
    ] as const)
  ) {
    case 'spaced':
      return `${national} ${pairs.join(' ')}`;
    case 'international':
      return `+33 ${prefix} ${pairs.join(' ')}`;
    case 'compact':
      return national + pairs.join('');
    case 'dotted':
      return `${national}.${pairs.join('.')}`;
  }
};

export const randomMobile = (random: Random): string => randomPhone(random, random.pick([6, 7]));

/** A landline prefix that matches the postcode's region, as a real number would. */
export const landlinePrefixOf = (postcode: string): number => {
  const department = Number(postcode.slice(0, 2));
  if ([75, 77, 78, 91, 92, 93, 94, 95].includes(department)) return 1;
  if ([14, 22, 29, 35, 44, 49, 50, 53, 56, 61, 72, 76, 85].includes(department)) return 2;
  if ([21, 25, 51, 54, 57, 59, 62, 67, 68, 80].includes(department)) return 3;
  if ([6, 13, 20, 26, 30, 34, 38, 42, 66, 69, 73, 74, 83].includes(department)) return 4;
  return 5;
};

export interface Person {
  readonly firstName: string;
  readonly lastName: string;
}

export const randomPerson = (random: Random): Person => ({
  firstName: random.pick(firstNames),
  lastName: random.pick(lastNames),
});

/** The address a person gets at work (`prenom.nom@societe.fr`) or at home. */
export const randomEmail = (random: Random, person: Person, companyDomain: string | undefined): string => {
  const first = asciiSlug(person.firstName);
  const last = asciiSlug(person.lastName);
  if (companyDomain !== undefined && random.chance(0.65)) {
    return random.chance(0.8)
      ? `${first}.${last}@${companyDomain}`
      : `${first.charAt(0)}${last}@${companyDomain}`;
  }
  const domain = random.pick(mailDomains);
  return random.chance(0.5) ? `${first}.${last}@${domain}` : `${first}.${last}${random.int(1, 99)}@${domain}`;
};

/** A typo a person makes retyping a name: two letters swapped, one doubled or dropped, or the accents lost. */
export const misspell = (random: Random, name: string): string => {
  const withoutAccents = name.normalize('NFD').replace(/\p{M}/gu, '');
  if (withoutAccents !== name && random.chance(0.4)) return withoutAccents;
  const at = random.int(1, Math.max(1, name.length - 2));
  const doubled = name.slice(0, at) + name.charAt(at) + name.slice(at);
  switch (random.int(0, 2)) {
    case 0: {
      const swapped = name.slice(0, at) + name.charAt(at + 1) + name.charAt(at) + name.slice(at + 2);
      // Swapping two equal letters changes nothing: double one instead.
      return swapped === name ? doubled : swapped;
    }
    case 1:
      return doubled;
    default:
      return name.slice(0, at) + name.slice(at + 1);
  }
};

/**
 * Mess that is not a defect: a trailing space, a name typed in capitals, lost accents. A migration must load
 * these rows (and may clean them later).
 */
export const messUp = (random: Random, text: string, probability: number): string => {
  if (text === '' || !random.chance(probability)) return text;
  switch (random.int(0, 3)) {
    case 0:
      return `${text} `;
    case 1:
      return text.toUpperCase();
    case 2:
      return text.normalize('NFD').replace(/\p{M}/gu, '');
    default:
      return `${text}  `;
  }
};
