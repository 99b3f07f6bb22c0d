import type { Account, AccountKey } from './chart-of-accounts.js';
import type { DossierProfile } from './dossier-profiles.js';
import { clamp, type Party } from './fec-entries.js';
import type { FecVolumes } from './fec-volumes.js';
import { lastNames } from './french-data.js';
import { companyNameVariant } from './company-name-variant.js';
import { randomCompanyName } from './names.js';
import type { Random } from './random.js';

export interface Customer extends Party {
  /** Relative frequency of purchases. */
  readonly weight: number;
  /** Payment terms in days (0: paid on receipt). */
  readonly paymentDays: number;
}

export type PaymentMethod = 'Virement' | 'Prélèvement' | 'Chèque';

export interface Supplier extends Party {
  readonly weight: number;
  /** The expense account its invoices go to. */
  readonly expense: Account;
  readonly vat: boolean;
  /** Typical invoice before tax, in cents. */
  readonly amount: number;
  readonly method: PaymentMethod;
  /** Foreign suppliers invoice in their currency. */
  readonly currency?: string;
}

/** The suppliers that bill every month or quarter. */
export interface RecurringSuppliers {
  readonly telecom: Supplier;
  readonly insurer: Supplier;
  readonly accountant: Supplier;
  readonly landlord: Supplier | undefined;
  readonly energy: Supplier | undefined;
}

export interface ThirdParties {
  readonly customers: readonly Customer[];
  readonly recurring: RecurringSuppliers;
  /** Every supplier, recurring ones first. */
  readonly suppliers: readonly Supplier[];
  /** The suppliers invoices are drawn from, with their weights. */
  readonly occasional: readonly (readonly [Supplier, number])[];
  /** Third parties that are other clients of the firm (the profile's trading partners): number → dossier. */
  readonly partners: ReadonlyMap<string, string>;
}

interface Context {
  readonly profile: DossierProfile;
  readonly volumes: FecVolumes;
  readonly random: Random;
  readonly account: (key: AccountKey) => Account;
  /** How the dossier's software writes labels. */
  readonly caps: (text: string) => string;
}

const customerTrades = [
  'consulting',
  'retail',
  'building',
  'software',
  'transport',
  'wholesale',
  'health',
  'garage',
] as const;
const supplierTrades = ['wholesale', 'software', 'transport', 'garage', 'carpentry'] as const;

/**
 * The dossier's customers (C0001...) and suppliers (F0001...). Both buy and sell with a long-tailed
 * frequency: a few big customers and suppliers, many occasional ones.
 */
export const buildThirdParties = ({ profile, volumes, random, account, caps }: Context): ThirdParties => {
  const customerAccount = account('customers');
  const supplierAccount = account('suppliers');
  const customers: Customer[] = Array.from(
    { length: clamp(Math.round(volumes.sales / 6), 2, 800) },
    (_, index) => ({
      number: `C${String(index + 1).padStart(4, '0')}`,
      name: caps(randomCompanyName(random, random.pick(customerTrades))),
      account: customerAccount,
      weight: 1 / Math.pow(index + 1, 0.8),
      paymentDays: random.pick([0, 30, 30, 45, 60]),
    }),
  );

  const suppliers: Supplier[] = [];
  const addSupplier = (
    name: string,
    expense: AccountKey,
    euros: number,
    options: Partial<Pick<Supplier, 'vat' | 'method' | 'currency'>> = {},
  ): Supplier => {
    const supplier: Supplier = {
      number: `F${String(suppliers.length + 1).padStart(4, '0')}`,
      name: caps(name),
      account: supplierAccount,
      weight: 1 / Math.pow(suppliers.length + 1, 0.7),
      expense: account(expense),
      vat: options.vat ?? true,
      amount: Math.round(euros * 100),
      method: options.method ?? random.pick(['Virement', 'Virement', 'Prélèvement', 'Chèque'] as const),
      ...(options.currency === undefined ? {} : { currency: options.currency }),
    };
    suppliers.push(supplier);
    return supplier;
  };
  const { scale } = volumes;
  const recurring: RecurringSuppliers = {
    telecom: addSupplier(
      random.pick(['Télécom Services', 'Réseau Fibre Ouest', 'Mobile Pro Télécom']),
      'telecom',
      45 * scale,
      {
        method: 'Prélèvement',
      },
    ),
    // Insurance premiums carry no VAT in France.
    insurer: addSupplier(
      random.pick(['Mutuelle des Artisans', 'Assurances du Centre', 'Prévoyance Pro']),
      'insurance',
      350 * scale,
      {
        vat: false,
        method: 'Prélèvement',
      },
    ),
    accountant: addSupplier(
      `Cabinet ${random.pick(lastNames)} Expertise`,
      'fees',
      volumes.micro ? 900 : 1200 * scale,
      {
        method: 'Virement',
      },
    ),
    landlord: volumes.hasRent
      ? addSupplier(`SCI ${random.pick(lastNames)}`, 'rent', 900 * scale, { method: 'Virement' })
      : undefined,
    energy: volumes.hasEnergy
      ? addSupplier(
          random.pick(['Énergie Régionale', 'Électricité de Province', 'Gaz & Énergies']),
          'utilities',
          160 * scale,
          {
            method: 'Prélèvement',
          },
        )
      : undefined,
  };
  const recurringCount = suppliers.length;
  // Some importers buy from one supplier abroad, invoiced in dollars.
  const importer = random.chance(0.15);
  const occasionalCount = clamp(Math.round(volumes.purchases / 8), 2, 400);
  for (let index = 0; index < occasionalCount; index++) {
    const expense = random.weighted<AccountKey>([
      [profile.activity.purchaseAccount, 10],
      ['maintenance', 2],
      ['officeSupplies', 2],
      ['advertising', 1],
      ['travel', 1],
    ]);
    const foreign = importer && index === 1;
    addSupplier(
      foreign ? 'Pacific Trading Co' : randomCompanyName(random, random.pick(supplierTrades)),
      expense,
      (profile.activity.ticket * 0.6 + 80) * Math.exp(0.5 * random.normal()),
      foreign ? { currency: 'USD' } : {},
    );
  }
  // Trading partners take the place of a big customer or an occasional supplier, so that they appear in the
  // books; their names come from a stream of their own, which leaves every other draw (and FEC line) as it was.
  const partners = new Map<string, string>();
  const naming = random.fork('partners');
  profile.tradingPartners.forEach((partner, index) => {
    const name = caps(companyNameVariant(naming, partner.name, 25));
    const supplierSlot = recurringCount + index;
    const supplier = index % 2 === 1 ? suppliers[supplierSlot] : undefined;
    if (supplier !== undefined) {
      suppliers[supplierSlot] = { ...supplier, name };
      partners.set(supplier.number, partner.dossier);
      return;
    }
    const customerSlot = Math.min(index, customers.length - 1);
    const customer = customers[customerSlot];
    if (customer === undefined || partners.has(customer.number)) return;
    customers[customerSlot] = { ...customer, name };
    partners.set(customer.number, partner.dossier);
  });
  return {
    partners,
    customers,
    recurring,
    suppliers,
    occasional: suppliers.slice(recurringCount).map((supplier) => [supplier, supplier.weight] as const),
  };
};
