import { dayOf, formatDay, formatTimestamp, type DateStyle } from './calendar.js';
import type { CompanyRecord } from './crm-companies.js';
import type { CrmUser } from './crm-users.js';
import { idOf, injectDefects, injectNearDuplicates, type CrmRow, type Referencable } from './crm-rows.js';
import { asciiSlug, jobTitles, towns } from './french-data.js';
import { DefectKind, removesRecord } from './manifest.js';
import {
  landlinePrefixOf,
  messUp,
  misspell,
  randomEmail,
  randomMobile,
  randomPerson,
  randomPhone,
} from './names.js';
import { itemAt, type Random } from './random.js';

export const contactColumns = [
  'contact_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'mobile',
  'job_title',
  'company_id',
  'owner_id',
  'postcode',
  'city',
  'birth_date',
  'opt_in',
  'created_at',
] as const;

export interface ContactRecord extends Referencable {
  readonly companyId: string | null;
}

export interface ContactSizes {
  readonly contacts: number;
  readonly nearDuplicates: number;
  readonly missingNames: number;
  readonly invalidBirthDates: number;
  readonly unknownCompanies: number;
  readonly duplicateKeys: number;
  readonly testRecords: number;
  readonly invalidEmails: number;
  readonly invalidPhones: number;
}

/** Each export batch of the legacy CRM wrote the opt-in flag its own way. */
const optInWords: readonly (readonly [readonly [string, string], number])[] = [
  [['oui', 'non'], 5],
  [['1', '0'], 3],
  [['yes', 'no'], 2],
];

const birthDateStyles: readonly (readonly [DateStyle, number])[] = [
  ['french', 6],
  ['iso', 3],
  ['dotted', 2],
];

/** Dates that do not exist, in each of the layouts the file uses. */
const impossibleBirthDates = [
  '31/02/1980',
  '1985-13-01',
  '30.02.1972',
  '1979-02-29',
  '31/04/1990',
  '00/05/1981',
];

const malformedEmails = (first: string, last: string): string[] => [
  `${first}.${last}@`,
  `${first}@@mail.fr`,
  `${first}.${last}.orange.fr`,
  `${first} ${last}@gmail.com`,
  `${first}.${last}@gmail`,
];

const malformedPhones = ['01 23', '0123', '+33 1 23 45', '01 23 45 67 89 10', '12345'];

/**
 * A mailbox belongs to one person: two namesakes on one mail domain get `anne.martin@` and `anne.martin2@`, as the
 * provider would have made them choose. Case-insensitive, like mail addresses; draws nothing from the generator's
 * random stream, so the rest of the portfolio stays as it was.
 */
const uniqueEmail = (email: string, used: Set<string>): string => {
  if (email === '') return email;
  const at = email.lastIndexOf('@');
  let candidate = email;
  for (let number = 2; used.has(candidate.toLowerCase()); number++) {
    candidate = `${email.slice(0, at)}${number}${email.slice(at)}`;
  }
  used.add(candidate.toLowerCase());
  return candidate;
};

/**
 * Contacts for `contacts.csv`, with the defects a real CRM export has. Contacts that will not load (rejected or
 * skipped) are marked unusable, so no deal or activity points at them.
 */
