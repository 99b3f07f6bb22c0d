import { dateAt, dayOf, formatDay, formatTimestamp } from './calendar.js';
import { idOf, injectDefects, injectNearDuplicates, type CrmRow, type Referencable } from './crm-rows.js';
import { businessActivities } from './dossier-profiles.js';
import type { CrmUser } from './crm-users.js';
import { asciiSlug, streets, towns } from './french-data.js';
import { companyNameVariant } from './company-name-variant.js';
import type { DossierProfile } from './dossier-profiles.js';
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

/** What the firm's CRM knows of a client: its registry entry. */
export type CrmClient = Pick<DossierProfile, 'id' | 'clientName' | 'siren' | 'postcode' | 'city'>;

/** Share of the firm's clients that its CRM holds (some were never entered). */
const CLIENTS_IN_CRM = 0.8;

/** A SIREN as CRM users type it: mostly right, sometimes spaced, missing, mistyped, or another company's. */
const crmSiren = (random: Random, siren: string): { siren: string | null; vat: string | null } => {
  const vat = random.chance(0.6) ? vatNumberOf(siren) : null;
  return random.weighted<() => { siren: string | null; vat: string | null }>([
    [() => ({ siren, vat }), 58],
    [() => ({ siren: siren.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3'), vat }), 12],
    [() => ({ siren: null, vat }), 12],
    // A slipped digit: the check digit no longer holds, so it reads as no SIREN at all.
    [() => ({ siren: siren.slice(0, 4) + String((Number(siren[4]) + 1) % 10) + siren.slice(5), vat }), 8],
    // The SIRET of an establishment: the SIREN and five more digits.
    [() => ({ siren: `${siren}${String(random.int(10, 99)).padStart(5, '0')}`, vat }), 5],
    // Another company's number (the holding's, a former client's): it must block the link, never force it.
    [() => ({ siren: randomSiren(random), vat: null }), 5],
  ])();
};

/**
 * Turns rows of the CRM into the firm's clients as its users typed them: the registry's name in a variant, its
 * SIREN in one of the forms above, its town mostly. Rows are chosen among those with no defect and no near
 * duplicate, from a stream of their own, so every other company (and what contacts and deals draw) is unchanged.
 * Returns the source key of each client's row, for the link truth.
 */
const placeClients = (
  random: Random,
  rows: readonly CrmRow<CompanyCell>[],
  originals: ReadonlySet<number>,
  clients: readonly CrmClient[],
): { dossier: string; key: string }[] => {
  const free = random.shuffle(
    rows.flatMap((row, index) => (row.defect === undefined && !originals.has(index) ? [index] : [])),
  );
  const placed: { dossier: string; key: string }[] = [];
  for (const client of clients) {
    if (!random.chance(CLIENTS_IN_CRM)) continue;
    const index = free.pop();
    if (index === undefined) break;
    const row = itemAt(rows, index);
    const moved = random.chance(0.15);
    const [postcode, city] = moved ? random.pick(towns) : [client.postcode, client.city];
    Object.assign(row.values, {
      name: companyNameVariant(random, client.clientName),
      ...crmSiren(random, client.siren),
      postcode,
      city,
    });
    placed.push({ dossier: client.id, key: row.key });
  }
  return placed;
};

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
  clients: readonly CrmClient[] = [],
): {
  rows: CrmRow<CompanyCell>[];
  companies: CompanyRecord[];
  clientRows: { dossier: string; key: string }[];
} => {
  const rows: CrmRow<CompanyCell>[] = [];
  const companies: CompanyRecord[] = [];
  const activeUsers = users.filter((user) => user.active);
  const usedSlugs = new Set<string>();
  for (let index = 0; index < sizes.companies; index++) {
    const id = idOf('CO', index + 1, 4);
    const activity = random.weighted(businessActivities.map((item) => [item, item.weight] as const));
    const name = randomCompanyName(random, activity.trade);
    const [postcode, city] = random.pick(towns);
    const siren = randomSiren(random);
    // A web domain belongs to one company: namesakes in two towns get `boulangerie-martin-2.fr`. No random draw,
    // so the rest of the CRM stays as it was.
    const baseSlug = asciiSlug(name.replace(/\b(SARL|SAS|SASU|EURL|SA|SNC)\b/g, ''));
    let slug = baseSlug;
    for (let number = 2; usedSlugs.has(slug); number++) slug = `${baseSlug}-${number}`;
    usedSlugs.add(slug);
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
  // The firm's CRM: a share of its companies are the portfolio's clients, the others prospects and contacts.
  const clientRows = placeClients(random.fork('clients'), rows, originals, clients);
  return { rows, companies, clientRows };
};
