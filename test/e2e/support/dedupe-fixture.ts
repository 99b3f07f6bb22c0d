import { createContactFactory } from '../../../src/matching/synthetic-contacts.js';

/**
 * Contacts of two dossiers (column `dossier`) with known duplicates, and a plan that deduplicates them.
 * Background people come from the synthetic-contact factory (with its own retyped duplicates, some of which land
 * in the grey zone), so that the model has enough records to train on; the named records below are the cases
 * the tests look at.
 */
export const dedupePlan = `version: 1
name: dedupe-crm
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { field: dossier }
    key: contact_id
    fields:
      first_name: first_name
      last_name: { from: last_name, required: true }
      email: { from: email, transform: [trim, lower] }
      phone: phone
      postcode: postcode
      city: city
      birth_date: { from: birth_date, formats: ['yyyy-MM-dd', 'dd/MM/yyyy'] }
    dedupe:
      fields:
        - { column: first_name, kind: first_name }
        - { column: last_name, kind: last_name }
        - { column: birth_date, kind: date }
        - { column: email, kind: email }
        - { column: phone, kind: phone }
        - { column: postcode, kind: postcode }
      blocking: [[email], [phone], [last_name, birth_date], [first_name, birth_date]]
      survivorship: { rule: most_complete }
`;

const header = 'contact_id,dossier,first_name,last_name,birth_date,email,phone,postcode,city';

/**
 * A1 and A2 are one person in dossier north: A1 lacks the phone, A2 the city; both fill six fields, so A1 (first
 * in the file) survives and takes A2's phone. N-B1 and S-B1 are the same record in two dossiers: never merged.
 */
export const namedContacts = [
  'A1,north,Anne,Martin-Lagarde,1980-01-02,anne.martin-lagarde@mail.fr,,69001,Lyon',
  'S-B1,south,Bérénice,Vercingétorix,1975-06-30,berenice.v@mail.fr,+33699887766,13001,Marseille',
  'N-B1,north,Bérénice,Vercingétorix,1975-06-30,berenice.v@mail.fr,+33699887766,13001,Marseille',
  'A2,north,Anne,Martin-Lagarde,1980-01-02,anne.martin-lagarde@mail.fr,+33612345678,69001,',
];

/** The CSV text: background people of both dossiers around the named records. */
export const dedupeContactsCsv = (options: { perDossier?: number; seed?: number } = {}): string => {
  const { original, duplicate, random } = createContactFactory(options.seed ?? 7);
  const lines = [header];
  for (const dossier of ['north', 'south']) {
    const people: ReturnType<typeof original>[] = [];
    for (let index = 0; index < (options.perDossier ?? 150); index++) {
      const person =
        people.length > 0 && random.chance(0.15)
          ? duplicate(people[random.int(0, people.length - 1)]!)
          : original();
      people.push(person);
      const id = `${dossier.charAt(0).toUpperCase()}${String(index).padStart(4, '0')}`;
      lines.push(
        [
          id,
          dossier,
          person.firstName,
          person.lastName,
          person.birthDate,
          person.email,
          person.phone,
          person.postcode,
          person.city,
        ]
          .map((value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value))
          .join(','),
      );
    }
    if (dossier === 'north') lines.push(...namedContacts);
  }
  return `${lines.join('\n')}\n`;
};
