import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { asciiSlug, firstNames, lastNames, mailDomains, streets, towns } from '../generator/french-data.js';
import { messUp, misspell, randomMobile } from '../generator/names.js';
import { createRandom, type Random } from '../generator/random.js';

/**
 * Deterministic French contacts with known duplicates, for measuring the matching engine at scale (the
 * public data sets stop at a few thousand records). Names follow a Zipf-like law over a realistic list (a few
 * thousand "Martin" in a million, a long tail of rare names), so that blocks have the skew of real files. About
 * 10% of the records are duplicates of another one, retyped the way people retype: typos, lost accents,
 * capitals, first and last name swapped, an abbreviated street type (r., av.), a phone in another format,
 * a day and month swapped in the birth date, missing values; some moved house.
 * Column `entity` is the ground truth.
 */
export const syntheticContactColumns = [
  'contact_id',
  'first_name',
  'last_name',
  'birth_date',
  'email',
  'phone',
  'address',
  'postcode',
  'city',
  'entity',
] as const;

// prettier-ignore
const moreFirstNames = [
  'Jean-Pierre', 'Jean-Claude', 'Marie-Claire', 'Anne-Sophie', 'Jean-Luc', 'Marie-France', 'Pierre-Yves',
  'Daniel', 'Christophe', 'David', 'Vincent', 'Sylvain', 'Didier', 'Pascal', 'Thierry', 'Guillaume', 'Maxime',
  'Alexandre', 'Romain', 'Mathieu', 'Arnaud', 'Cédric', 'Damien', 'Fabien', 'Franck', 'Grégory', 'Jacques',
  'Martine', 'Monique', 'Nicole', 'Brigitte', 'Chantal', 'Dominique', 'Véronique', 'Laurence', 'Corinne',
  'Caroline', 'Stéphanie', 'Virginie', 'Julie', 'Audrey', 'Mélanie', 'Laura', 'Sarah', 'Pauline', 'Marine',
  'Juliette', 'Louise', 'Alice', 'Lina', 'Rose', 'Ambre', 'Jade', 'Gabriel', 'Arthur', 'Jules', 'Adam',
  'Nathan', 'Ethan', 'Théo', 'Noah', 'Paul', 'Victor', 'Baptiste', 'Quentin', 'Kévin', 'Florian', 'Anthony',
  'Josiane', 'Ginette', 'Odette', 'Yvette', 'Josette', 'Marcel', 'René', 'Roger', 'Henri', 'Lucien', 'Gilbert',
  'Ségolène', 'Bérénice', 'Clémence', 'Margaux', 'Capucine', 'Solène', 'Maëlys', 'Anaëlle', 'Gaspard', 'Côme',
];
// prettier-ignore
const onsets = ['Ber', 'Bou', 'Cha', 'Dela', 'Du', 'Fa', 'Fon', 'Gau', 'Gi', 'La', 'Le', 'Ma', 'Mar', 'Mo', 'Pe',
  'Ri', 'Ro', 'Sa', 'Te', 'Va', 'Ver', 'Vi', 'Bo', 'Cou', 'Da', 'Dé', 'Ga', 'Gué', 'Jo', 'Lu', 'Me', 'Mi', 'No',
  'Pa', 'Pou', 'Que', 'Re', 'Se', 'Tho', 'Bal'];
const middles = ['', 'r', 'l', 'n', 'ch', 'ss', 'v', 't', 'd', 'g'];
// prettier-ignore
const endings = ['and', 'ard', 'aud', 'eau', 'el', 'et', 'ier', 'in', 'on', 'ot', 'oux', 'y', 'ain', 'ais', 'ault',
  'enne', 'ert', 'ès', 'ieu', 'ois'];

/** Real names first (the most common), then 8,000 French-sounding made-up ones for the tail. */
const surnamePool: readonly string[] = [
  ...lastNames,
  ...onsets.flatMap((onset) => middles.flatMap((middle) => endings.map((ending) => onset + middle + ending))),
];
const firstNamePool: readonly string[] = [...firstNames, ...moreFirstNames];

/** Cumulative Zipf weights: value k (0-based) drawn with probability ∝ 1 / (k + 1)^exponent. */
const zipf = (size: number, exponent: number): Float64Array => {
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let k = 0; k < size; k++) {
    sum += 1 / (k + 1) ** exponent;
    cumulative[k] = sum;
  }
  return cumulative.map((value) => value / sum);
};
const drawFrom = <T>(random: Random, items: readonly T[], cumulative: Float64Array): T => {
  const target = random.next();
  let [low, high] = [0, cumulative.length - 1];
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((cumulative[middle] ?? 1) < target) low = middle + 1;
    else high = middle;
  }
  return items[low] as T;
};

