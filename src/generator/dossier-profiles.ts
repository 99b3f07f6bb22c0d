import { dayOf, formatDay } from './calendar.js';
import type { AccountKey } from './chart-of-accounts.js';
import { csvRow } from './csv-row.js';
import { towns, type Trade } from './french-data.js';
import { randomCompanyName } from './names.js';
import { itemAt, type Random } from './random.js';
import { randomSiren } from './siren.js';

/** What a client company does (its NAF code, the French activity classification) and how it books it. */
export interface BusinessActivity {
  readonly naf: string;
  readonly trade: Trade;
  /** Share of a real accounting firm's portfolio. */
  readonly weight: number;
  readonly revenueAccount: AccountKey;
  readonly purchaseAccount: AccountKey;
  /** VAT rates in basis points (2000 = 20 %); empty for VAT-exempt activities (rents, health). */
  readonly vatRates: readonly number[];
  /** Shops and restaurants take cash over the counter: a CA (caisse) journal with daily takings. */
  readonly cash: boolean;
  /** Typical invoice before tax, in euros. */
  readonly ticket: number;
}

// prettier-ignore
export const businessActivities: readonly BusinessActivity[] = [
  { naf: '6201Z', trade: 'software', weight: 8, revenueAccount: 'services', purchaseAccount: 'subcontracting', vatRates: [2000], cash: false, ticket: 2500 },
  { naf: '7022Z', trade: 'consulting', weight: 9, revenueAccount: 'services', purchaseAccount: 'subcontracting', vatRates: [2000], cash: false, ticket: 1800 },
  { naf: '6920Z', trade: 'accounting', weight: 3, revenueAccount: 'services', purchaseAccount: 'officeSupplies', vatRates: [2000], cash: false, ticket: 900 },
  { naf: '4711D', trade: 'retail', weight: 6, revenueAccount: 'goodsSales', purchaseAccount: 'goods', vatRates: [550, 2000], cash: true, ticket: 350 },
  { naf: '4778C', trade: 'shop', weight: 5, revenueAccount: 'goodsSales', purchaseAccount: 'goods', vatRates: [2000], cash: true, ticket: 180 },
  { naf: '5610A', trade: 'restaurant', weight: 9, revenueAccount: 'goodsSales', purchaseAccount: 'goods', vatRates: [1000, 2000], cash: true, ticket: 450 },
  { naf: '5510Z', trade: 'hotel', weight: 2, revenueAccount: 'services', purchaseAccount: 'goods', vatRates: [1000], cash: true, ticket: 600 },
  { naf: '1071C', trade: 'bakery', weight: 4, revenueAccount: 'productSales', purchaseAccount: 'rawMaterials', vatRates: [550], cash: true, ticket: 120 },
  { naf: '4321A', trade: 'electrician', weight: 6, revenueAccount: 'works', purchaseAccount: 'rawMaterials', vatRates: [2000, 1000], cash: false, ticket: 2400 },
  { naf: '4332A', trade: 'carpentry', weight: 4, revenueAccount: 'works', purchaseAccount: 'rawMaterials', vatRates: [2000, 1000], cash: false, ticket: 3500 },
  { naf: '4120A', trade: 'building', weight: 4, revenueAccount: 'works', purchaseAccount: 'rawMaterials', vatRates: [2000], cash: false, ticket: 12000 },
  { naf: '4520A', trade: 'garage', weight: 4, revenueAccount: 'services', purchaseAccount: 'goods', vatRates: [2000], cash: false, ticket: 650 },
  { naf: '4941A', trade: 'transport', weight: 3, revenueAccount: 'services', purchaseAccount: 'utilities', vatRates: [2000], cash: false, ticket: 1500 },
  { naf: '6820B', trade: 'property', weight: 7, revenueAccount: 'services', purchaseAccount: 'maintenance', vatRates: [], cash: false, ticket: 900 },
  { naf: '8621Z', trade: 'health', weight: 4, revenueAccount: 'services', purchaseAccount: 'officeSupplies', vatRates: [], cash: false, ticket: 1200 },
  { naf: '9602A', trade: 'hairdresser', weight: 4, revenueAccount: 'services', purchaseAccount: 'goods', vatRates: [2000], cash: true, ticket: 60 },
  { naf: '7112B', trade: 'engineering', weight: 3, revenueAccount: 'services', purchaseAccount: 'subcontracting', vatRates: [2000], cash: false, ticket: 4000 },
  { naf: '0111Z', trade: 'farming', weight: 2, revenueAccount: 'productSales', purchaseAccount: 'rawMaterials', vatRates: [1000, 550], cash: false, ticket: 8000 },
  { naf: '4673A', trade: 'wholesale', weight: 3, revenueAccount: 'goodsSales', purchaseAccount: 'goods', vatRates: [2000], cash: false, ticket: 3000 },
];

/** The production software a dossier was kept in, and how its FEC export writes numbers and labels. */
export interface LegacySoftware {
  readonly name: string;
  readonly weight: number;
  readonly accountWidth: number;
  readonly upperCaseLabels: boolean;
  readonly labelWidth: number;
  /** EcritureNum zero-padded to this width; 0 for plain numbers. */
  readonly entryNumberWidth: number;
}

