import { civilOf, workingDayFrom } from './calendar.js';
import type { Account, AccountKey } from './chart-of-accounts.js';
import type { DossierProfile } from './dossier-profiles.js';
import {
  amountAround,
  credit,
  debit,
  journals,
  letteringCode,
  signed,
  vatOf,
  type Entry,
  type JournalCode,
  type Lettering,
  type Line,
  type Party,
} from './fec-entries.js';
import type { PaymentMethod, Supplier, ThirdParties } from './fec-parties.js';
import type { FecVolumes } from './fec-volumes.js';
import type { Random } from './random.js';

interface Payment {
  readonly day: number;
  readonly party: Party;
  readonly method: PaymentMethod;
  /** True for a customer paying, false for paying a supplier. */
  readonly incoming: boolean;
  amount: number;
  readonly lettering: Lettering;
}

export interface BookkeepingContext {
  readonly profile: DossierProfile;
  readonly volumes: FecVolumes;
  readonly parties: ThirdParties;
  readonly random: Random;
  readonly account: (key: AccountKey) => Account;
  readonly caps: (text: string) => string;
}

/**
 * The bookkeeper of one dossier: books invoices, payments, takings and VAT returns into entries, and keeps
 * what a year carries from one month to the next (payments still to come, VAT to declare, cash in the till).
 *
 * A payment is decided when its invoice is booked, so the invoice line already carries the lettering code the
 * payment will share; an invoice not paid by the end of the year stays open (no code).
 */
