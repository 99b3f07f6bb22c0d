import { dayOf, formatDay, formatTimestamp } from './calendar.js';
import type { CrmUser } from './crm-users.js';
import type { ContactRecord } from './crm-contacts.js';
import type { DealRecord } from './crm-deals.js';
import { idOf, injectDefects, type CrmRow } from './crm-rows.js';
import { DefectKind } from './manifest.js';
import type { Random } from './random.js';

export const activityColumns = [
  'activity_id',
  'type',
  'subject',
  'body',
  'date',
  'contact_id',
  'company_id',
  'deal_id',
  'owner_id',
] as const;

export interface ActivitySizes {
  readonly activities: number;
  readonly invalidDates: number;
}

/** Activity types, each typed several ways over the years. */
const kinds = [
  [['Appel', 'appel', 'APPEL'], ['Appel de suivi', 'Relance devis', 'Premier contact', 'Appel entrant'], 5],
  [['E-mail', 'Email', 'email'], ['Envoi de la proposition', 'Relance par e-mail', 'Réponse au client'], 4],
  [['Réunion', 'reunion', 'RDV'], ['Rendez-vous sur site', 'Démonstration', 'Réunion de lancement'], 2],
  [['Note', 'note'], ['Compte rendu', 'Information client', 'À savoir'], 2],
  [['Tâche', 'tache'], ['Préparer le devis', 'Envoyer le contrat', 'Mettre à jour la fiche'], 1],
] as const;

/** Notes as people write them: several lines, quotes, commas and semicolons inside. */
const bodies = [
  'Client intéressé, rappeler la semaine prochaine.',
  'Devis envoyé.\nRelance prévue dans 15 jours.',
  'Compte rendu :\n- budget validé\n- décision en comité, "pas avant septembre"',
  'RDV sur site avec le DAF ; besoin confirmé, attente du bon de commande.',
  'Message laissé sur le répondeur',
  'Échange cordial. Le client compare avec un concurrent, prix jugé "un peu élevé".',
  'Points abordés :\n1. délais de livraison\n2. conditions de paiement (45 jours)\n\nÀ suivre.',
  '',
];

/** Dates that do not exist, with and without a time. */
const impossibleDates = [
  '2023-02-30',
  '2023-02-30 10:15:00',
  '2022-04-31 09:00:00',
  '2023-13-05 14:00:00',
  '2021-02-29',
];

/**
 * Activities for `activities.csv` (calls, e-mails, meetings, notes). Each points at a contact that loads, its
 * company, and sometimes a deal of that company that loads.
 */
export const buildActivities = (
  random: Random,
  contacts: readonly ContactRecord[],
  deals: readonly DealRecord[],
  users: readonly CrmUser[],
  sizes: ActivitySizes,
): CrmRow[] => {
  const usableContacts = contacts.filter((contact) => contact.usable);
  const dealsByCompany = new Map<string, string[]>();
  for (const deal of deals) {
    if (!deal.usable) continue;
    const list = dealsByCompany.get(deal.companyId) ?? [];
    list.push(deal.id);
    dealsByCompany.set(deal.companyId, list);
  }
  const firstDay = dayOf(2019, 1, 1);
  const rows: CrmRow[] = [];
  for (let index = 0; index < sizes.activities; index++) {
    const id = idOf('ACT', index + 1, 5);
    const contact = random.pick(usableContacts);
    const companyDeals = contact.companyId === null ? undefined : dealsByCompany.get(contact.companyId);
    const [types, subjects] = random.weighted(
      kinds.map(([names, topics, weight]) => [[names, topics], weight] as const),
    );
    const day = firstDay + Math.floor((index / sizes.activities) * 2000) + random.int(0, 3);
    rows.push({
      key: id,
      values: {
        activity_id: id,
        type: random.chance(0.8) ? (types[0] ?? '') : random.pick(types),
        subject: random.pick(subjects),
        body: random.pick(bodies),
        date: random.chance(0.9)
          ? formatTimestamp(day, random.int(8 * 3600, 19 * 3600))
          : formatDay(day, 'iso'),
        contact_id: contact.id,
        company_id: contact.companyId ?? '',
        deal_id: companyDeals !== undefined && random.chance(0.3) ? random.pick(companyDeals) : '',
        owner_id: random.pick(users).user_id,
      },
    });
  }
  injectDefects(
    random,
    rows,
    sizes.invalidDates,
    DefectKind.invalidDate,
    () => true,
    (row) => {
      row.values.date = random.pick(impossibleDates);
    },
  );
  return rows;
};
