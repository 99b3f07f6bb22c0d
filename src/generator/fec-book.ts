import { civilOf, dayOf, isWeekend, monthEndAfter, workingDayFrom, workingDayUntil } from './calendar.js';
import { chartFor, type Account, type AccountKey } from './chart-of-accounts.js';
import type { DossierProfile } from './dossier-profiles.js';
import { createBookkeeping, type Bookkeeping } from './fec-bookkeeping.js';
import { amountAround, clamp, credit, debit, type Entry, type Line } from './fec-entries.js';
import { buildThirdParties, type Supplier, type ThirdParties } from './fec-parties.js';
import { planVolumes, type FecVolumes } from './fec-volumes.js';
import type { Random } from './random.js';

const depreciationOf = {
  equipment: 'equipmentDepreciation',
  officeEquipment: 'officeDepreciation',
  vehicles: 'vehicleDepreciation',
} as const;

interface Year {
  readonly profile: DossierProfile;
  readonly volumes: FecVolumes;
  readonly parties: ThirdParties;
  readonly book: Bookkeeping;
  readonly random: Random;
  readonly account: (key: AccountKey) => Account;
}

/** What the opening entry leaves for the year: the loan still to repay and the assets to depreciate. */
interface Opening {
  readonly loanTotal: number;
  readonly loanLeft: number;
  readonly equipment: number;
  readonly depreciation: AccountKey;
}

/**
 * The à-nouveaux entry: last year's closing balances, on balance-sheet accounts only. Unpaid invoices of last
 * year appear per third party and are mostly paid in the first weeks; the difference that balances the entry
 * goes to reserves (or to retained losses).
 */
const bookOpening = ({ profile, volumes, parties, book, random, account }: Year): Opening => {
  const fyStart = profile.fiscalYearStart;
  const { scale } = volumes;
  const lines: Line[] = [];
  const loanTotal = volumes.hasLoan ? amountAround(random, 30000 * scale, 0.4) : 0;
  const loanLeft = Math.round(loanTotal * (0.4 + 0.5 * random.next()));
  const equipmentKey = random.pick(['equipment', 'officeEquipment', 'vehicles'] as const);
  const equipment = amountAround(random, 15000 * scale, 0.5);
  const vatDue = volumes.vatRegistered ? amountAround(random, 800 * scale, 0.4) : 0;
  const socialDue = volumes.employees > 0 ? amountAround(random, volumes.employees * 1400, 0.1) : 0;

  lines.push(credit(account('capital'), random.pick([1000, 5000, 7500, 10000, 15000, 50000]) * 100));
  lines.push(credit(account('result'), amountAround(random, 12000 * scale, 0.7)));
  if (loanLeft > 0) lines.push(credit(account('loan'), loanLeft));
  lines.push(debit(account(equipmentKey), equipment));
  lines.push(
    credit(account(depreciationOf[equipmentKey]), Math.round(equipment * (0.2 + 0.5 * random.next()))),
  );
  const payDay = () => (random.chance(0.06) ? undefined : workingDayFrom(fyStart + random.int(3, 55)));
  for (const customer of parties.customers.slice(0, clamp(Math.round(volumes.sales / 8), 1, 120))) {
    const amount = amountAround(random, profile.activity.ticket * 1.2, 0.7);
    const lettering = book.settle(customer, true, 'Virement', amount, fyStart - 1, payDay());
    lines.push(debit(customer.account, amount, { party: customer, lettering }));
  }
  for (const supplier of parties.suppliers.slice(0, clamp(Math.round(volumes.purchases / 10), 1, 80))) {
    const amount = amountAround(random, supplier.amount / 100, 0.4);
    const lettering = book.settle(supplier, false, supplier.method, amount, fyStart - 1, payDay());
    lines.push(credit(supplier.account, amount, { party: supplier, lettering }));
  }
  if (vatDue > 0) lines.push(credit(account('vatPayable'), vatDue));
  if (socialDue > 0) lines.push(credit(account('social'), socialDue));
  lines.push(debit(account('bank'), amountAround(random, 9000 * scale, 0.6)));
  if (profile.activity.cash) lines.push(debit(account('cash'), amountAround(random, 300, 0.3)));
  const gap = lines.reduce((sum, line) => sum + line.debit - line.credit, 0);
  if (gap > 0) lines.push(credit(account('otherReserves'), gap));
  if (gap < 0) lines.push(debit(account('retainedLoss'), -gap));
  lines.sort(
    (a, b) =>
      a.account.number.localeCompare(b.account.number) ||
      (a.party?.number ?? '').localeCompare(b.party?.number ?? ''),
  );
  book.post('AN', fyStart, 'AN', 'À nouveaux', lines);
  if (vatDue > 0) book.bank(workingDayFrom(fyStart + 19), 'TVA', 'Paiement TVA', 'vatPayable', vatDue);
  if (socialDue > 0)
    book.bank(workingDayFrom(fyStart + 14), 'URSSAF', 'Prélèvement URSSAF', 'social', socialDue);
  return { loanTotal, loanLeft, equipment, depreciation: depreciationOf[equipmentKey] };
};

/**
 * A year of bookkeeping of one client company, simulated month by month: what its FEC holds. Yields one batch
 * of entries per month, sorted as the FEC lists them; only a month is held at a time, plus the payments still
 * to come.
 */