export const createBookkeeping = ({
  profile,
  volumes,
  parties,
  random,
  account,
  caps,
}: BookkeepingContext) => {
  const { activity } = profile;
  const fyEnd = profile.fiscalYearEnd;
  const fiscalYear = civilOf(fyEnd).year;
  const weightedCustomers = parties.customers.map((customer) => [customer, customer.weight] as const);
  const weightedRates = activity.vatRates.map((rate, index) => [rate, index === 0 ? 4 : 1] as const);

  let order = 0;
  let batch: Entry[] = [];
  const letteringCounters = new Map<string, number>();
  const pending: Payment[] = [];
  const openPayments = new Map<string, Payment>();
  let vatCollected = 0;
  let vatDeductible = 0;
  let invoiceNumber = 0;
  let cash = 0;

  const post = (
    journal: JournalCode,
    day: number,
    pieceRef: string,
    label: string,
    lines: Line[],
    pieceDay = day,
  ): void => {
    batch.push({ journal, day, pieceRef, pieceDay, label: caps(label), lines, order: order++ });
  };

  /** Decides that an invoice is paid on `payDay`; the returned lettering goes on the invoice line. */
  const settle = (
    party: Party,
    incoming: boolean,
    method: PaymentMethod,
    amount: number,
    invoiceDay: number,
    payDay: number | undefined,
  ): Lettering | undefined => {
    if (payDay === undefined || payDay > fyEnd) return undefined;
    const open = openPayments.get(party.number);
    // One payment often settles several invoices: they then share its lettering code. A payment dated after
    // this invoice is still to be booked, so it can grow.
    if (open !== undefined && open.day >= invoiceDay + 3 && random.chance(0.3)) {
      open.amount += amount;
      return open.lettering;
    }
    const counter = letteringCounters.get(party.account.number) ?? 0;
    letteringCounters.set(party.account.number, counter + 1);
    const payment: Payment = {
      day: payDay,
      party,
      method,
      incoming,
      amount,
      lettering: { code: letteringCode(counter), day: payDay },
    };
    pending.push(payment);
    openPayments.set(party.number, payment);
    return payment.lettering;
  };

  /** When an invoice gets paid: on terms give or take a few days, sometimes late, sometimes never. */
  const payDayAfter = (invoiceDay: number, terms: number, neverPaid: number): number | undefined => {
    const draw = random.next();
    if (draw < neverPaid) return undefined;
    let delay = terms + Math.round(random.normal() * 5);
    if (draw < neverPaid + 0.08) delay += random.int(30, 90);
    return workingDayFrom(invoiceDay + Math.max(1, delay));
  };

  /** A two-line bank entry: `key`'s account against the bank. */
  const bank = (
    day: number,
    reference: string,
    label: string,
    key: AccountKey,
    amount: number,
    incoming = false,
  ): void => {
    const lines = incoming
      ? [debit(account('bank'), amount), credit(account(key), amount)]
      : [debit(account(key), amount), credit(account('bank'), amount)];
    post('BQ', day, reference, label, lines);
  };

  const sale = (day: number): void => {
    const customer = random.weighted(weightedCustomers);
    const rate = volumes.vatRegistered ? random.weighted(weightedRates) : 0;
    const net = amountAround(random, activity.ticket, 0.8);
    const vat = vatOf(net, rate);
    invoiceNumber++;
    const piece = `${fiscalYear}-${String(invoiceNumber).padStart(5, '0')}`;
    const revenue = account(activity.revenueAccount);
    if (random.chance(0.03)) {
      // A credit note (avoir): the invoice reversed. Left open, as credit notes often are.
      const lines = [credit(customer.account, net + vat, { party: customer }), debit(revenue, net)];
      if (vat > 0) lines.push(debit(account('vatCollected'), vat));
      vatCollected -= vat;
      post('VE', day, `AV${piece}`, `Avoir ${customer.name}`, lines);
      return;
    }
    const method = random.pick(['Virement', 'Chèque'] as const);
    const lettering = settle(
      customer,
      true,
      method,
      net + vat,
      day,
      payDayAfter(day, customer.paymentDays, 0.03),
    );
    const lines = [debit(customer.account, net + vat, { party: customer, lettering })];
    if (random.chance(0.25)) {
      // Two products or services on one invoice.
      const part = Math.round(net * (0.2 + 0.6 * random.next()));
      lines.push(credit(revenue, part), credit(revenue, net - part));
    } else {
      lines.push(credit(revenue, net));
    }
    if (vat > 0) lines.push(credit(account('vatCollected'), vat));
    vatCollected += vat;
    post('VE', day, `FA${piece}`, `Facture ${customer.name}`, lines);
  };

  const purchase = (supplier: Supplier, day: number, net: number, payDay: number | undefined): void => {
    const vat = supplier.vat ? vatOf(net, 2000) : 0;
    // VAT a company cannot recover (exempt activities) is part of the expense.
    const recoverable = volumes.vatRegistered ? vat : 0;
    const total = net + vat;
    const lettering = settle(supplier, false, supplier.method, total, day, payDay);
    const currency =
      supplier.currency === undefined
        ? undefined
        : { amount: Math.round(total * 1.085), code: supplier.currency };
    const lines = [
      credit(supplier.account, total, { party: supplier, lettering, currency }),
      debit(supplier.expense, total - recoverable),
    ];
    if (recoverable > 0) lines.push(debit(account('vatDeductible'), recoverable));
    vatDeductible += recoverable;
    const prefix = supplier.name
      .slice(0, 3)
      .toUpperCase()
      .replace(/[^A-Z]/g, 'X');
    const pieceDay = Math.max(profile.fiscalYearStart, day - random.int(0, 6));
    post('AC', day, `${prefix}${random.int(10000, 99999)}`, `Facture ${supplier.name}`, lines, pieceDay);
  };

  const payment = ({ day, party, amount, lettering, method, incoming }: Payment): void => {
    const reference =
      method === 'Chèque'
        ? `CHQ${random.int(1000000, 9999999)}`
        : method === 'Prélèvement'
          ? 'PRLV'
          : `VIR${random.int(100000, 999999)}`;
    const lines = incoming
      ? [debit(account('bank'), amount), credit(party.account, amount, { party, lettering })]
      : [debit(party.account, amount, { party, lettering }), credit(account('bank'), amount)];
    post('BQ', day, reference, `${method} ${party.name}`, lines);
  };

  return {
    post,
    settle,
    payDayAfter,
    bank,
    sale,
    purchase,

    /** The VAT return of everything booked so far, paid a few days later; nothing when there is nothing to declare. */
    vatReturn: (day: number, period: string): void => {
      const due = vatCollected - vatDeductible;
      // Collected VAT is cleared by a debit, deductible VAT by a credit, the difference is due or carried.
      const lines = [
        signed(account('vatCollected'), vatCollected),
        signed(account('vatDeductible'), -vatDeductible),
        signed(account(due > 0 ? 'vatPayable' : 'vatCredit'), -due),
      ].filter((line) => line.debit > 0 || line.credit > 0);
      if (lines.length < 2) return;
      post('OD', day, `TVA${period}`, 'Déclaration de TVA', lines);
      if (due > 0) bank(workingDayFrom(day + 5), 'TVA', 'Paiement TVA', 'vatPayable', due);
      vatCollected = 0;
      vatDeductible = 0;
    },

    /** A month of till closings (Z reports), one per day in `days`, banked every five closings. */
    takings: (days: readonly number[]): void => {
      let sinceDeposit = 0;
      days.forEach((day, index) => {
        const lines: Line[] = [];
        let total = 0;
        for (const rate of volumes.vatRegistered ? activity.vatRates : [0]) {
          const net = amountAround(random, activity.ticket * 1.5, 0.4);
          const vat = vatOf(net, rate);
          total += net + vat;
          vatCollected += vat;
          lines.push(credit(account(activity.revenueAccount), net));
          if (vat > 0) lines.push(credit(account('vatCollected'), vat));
        }
        post('CA', day, `Z${String(order).padStart(6, '0')}`, 'Recette du jour', [
          debit(account('cash'), total),
          ...lines,
        ]);
        cash += total;
        sinceDeposit++;
        const depositDay = workingDayFrom(day + 1);
        if ((sinceDeposit >= 5 || index === days.length - 1) && depositDay <= fyEnd) {
          // A little change stays in the till.
          const deposit = cash - amountAround(random, 150, 0.2);
          if (deposit > 0) {
            bank(depositDay, `REM${random.int(1000, 9999)}`, 'Remise espèces', 'cash', deposit, true);
            cash -= deposit;
          }
          sinceDeposit = 0;
        }
      });
    },

    /** Books the payments that fall due by `lastDay`. */
    payDue: (lastDay: number): void => {
      const due = pending.filter((item) => item.day <= lastDay);
      for (const item of due) {
        payment(item);
        pending.splice(pending.indexOf(item), 1);
      }
    },

    /** The entries booked since the last call, sorted as the FEC lists them: by day, then journal. */
    takeBatch: (): Entry[] => {
      const entries = batch;
      batch = [];
      return entries.sort(
        (a, b) => a.day - b.day || journals[a.journal].rank - journals[b.journal].rank || a.order - b.order,
      );
    },
  };
};

export type Bookkeeping = ReturnType<typeof createBookkeeping>;
