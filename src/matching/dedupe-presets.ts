import type { DedupeConfigInput } from './dedupe-config.js';

/**
 * Configurations for the three public data sets in ../shared/data/dedupe, written from their column
 * descriptions before any run against their labels; the thresholds are the engine's defaults (auto 0.95,
 * review 0.5), not tuned per set.
 */
export const dedupePresets = {
  /** Febrl synthetic Australian persons: typos, swapped names, missing values; rec_id carries the truth. */
  febrl: {
    id: 'rec_id',
    truth: { column: 'rec_id', pattern: '^rec-(\\d+)-' },
    fields: [
      { column: 'given_name', kind: 'first_name' },
      { column: 'surname', kind: 'last_name' },
      { column: 'street_number', kind: 'exact' },
      { column: 'address_1', kind: 'address' },
      { column: 'address_2', kind: 'address' },
      { column: 'suburb', kind: 'city' },
      { column: 'postcode', kind: 'postcode' },
      { column: 'state', kind: 'exact' },
      { column: 'date_of_birth', kind: 'date' },
      { column: 'soc_sec_id', kind: 'code' },
    ],
    blocking: [
      ['soc_sec_id'],
      ['date_of_birth'],
      ['given_name.phonetic', 'surname.phonetic'],
      ['postcode', 'surname.prefix3'],
      ['postcode', 'given_name.prefix3'],
      ['address_1', 'suburb'],
    ],
    phoneRegion: 'AU',
  },
  /** Splink's fake_1000: persons with typos, nicknames, missing cities and emails; `cluster` is the truth. */
  fake_1000: {
    id: 'unique_id',
    truth: { column: 'cluster' },
    fields: [
      { column: 'first_name', kind: 'first_name' },
      { column: 'surname', kind: 'last_name' },
      { column: 'dob', kind: 'date' },
      { column: 'city', kind: 'city' },
      { column: 'email', kind: 'email' },
    ],
    blocking: [
      ['email'],
      ['email.local'],
      ['dob'],
      ['first_name', 'surname'],
      ['surname.phonetic', 'dob.year'],
      ['first_name.phonetic', 'city'],
      ['surname', 'city'],
      ['first_name', 'surname.initial'],
      ['surname.phonetic'],
      ['first_name.phonetic', 'dob.year'],
    ],
    phoneRegion: 'GB',
  },
  /** Chicago childcare providers from 9 sources (dedupe's csv_example): name, address, 7-digit phone. */
  organisations: {
    id: 'Id',
    truth: { column: 'True Id' },
    fields: [
      { column: 'Site name', kind: 'name' },
      { column: 'Address', kind: 'address' },
      { column: 'Zip', kind: 'postcode' },
      { column: 'Phone', kind: 'phone' },
    ],
    blocking: [
      ['Phone'],
      ['Site name'],
      ['Address'],
      ['Address.prefix8'],
      ['Zip', 'Site name.prefix4'],
      ['Site name.prefix8'],
    ],
    phoneRegion: 'US',
  },
  /** French CRM contacts as `synthetic-contacts.ts` writes them (and as CRM exports look). */
  contacts: {
    id: 'contact_id',
    truth: { column: 'entity' },
    fields: [
      { column: 'first_name', kind: 'first_name' },
      { column: 'last_name', kind: 'last_name' },
      { column: 'birth_date', kind: 'date' },
      { column: 'email', kind: 'email' },
      { column: 'phone', kind: 'phone' },
      { column: 'address', kind: 'address' },
      // The town is not compared: it follows from the postcode, and counting both would count one fact twice.
      { column: 'postcode', kind: 'postcode' },
    ],
    blocking: [
      ['email'],
      ['phone'],
      ['last_name.phonetic', 'first_name.phonetic', 'birth_date.year'],
      ['last_name', 'birth_date'],
      ['first_name', 'birth_date'],
      ['postcode', 'last_name.phonetic', 'first_name.initial'],
    ],
    phoneRegion: 'FR',
  },
} as const satisfies Record<string, DedupeConfigInput>;

export type DedupePresetName = keyof typeof dedupePresets;

/** The preset whose columns the file has (all of them, id and truth included), if exactly one fits. */
export const presetForColumns = (columns: readonly string[]): DedupePresetName | undefined => {
  const present = new Set(columns);
  const fits = (Object.keys(dedupePresets) as DedupePresetName[]).filter((name) => {
    const preset: DedupeConfigInput = dedupePresets[name];
    const needed = [...preset.fields.map((field) => field.column), ...(preset.id ? [preset.id] : [])];
    return needed.every((column) => present.has(column));
  });
  return fits.length === 1 ? fits[0] : undefined;
};
