import { dayOf, formatDay, formatTimestamp } from './calendar.js';
import type { CompanyRecord } from './crm-companies.js';
import type { CrmUser } from './crm-users.js';
import type { ContactRecord } from './crm-contacts.js';
import { idOf, injectDefects, type CrmRow, type Referencable } from './crm-rows.js';
import { DefectKind, removesRecord } from './manifest.js';
import { itemAt, type Random } from './random.js';

export const dealColumns = [
  'deal_id',
  'title',
  'amount',
  'currency',
  'stage',
  'close_date',
  'company_id',
  'contact_id',
  'owner_id',
  'created_at',
] as const;

export interface DealRecord extends Referencable {
  readonly companyId: string;
}

export interface DealSizes {
  readonly deals: number;
  readonly invalidAmounts: number;
  readonly unknownContacts: number;
  readonly missingTitles: number;
}

const topics = [
  'Renouvellement contrat maintenance',
  'Licences logiciel',
  'Audit sécurité',
  "Formation de l'équipe",
  'Extension de garantie',
  'Refonte du site web',
  'Fourniture de matériel',
  'Contrat cadre',
  'Accompagnement RGPD',
  'Migration messagerie',
  'Mission de conseil',
  'Location de véhicules',
];

const stages = [
  ['Prospection', 3],
  ['Qualification', 3],
  ['Proposition envoyée', 3],
  ['Négociation', 2],
  ['Gagnée', 5],
  ['Perdue', 3],
] as const;

/** Thousands grouped with spaces, as French users type them (`1 234`). */
const grouped = (units: number): string => String(units).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');

/** An amount the way a person typed it into the CRM: `1234.50`, `1 234,50` or `980`. */
export const typedAmount = (random: Random, cents: number): string => {
  const units = Math.floor(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  if (rest === '00' && random.chance(0.6)) return String(units);
  return random.chance(0.5) ? `${units}.${rest}` : `${grouped(units)},${rest}`;
};

/**
 * Deals for `deals.csv`. A deal points at a company that loads and, most of the time, at one of its contacts
 * that loads; deals that will be rejected are marked unusable so that no activity points at them.
 */
export const buildDeals = (
  random: Random,
  companies: readonly CompanyRecord[],
  contacts: readonly ContactRecord[],
  users: readonly CrmUser[],
  sizes: DealSizes,
): { rows: CrmRow[]; deals: DealRecord[] } => {
  const contactsByCompany = new Map<string, string[]>();
  for (const contact of contacts) {
    if (!contact.usable || contact.companyId === null) continue;
    const list = contactsByCompany.get(contact.companyId) ?? [];
    list.push(contact.id);
    contactsByCompany.set(contact.companyId, list);
  }
  // Companies with contacts are the ones sales people work with.
  const weightedCompanies = companies
    .filter((company) => company.usable)
    .map((company) => [company, contactsByCompany.has(company.id) ? 4 : 1] as const);
  const firstDay = dayOf(2019, 1, 1);

  const rows: CrmRow[] = [];
  const deals: DealRecord[] = [];
  for (let index = 0; index < sizes.deals; index++) {
    const id = idOf('DL', index + 1, 4);
    const company = random.weighted(weightedCompanies);
    const companyContacts = contactsByCompany.get(company.id);
    const stage = random.weighted(stages);
    const createdDay = firstDay + Math.floor((index / sizes.deals) * 2000) + random.int(0, 5);
    const closed = stage === 'Gagnée' || stage === 'Perdue';
    const closeDay = createdDay + random.int(15, 200);
    const cents = random.chance(0.3)
      ? Math.round(Math.exp(Math.log(8000) + random.normal())) * 100 + random.pick([0, 50, 99])
      : Math.max(1, Math.round(Math.exp(Math.log(800) + random.normal()))) * 1000;
    const year = Number(formatDay(createdDay, 'iso').slice(0, 4));
    rows.push({
      key: id,
      values: {
        deal_id: id,
        title: random.chance(0.5) ? `${random.pick(topics)} ${year}` : random.pick(topics),
        amount: typedAmount(random, cents),
        currency: random.weighted([
          ['EUR', 90],
          ['eur', 6],
          ['Eur', 4],
        ] as const),
        stage,
        close_date: closed || random.chance(0.5) ? formatDay(closeDay, 'french') : '',
        company_id: company.id,
        contact_id: companyContacts !== undefined && random.chance(0.85) ? random.pick(companyContacts) : '',
        owner_id: random.chance(0.8) ? company.ownerId : random.pick(users).user_id,
        created_at: formatTimestamp(createdDay, random.int(8 * 3600, 19 * 3600)),
      },
    });
    deals.push({ id, usable: true, companyId: company.id });
  }

  injectDefects(
    random,
    rows,
    sizes.invalidAmounts,
    DefectKind.invalidAmount,
    () => true,
    (row) => {
      row.values.amount = random.pick(['N/A', '12,34,56', 'n/a', '1.234,56,00']);
    },
  );
  let unknown = 0;
  injectDefects(
    random,
    rows,
    sizes.unknownContacts,
    DefectKind.unknownParent,
    () => true,
    (row) => {
      row.values.contact_id = idOf('CT', 90001 + unknown++, 5);
    },
  );
  injectDefects(
    random,
    rows,
    sizes.missingTitles,
    DefectKind.missingRequired,
    () => true,
    (row) => {
      row.values.title = '';
    },
  );
  rows.forEach((row, index) => {
    if (row.defect !== undefined && removesRecord(row.defect.kind)) itemAt(deals, index).usable = false;
  });
  return { rows, deals };
};