export function* bookYear(
  profile: DossierProfile,
  random: Random,
  onParties?: (parties: ThirdParties) => void,
): Generator<Entry[]> {
  const { software, activity } = profile;
  const account = chartFor({
    width: software.accountWidth,
    upperCaseLabels: software.upperCaseLabels,
    labelWidth: software.labelWidth,
  });
  const caps = (text: string): string => (software.upperCaseLabels ? text.toUpperCase() : text);
  const volumes = planVolumes(profile, random);
  const parties = buildThirdParties({ profile, volumes, random, account, caps });
  onParties?.(parties);
  const book = createBookkeeping({ profile, volumes, parties, random, account, caps });
  const year: Year = { profile, volumes, parties, book, random, account };
  const opening = bookOpening(year);
  let loanLeft = opening.loanLeft;
  const { recurring } = parties;
  const monthlySalary = volumes.employees * amountAround(random, 2400, 0.15);
  let socialDue = 0;
  const { year: firstYear, month: firstMonth } = civilOf(profile.fiscalYearStart);

  for (let month = 0; month < 12; month++) {
    const monthStart = dayOf(firstYear, firstMonth + month, 1);
    const monthEnd = monthEndAfter(monthStart, 0);
    const workingDays: number[] = [];
    for (let day = monthStart; day <= monthEnd; day++) if (!isWeekend(day)) workingDays.push(day);
    const season = 0.8 + 0.4 * random.next();
    const period = String(civilOf(monthStart).month).padStart(2, '0');

    // The VAT return of the period that just ended.
    if (volumes.vatRegistered && month > 0 && month % volumes.vatMonths === 0) {
      book.vatReturn(workingDayFrom(monthStart + 14), period);
    }

    // Recurring bills, paid by direct debit or transfer a few days later.
    const bill = (supplier: Supplier, day: number, net: number) =>
      book.purchase(supplier, day, net, workingDayFrom(day + random.int(2, 12)));
    const around = (supplier: Supplier, spread: number) =>
      amountAround(random, supplier.amount / 100, spread);
    bill(recurring.telecom, workingDayFrom(monthStart + random.int(2, 7)), around(recurring.telecom, 0.15));
    if (recurring.landlord) bill(recurring.landlord, workingDayFrom(monthStart), recurring.landlord.amount);
    if (recurring.energy) {
      bill(recurring.energy, workingDayFrom(monthStart + random.int(10, 20)), around(recurring.energy, 0.25));
    }
    if (volumes.micro ? month === 1 : month % 3 === 0) {
      bill(
        recurring.insurer,
        workingDayFrom(monthStart + 9),
        recurring.insurer.amount * (volumes.micro ? 4 : 1),
      );
    }
    if (volumes.micro ? month === 11 : month % 3 === 2) {
      bill(recurring.accountant, workingDayFrom(monthStart + 24), around(recurring.accountant, 0.2));
    }

    // Invoices and till closings.
    const sales = Math.round((volumes.sales / 12) * season);
    for (let index = 0; index < sales; index++) book.sale(random.pick(workingDays));
    const purchases = Math.round((volumes.purchases / 12) * season);
    for (let index = 0; index < purchases; index++) {
      const supplier = random.weighted(parties.occasional);
      const day = random.pick(workingDays);
      const net = amountAround(random, supplier.amount / 100, 0.6);
      book.purchase(supplier, day, net, book.payDayAfter(day, random.pick([30, 45, 60]), 0.01));
    }
    if (activity.cash) {
      const closings = Math.max(1, Math.round((volumes.takings / 12) * season));
      book.takings(Array.from({ length: closings }, () => random.pick(workingDays)).sort((a, b) => a - b));
    }

    // Payroll: booked at the end of the month and paid the same day; social charges paid on the 15th after.
    if (socialDue > 0) {
      book.bank(workingDayFrom(monthStart + 14), 'URSSAF', 'Prélèvement URSSAF', 'social', socialDue);
      socialDue = 0;
    }
    if (volumes.employees > 0) {
      const gross = Math.round(monthlySalary * (0.97 + 0.06 * random.next()));
      const employeeShare = Math.round(gross * 0.22);
      const employerShare = Math.round(gross * 0.42);
      book.post('OD', monthEnd, `PAIE${period}`, `Salaires ${period}/${civilOf(monthStart).year}`, [
        debit(account('wages'), gross),
        debit(account('socialCharges'), employerShare),
        credit(account('staff'), gross - employeeShare),
        credit(account('social'), employeeShare + employerShare),
      ]);
      book.bank(
        workingDayUntil(monthEnd),
        `SAL${period}`,
        `Virement salaires ${period}`,
        'staff',
        gross - employeeShare,
      );
      if (month < 11) socialDue = employeeShare + employerShare;
    }

    if (loanLeft > 0) {
      const principal = Math.min(loanLeft, Math.round(opening.loanTotal / 60));
      const interest = Math.max(1, Math.round((loanLeft * 0.035) / 12));
      loanLeft -= principal;
      book.post('BQ', workingDayFrom(monthStart + 4), 'ECH', 'Échéance emprunt', [
        debit(account('loan'), principal),
        debit(account('interest'), interest),
        credit(account('bank'), principal + interest),
      ]);
    }
    book.bank(
      workingDayUntil(monthEnd),
      'FRAIS',
      'Frais bancaires',
      'bankFees',
      amountAround(random, 25, 0.5),
    );
    if (month === 11) {
      const allowance = Math.round(opening.equipment / 5);
      book.post('OD', profile.fiscalYearEnd, 'AMORT', 'Dotation aux amortissements', [
        debit(account('depreciation'), allowance),
        credit(account(opening.depreciation), allowance),
      ]);
    }

    book.payDue(monthEnd);
    yield book.takeBatch();
  }
}