// prettier-ignore
export const legacySoftwares: readonly LegacySoftware[] = [
  { name: 'Quadra', weight: 3, accountWidth: 8, upperCaseLabels: true, labelWidth: 30, entryNumberWidth: 0 },
  { name: 'Coala', weight: 3, accountWidth: 6, upperCaseLabels: false, labelWidth: 0, entryNumberWidth: 6 },
  { name: 'ACD', weight: 2, accountWidth: 6, upperCaseLabels: false, labelWidth: 0, entryNumberWidth: 0 },
  { name: 'Isacompta', weight: 2, accountWidth: 8, upperCaseLabels: false, labelWidth: 0, entryNumberWidth: 0 },
  { name: 'EBP', weight: 2, accountWidth: 6, upperCaseLabels: false, labelWidth: 0, entryNumberWidth: 6 },
  { name: 'Cegid Expert', weight: 1, accountWidth: 6, upperCaseLabels: true, labelWidth: 0, entryNumberWidth: 0 },
];

export const DossierSize = { micro: 'micro', small: 'small', medium: 'medium', large: 'large' } as const;
export type DossierSize = (typeof DossierSize)[keyof typeof DossierSize];

export interface DossierProfile {
  /** `D0001`. */
  readonly id: string;
  readonly clientName: string;
  readonly siren: string;
  readonly activity: BusinessActivity;
  readonly size: DossierSize;
  /** Day numbers (see calendar.ts). */
  readonly fiscalYearStart: number;
  readonly fiscalYearEnd: number;
  readonly software: LegacySoftware;
  /** About how many FEC lines the year should have. */
  readonly targetLines: number;
  /** Whether this dossier's FEC carries one unreadable amount (a known defect). */
  readonly fecDefect: boolean;
  /** Where the client company is: the registry's address, which `cutover link` compares with the CRM's. */
  readonly postcode: string;
  readonly city: string;
  /**
   * Other clients of the firm this one trades with: they appear in its books as third parties, named the way
   * its bookkeeper typed them and without SIREN (a FEC has no column for one). Empty until the portfolio draws them.
   */
  readonly tradingPartners: readonly { readonly dossier: string; readonly name: string }[];
}

/**
 * FEC sizes follow a log-normal law, as in a real firm: many small dossiers, some medium, a few large.
 * The law is sampled by strata (dossier k gets the quantile (k + u) / N, in shuffled order) rather than
 * freely, so that every portfolio has the same spread: N = 50 always gives a few dossiers of tens of
 * thousands of lines and stays around 50,000-150,000 lines in all, whatever the seed.
 */
const MEDIAN_LINES = 450;
const SIGMA = 1.5;
const MIN_LINES = 120;
const MAX_LINES = 50_000;

/** Inverse of the standard normal distribution, by its logistic approximation (close enough for sizes). */
const normalQuantile = (probability: number): number => Math.log(probability / (1 - probability)) / 1.702;

const sizeOf = (lines: number): DossierSize =>
  lines < 300 ? 'micro' : lines < 1500 ? 'small' : lines < 8000 ? 'medium' : 'large';

/** Fiscal years mostly follow the calendar; some close on 31 March, 30 June or 30 September. */
const closingMonths = [
  [12, 70],
  [3, 10],
  [6, 10],
  [9, 10],
] as const;

export const dossierIdOf = (index: number, count: number): string =>
  `D${String(index + 1).padStart(Math.max(4, String(count).length), '0')}`;

const placeOf = ([postcode, city]: readonly [string, string]) => ({ postcode, city });

export const planDossiers = (random: Random, count: number): DossierProfile[] => {
  const strata = random.shuffle(Array.from({ length: count }, (_, index) => index));
  const defective = new Set(
    random
      .shuffle(Array.from({ length: count }, (_, index) => index))
      .slice(0, Math.max(1, Math.round(count / 10))),
  );
  const sirens = new Set<string>();
  const weightedActivities = businessActivities.map((activity) => [activity, activity.weight] as const);
  const weightedSoftwares = legacySoftwares.map((software) => [software, software.weight] as const);
  // Addresses come from a stream of their own: adding them changed no other draw, so no FEC byte.
  const places = random.fork('places');

  return Array.from({ length: count }, (_, index): DossierProfile => {
    const quantile = (itemAt(strata, index) + random.next()) / count;
    const lines = Math.round(
      Math.min(MAX_LINES, Math.max(MIN_LINES, MEDIAN_LINES * Math.exp(SIGMA * normalQuantile(quantile)))),
    );
    let siren = randomSiren(random);
    while (sirens.has(siren)) siren = randomSiren(random);
    sirens.add(siren);
    const activity = random.weighted(weightedActivities);
    const closingMonth = random.weighted(closingMonths);
    const closingYear = random.chance(0.85) ? 2024 : 2023;
    const fiscalYearEnd = dayOf(closingYear, closingMonth + 1, 0);
    return {
      id: dossierIdOf(index, count),
      clientName: randomCompanyName(random, activity.trade),
      siren,
      activity,
      size: sizeOf(lines),
      fiscalYearStart: dayOf(closingYear - 1, closingMonth + 1, 1),
      fiscalYearEnd,
      software: random.weighted(weightedSoftwares),
      targetLines: lines,
      fecDefect: defective.has(index),
      ...placeOf(places.pick(towns)),
      tradingPartners: [],
    };
  });
};

export const registryColumns = [
  'dossier_id',
  'client_name',
  'siren',
  'naf',
  'size',
  'fiscal_year_start',
  'fiscal_year_end',
  'software',
  'postcode',
  'city',
] as const;

export const registryRow = (profile: DossierProfile): string =>
  csvRow(
    [
      profile.id,
      profile.clientName,
      profile.siren,
      profile.activity.naf,
      profile.size,
      formatDay(profile.fiscalYearStart, 'iso'),
      formatDay(profile.fiscalYearEnd, 'iso'),
      profile.software.name,
      profile.postcode,
      profile.city,
    ],
    ',',
    '\n',
  );