interface Contact {
  firstName: string;
  lastName: string;
  birthDate: string;
  email: string;
  phone: string;
  address: string;
  postcode: string;
  city: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

export const createContactFactory = (seed: number) => {
  const random = createRandom(seed, 'synthetic-contacts');
  const surnames = zipf(surnamePool.length, 0.7);
  const givenNames = zipf(firstNamePool.length, 0.8);

  const place = (): [string, string, string] => {
    const street = `${random.int(1, 180)} ${random.pick(streets)}`;
    if (random.chance(0.4)) {
      const [postcode, city] = random.pick(towns);
      return [street, postcode, city];
    }
    // A commune elsewhere in France: a département, a commune code, a made-up name.
    const department = random.int(1, 95);
    const postcode = `${pad(department === 20 ? 21 : department)}${random.int(0, 99) * 10}`.padEnd(5, '0');
    const city = random.chance(0.5)
      ? `Saint-${random.pick(firstNamePool)}`
      : `${random.pick(onsets)}${random.pick(endings)}-sur-${random.pick(['Loire', 'Seine', 'Marne', 'Rhône', 'Lot'])}`;
    return [street, postcode, city];
  };

  // An address belongs to one person: a namesake gets a number, as mail providers do.
  const takenEmails = new Set<string>();
  const uniqueEmail = (local: string, domain: string): string => {
    let email = `${local}@${domain}`;
    for (let n = 1; takenEmails.has(email); n++) email = `${local}${n}@${domain}`;
    takenEmails.add(email);
    return email;
  };

  const original = (): Contact => {
    const firstName = drawFrom(random, firstNamePool, givenNames);
    const lastName = drawFrom(random, surnamePool, surnames);
    const [address, postcode, city] = place();
    const birth = new Date(Date.UTC(random.int(1940, 2004), random.int(0, 11), random.int(1, 28)));
    const local = `${asciiSlug(firstName)}.${asciiSlug(lastName)}`;
    return {
      firstName,
      lastName,
      birthDate: birth.toISOString().slice(0, 10),
      email: uniqueEmail(
        random.chance(0.2) ? `${asciiSlug(firstName).charAt(0)}${asciiSlug(lastName)}` : local,
        random.pick(mailDomains),
      ),
      phone: randomMobile(random),
      address,
      postcode,
      city,
    };
  };

  /** The same person retyped into another system. */
  const duplicate = (source: Contact): Contact => {
    const copy = { ...source };
    if (random.chance(0.3)) copy.firstName = misspell(random, copy.firstName);
    if (random.chance(0.3)) copy.lastName = misspell(random, copy.lastName);
    copy.firstName = messUp(random, copy.firstName, 0.2);
    copy.lastName = messUp(random, copy.lastName, 0.2);
    if (random.chance(0.04)) [copy.firstName, copy.lastName] = [copy.lastName, copy.firstName];
    const dateMistake = random.next();
    if (dateMistake < 0.05) {
      const [year, month, day] = copy.birthDate.split('-');
      copy.birthDate = `${year}-${day}-${month}`;
    } else if (dateMistake < 0.1) {
      copy.birthDate = `${copy.birthDate.slice(0, 9)}${random.int(0, 9)}`;
    }
    if (random.chance(0.5)) copy.birthDate = copy.birthDate.split('-').reverse().join('/');
    const emailMistake = random.next();
    if (emailMistake < 0.1) copy.email = copy.email.toUpperCase();
    else if (emailMistake < 0.15) copy.email = misspell(random, copy.email);
    if (random.chance(0.5)) {
      const digits = copy.phone.replace(/\D/g, '').replace(/^33/, '0');
      copy.phone = random.chance(0.5) ? digits : `+33 ${digits.slice(1)}`;
    }
    copy.address = copy.address.replace(/^(\d+) rue /, '$1 r. ').replace(/ avenue /, ' av. ');
    if (random.chance(0.1)) [copy.address, copy.postcode, copy.city] = place();
    // People change numbers and providers between two systems too.
    if (random.chance(0.05)) copy.phone = randomMobile(random);
    if (random.chance(0.05)) copy.email = copy.email.replace(/@.*$/, `@${random.pick(mailDomains)}`);
    if (random.chance(0.2)) copy.email = '';
    if (random.chance(0.2)) copy.phone = '';
    if (random.chance(0.1)) copy.birthDate = '';
    if (random.chance(0.05)) copy.firstName = '';
    return copy;
  };

  return { original, duplicate, random };
};

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * Writes `rows` contacts to a CSV file: each row is a new entity, or (with probability `duplicateShare`) a
 * retyped copy of an earlier entity drawn at random, so that a duplicate rarely sits next to its original.
 */
export const writeSyntheticContacts = async (options: {
  rows: number;
  seed: number;
  path: string;
  duplicateShare?: number;
}): Promise<{ rows: number; entities: number; duplicates: number }> => {
  const { original, duplicate, random } = createContactFactory(options.seed);
  const share = options.duplicateShare ?? 0.1;
  const entities: Contact[] = [];
  const out = createWriteStream(options.path);
  out.write(`${syntheticContactColumns.join(',')}\n`);
  let duplicates = 0;
  let buffer = '';
  for (let row = 0; row < options.rows; row++) {
    let contact: Contact;
    let entity: number;
    if (entities.length > 0 && random.chance(share)) {
      entity = random.int(0, entities.length - 1);
      contact = duplicate(entities[entity] as Contact);
      duplicates++;
    } else {
      entity = entities.length;
      contact = original();
      entities.push(contact);
    }
    buffer += `C${String(row).padStart(7, '0')},${[
      contact.firstName,
      contact.lastName,
      contact.birthDate,
      contact.email,
      contact.phone,
      contact.address,
      contact.postcode,
      contact.city,
    ]
      .map(csvField)
      .join(',')},E${entity}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  return { rows: options.rows, entities: entities.length, duplicates };
};
