import type { DossierProfile } from './dossier-profiles.js';
import type { Random } from './random.js';

/** How much happens in a dossier's year, sized so that its FEC comes close to the profile's target lines. */
export interface FecVolumes {
  /** Micro businesses: quarterly VAT, no staff, no loan, no premises of their own. */
  readonly micro: boolean;
  readonly vatRegistered: boolean;
  /** Months per VAT return. */
  readonly vatMonths: number;
  readonly employees: number;
  readonly hasLoan: boolean;
  readonly hasRent: boolean;
  readonly hasEnergy: boolean;
  /** Sales invoices, purchase invoices and cash takings (Z reports) in the year. */
  readonly sales: number;
  readonly purchases: number;
  readonly takings: number;
  /** Multiplier of typical amounts: larger dossiers have larger rents, loans and balances. */
  readonly scale: number;
}

/**
 * The fixed monthly work first (bank fees, VAT returns, payroll, recurring bills, each with the FEC lines it
 * takes), then invoices fill the rest of the target; a line count per invoice of about 4.6 counts the payment
 * that letters it.
 */
export const planVolumes = (profile: DossierProfile, random: Random): FecVolumes => {
  const { activity } = profile;
  const target = profile.targetLines;
  const micro = target < 300;
  const vatRegistered = activity.vatRates.length > 0;
  const vatMonths = micro ? 3 : 1;
  const employees =
    micro || (target < 700 && random.chance(0.5)) ? 0 : Math.min(250, 1 + Math.round(target / 700));
  const hasLoan = !micro && random.chance(0.5);
  const hasRent = !micro && random.chance(0.75);
  const hasEnergy = target >= 400;
  const monthlyLines =
    2 +
    5 +
    (hasLoan ? 3 : 0) +
    (employees > 0 ? 8 : 0) +
    (vatRegistered ? 5 / vatMonths : 0) +
    (hasRent ? 5 : 0) +
    (hasEnergy ? 5 : 0);
  const fixedLines = 12 * monthlyLines + (micro ? 10 : 40) + 25;
  const variableLines = Math.max(target - fixedLines, target * 0.25);
  const cashShare = activity.cash ? 0.5 : 0;
  const linesPerTakings = 1 + Math.max(1, activity.vatRates.length) * (vatRegistered ? 2 : 1) + 0.4;
  return {
    micro,
    vatRegistered,
    vatMonths,
    employees,
    hasLoan,
    hasRent,
    hasEnergy,
    sales: Math.max(6, Math.round((variableLines * 0.58 * (1 - cashShare)) / 4.6)),
    purchases: Math.max(4, Math.round((variableLines * 0.42) / 4.6)),
    takings: activity.cash
      ? Math.max(12, Math.round((variableLines * 0.58 * cashShare) / linesPerTakings))
      : 0,
    scale: Math.sqrt(target / 450),
  };
};