export const buildContacts = (
  random: Random,
  companies: readonly CompanyRecord[],
  users: readonly CrmUser[],
  sizes: ContactSizes,
): { rows: CrmRow[]; contacts: ContactRecord[] } => {
  const usableCompanies = companies.filter((company) => company.usable);
  // A few companies hold many contacts, most hold a handful.
  const weightedCompanies = random
    .shuffle([...usableCompanies])
    .map((company, rank) => [company, 1 / Math.pow(rank + 1, 0.6)] as const);
  const activeUsers = users.filter((user) => user.active);
  const firstDay = dayOf(2016, 1, 1);

  const rows: CrmRow[] = [];
  const contacts: ContactRecord[] = [];
  const usedEmails = new Set<string>();
  const newContact = (
    index: number,
    id: string,
  ): { values: Record<string, string>; company?: CompanyRecord } => {
    const company = random.chance(0.95) ? random.weighted(weightedCompanies) : undefined;
    const person = randomPerson(random);
    const [townPostcode, townName] =
      company && random.chance(0.7) ? [company.postcode, company.city] : random.pick(towns);
    const [yes, no] = random.weighted(optInWords);
    const birthDay = dayOf(1950, 1, 1) + random.int(0, 52 * 365);
    const createdDay = firstDay + Math.floor((index / sizes.contacts) * 3100) + random.int(0, 3);
    const values: Record<string, string> = {
      contact_id: id,
      first_name: messUp(
        random,
        random.chance(0.02) ? person.firstName.toLowerCase() : person.firstName,
        0.06,
      ),
      last_name: random.chance(0.08) ? person.lastName.toUpperCase() : messUp(random, person.lastName, 0.04),
      email: random.chance(0.06) ? '' : randomEmail(random, person, company?.domain),
      phone: random.chance(0.2) ? '' : randomPhone(random, landlinePrefixOf(townPostcode)),
      mobile: random.chance(0.3) ? '' : randomMobile(random),
      job_title: random.chance(0.1) ? '' : messUp(random, random.pick(jobTitles), 0.05),
      company_id: company?.id ?? '',
      owner_id: company && random.chance(0.8) ? company.ownerId : random.pick(activeUsers).user_id,
      postcode: townPostcode,
      city: messUp(random, townName, 0.1),
      birth_date: random.chance(0.35) ? '' : formatDay(birthDay, random.weighted(birthDateStyles)),
      opt_in: random.chance(0.4) ? yes : no,
      created_at: formatTimestamp(createdDay, random.int(7 * 3600, 20 * 3600)),
    };
    // Some people type their address with capitals.
    if (values.email !== '' && random.chance(0.05))
      values.email = (values.email ?? '').replace(/^\w|\.\w|@\w/g, (text) => text.toUpperCase());
    values.email = uniqueEmail(values.email ?? '', usedEmails);
    return company === undefined ? { values } : { values, company };
  };

  for (let index = 0; index < sizes.contacts; index++) {
    const id = idOf('CT', index + 1, 5);
    const { values, company } = newContact(index, id);
    rows.push({ key: id, values });
    contacts.push({ id, usable: true, companyId: company?.id ?? null });
  }

  // Near duplicates: the same person again under a new id, with a typo in the name and the same e-mail or
  // phone. An original needs an e-mail to share.
  const originals = injectNearDuplicates(
    random,
    rows,
    sizes.nearDuplicates,
    100,
    (original) => original.values.email !== '',
    (row, { values: original }, index, originalIndex) => {
      const typo = random.int(0, 2);
      const keepEmail = (original.phone === '' && original.mobile === '') || random.chance(0.6);
      Object.assign(row.values, {
        first_name: typo === 1 ? misspell(random, original.first_name ?? '') : original.first_name,
        last_name: typo === 1 ? original.last_name : misspell(random, original.last_name ?? ''),
        email: keepEmail ? original.email : row.values.email,
        // The same person was born on the same day; a retyped record often lacks the date (as drawn for the row).
        birth_date: row.values.birth_date === '' ? '' : original.birth_date,
        phone: keepEmail ? row.values.phone : original.phone || original.mobile,
        job_title: original.job_title,
        company_id: original.company_id,
        postcode: original.postcode,
        city: original.city,
      });
      contacts[index] = { ...itemAt(contacts, index), companyId: itemAt(contacts, originalIndex).companyId };
    },
  );

  const plain = (_row: CrmRow, index: number) => !originals.has(index);
  const slugs = (row: CrmRow) =>
    [asciiSlug(row.values.first_name ?? 'x'), asciiSlug(row.values.last_name ?? 'x')] as const;
  injectDefects(random, rows, sizes.missingNames, DefectKind.missingRequired, plain, (row) => {
    row.values.last_name = '';
  });
  injectDefects(random, rows, sizes.invalidBirthDates, DefectKind.invalidDate, plain, (row) => {
    row.values.birth_date = random.pick(impossibleBirthDates);
  });
  let unknown = 0;
  injectDefects(random, rows, sizes.unknownCompanies, DefectKind.unknownParent, plain, (row) => {
    row.values.company_id = idOf('CO', 9001 + unknown++, 4);
  });
  injectDefects(random, rows, sizes.testRecords, DefectKind.testRecord, plain, (row) => {
    const [first, last] = slugs(row);
    row.values.email = random.chance(0.5)
      ? `${first}.${last}@example.test`
      : `test${random.int(1, 99)}@example.test`;
  });
  injectDefects(random, rows, sizes.invalidEmails, DefectKind.invalidEmail, plain, (row) => {
    const [first, last] = slugs(row);
    row.values.email = random.pick(malformedEmails(first, last));
  });
  injectDefects(random, rows, sizes.invalidPhones, DefectKind.invalidPhone, plain, (row) => {
    row.values.phone = random.pick(malformedPhones);
  });
  rows.forEach((row, index) => {
    if (row.defect !== undefined && removesRecord(row.defect.kind)) itemAt(contacts, index).usable = false;
  });

  // Duplicate keys: a later row reuses the id of an earlier, loading contact (an export that merged two
  // systems, or the same person exported twice). The later row is rejected; the first keeps the id.
  const reusable = random.shuffle(
    rows.flatMap((row, index) => (row.defect === undefined && !originals.has(index) ? [index] : [])),
  );
  const reused = reusable.slice(0, sizes.duplicateKeys).map((index) => itemAt(rows, index));
  for (const original of reused) {
    const values = random.chance(0.5)
      ? {
          ...original.values,
          created_at: formatTimestamp(firstDay + 3100 + random.int(0, 150), random.int(7 * 3600, 20 * 3600)),
        }
      : { ...newContact(random.int(0, sizes.contacts - 1), original.key).values };
    const after = rows.indexOf(original) + 1;
    rows.splice(random.int(after, rows.length), 0, {
      key: original.key,
      values,
      defect: { kind: DefectKind.duplicateKey },
    });
  }
  return { rows, contacts };
};
