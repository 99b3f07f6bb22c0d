import { dateAt, dayOf, formatDay, formatTimestamp } from './calendar.js';
import { idOf, injectDefects, injectNearDuplicates, type CrmRow, type Referencable } from './crm-rows.js';
import { businessActivities } from './dossier-profiles.js';
import type { CrmUser } from './crm-users.js';
import { asciiSlug, streets, towns } from './french-data.js';
import { DefectKind } from './manifest.js';
import { landlinePrefixOf, messUp, randomCompanyName, randomPhone } from './names.js';
import { itemAt, type Random } from './random.js';
import { randomSiren, vatNumberOf } from './siren.js';

export type CompanyCell = string | number | Date | null;

export const companyColumns = [
  'company_id',
  'name',
  'siren',
  'vat',
  'website',
  'phone',
  'address',
  'postcode',
  'city',
  'country',
  'naf',
  'employees',
  'owner_id',
  'created',
] as const;

export interface CompanyRecord extends Referencable {
  readonly domain: string;
  readonly postcode: string;
  readonly city: string;
  readonly ownerId: string;
}

const randomCreated = (random: Random): CompanyCell => {
  const day = dayOf(2015, 1, 1) + random.int(0, 3450);
  const second = random.int(8 * 3600, 19 * 3600);
  // Most rows hold a real spreadsheet date; rows typed in by hand or imported from elsewhere hold text.
  return random.weighted<() => CompanyCell>([
    [() => dateAt(day, second), 85],
    [() => formatDay(day, 'french'), 8],
    [() => formatTimestamp(day, second), 7],
  ])();
};

/** A second spelling of a company name: how the same company gets typed in twice. */
const variantName = (random: Random, name: string): string =>
  random.weighted<() => string>([
    [() => name.toUpperCase(), 3],
    [
      () =>
        name
          .replace(/\b(SARL|SAS|SASU|EURL|SA|SNC)\b/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      3,
    ],
    [() => `${name} `, 1],
    [() => name.normalize('NFD').replace(/\p{M}/gu, ''), 2],
    [() => name.replace(' & ', ' et '), 1],
  ])();

export interface CompanySizes {
  readonly companies: number;
  readonly nearDuplicates: number;
  readonly missingNames: number;
}

/**
 * Companies for `companies.xlsx`. Near duplicates (the same company under a second id) load; companies with
 * no name are rejected, so nothing else in the CRM points at them.
 */
export const buildCompanies = (
  random: Random,
  users: readonly CrmUser[],
  sizes: CompanySizes,
): { rows: CrmRow<CompanyCell>[]; companies: CompanyRecord[] } => {
  const rows: CrmRow<CompanyCell>[] = [];
  const companies: CompanyRecord[] = [];
  const activeUsers = users.filter((user) => user.active);
  for (let index = 0; index < sizes.companies; index++) {
    const id = idOf('CO', index + 1, 4);
    const activity = random.weighted(businessActivities.map((item) => [item, item.weight] as const));
    const name = randomCompanyName(random, activity.trade);
    const [postcode, city] = random.pick(towns);
    const siren = randomSiren(random);
    const slug = asciiSlug(name.replace(/\b(SARL|SAS|SASU|EURL|SA|SNC)\b/g, ''));
    const domain = `${slug}.fr`;
    const owner = random.pick(random.chance(0.9) ? activeUsers : users).user_id;
    const values: Record<string, CompanyCell> = {
      company_id: id,
      name: messUp(random, name, 0.08),
      siren: random.chance(0.08)
        ? null
        : random.chance(0.12)
          ? siren.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3')
          : siren,
      vat: random.chance(0.7) ? vatNumberOf(siren) : null,
      website: random.weighted<string | null>([
        [`www.${domain}`, 4],
        [`https://www.${slug}.com`, 2],
        [null, 4],
      ]),
      phone: random.chance(0.85) ? randomPhone(random, landlinePrefixOf(postcode)) : null,
      address: `${random.int(1, 120)} ${random.pick(streets)}`,
      postcode,
      city: messUp(random, city, 0.1),
      country: random.weighted<string | null>([
        ['France', 80],
        ['FRANCE', 8],
        ['FR', 7],
        [null, 5],
      ]),
      naf: random.chance(0.15) ? `${activity.naf.slice(0, 2)}.${activity.naf.slice(2)}` : activity.naf,
      employees: random.chance(0.2) ? null : Math.max(1, Math.round(Math.exp(1.5 + 1.2 * random.normal()))),
      owner_id: owner,
      created: randomCreated(random),
    };
    rows.push({ key: id, values });
    companies.push({ id, usable: true, domain, postcode, city, ownerId: owner });
  }

  // Near duplicates: a later row repeats an earlier company (same SIREN, town, phone) under a new id.
  const originals = injectNearDuplicates(
    random,
    rows,
    sizes.nearDuplicates,
    50,
    () => true,
    (row, original, index, originalIndex) => {
      const name = original.values.name;
      Object.assign(row.values, {
        name: typeof name === 'string' ? variantName(random, name) : name,
        siren: original.values.siren,
        vat: original.values.vat,
        postcode: original.values.postcode,
        city: original.values.city,
        naf: original.values.naf,
        phone: random.chance(0.6) ? original.values.phone : row.values.phone,
      });
      companies[index] = {
        ...itemAt(companies, originalIndex),
        id: row.key,
        ownerId: itemAt(companies, index).ownerId,
      };
    },
  );

  injectDefects(
    random,
    rows,
    sizes.missingNames,
    DefectKind.missingRequired,
    (_row, index) => !originals.has(index),
    (row, index) => {
      row.values.name = null;
      itemAt(companies, index).usable = false;
    },
  );
  return { rows, companies };
};
