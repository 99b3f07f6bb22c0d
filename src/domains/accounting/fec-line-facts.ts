import { parseFecFileName } from './fec/fec-file-name.js';

/**
 * What a FEC line says beyond its 18 columns, derived by rules an accountant can check: the fiscal year and SIREN
 * from the file name, the side of a Montant + Sens amount, the key of the entry when numbering is missing, the PCG
 * class of the account and the kind of third party. Pure functions: the FEC reader applies them line by line.
 */

export interface FecFileFacts {
  /** The company's SIREN as the file name gives it (some software writes more than 9 digits). */
  readonly siren?: string;
  /** Closing date of the fiscal year, YYYY-MM-DD. */
  readonly closingDate?: string;
  /** The day after the same date a year earlier: the usual opening date (a first or changed year may differ). */
  readonly openingDate?: string;
  /** Part number of a split FEC (`…_2.txt`). */
  readonly part?: number;
}

const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** SIREN, closing date and part from a FEC file's name (any folder stripped); {} when not of the norm's form. */
export const fecFileFacts = (fileName: string): FecFileFacts => {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const name = parseFecFileName(base);
  if (name === undefined) return {};
  const facts: { siren: string; closingDate?: string; openingDate?: string; part?: number } = {
    siren: name.siren,
  };
  if (name.part !== undefined) facts.part = name.part;
  if (name.closingDate < 0) return facts;
  const year = Math.floor(name.closingDate / 10000);
  const month = Math.floor(name.closingDate / 100) % 100;
  const day = name.closingDate % 100;
  facts.closingDate = isoDay(new Date(Date.UTC(year, month - 1, day)));
  // A year before the closing date, plus one day; a closing on the last day of a month opens on the 1st.
  const lastDayOfMonth = new Date(Date.UTC(year, month, 0)).getUTCDate() === day;
  const opening = lastDayOfMonth
    ? new Date(Date.UTC(year - 1, month, 1))
    : new Date(Date.UTC(year - 1, month - 1, day + 1));
  facts.openingDate = isoDay(opening);
  return facts;
};

/** Which side a Montant + Sens line is on: `D`/`+1`/`1` debit, `C`/`-1` credit (case and spaces ignored). */
export const sideOfSens = (sens: string): 'debit' | 'credit' | undefined => {
  const text = sens.trim().toUpperCase();
  if (text === 'D' || text === '+1' || text === '1' || text === '+') return 'debit';
  if (text === 'C' || text === '-1' || text === '-') return 'credit';
  return undefined;
};

/** Numbering that identifies nothing: empty, or zeros only (software that does not number entries writes `0`). */
export const isMissingEntryNumber = (number: string): boolean => /^0*$/.test(number.trim());

/**
 * The key of a line's entry within its journal and year: EcritureNum when the software numbered entries once each;
 * EcritureNum + EcritureDate when its numbering restarts (a number used again later in the journal for another
 * entry, e.g. monthly sequences: the lines of one entry share one date); and when it did not number entries, the
 * documented fallback PieceRef + EcritureDate (lines of one voucher on one day form one entry).
 */
export const entryKeyOf = (
  entryNumber: string,
  pieceRef: string,
  entryDate: string,
  restartingNumbering = false,
): { key: string; fallback: boolean } => {
  if (isMissingEntryNumber(entryNumber))
    return { key: `${pieceRef.trim()}@${entryDate.trim()}`, fallback: true };
  return restartingNumbering
    ? { key: `${entryNumber.trim()}@${entryDate.trim()}`, fallback: false }
    : { key: entryNumber.trim(), fallback: false };
};

/** The class of the plan comptable général (PCG): the first digit of the account number, 1 to 9. */
export const pcgClassOf = (account: string): string | undefined => {
  const first = account.trim().charAt(0);
  return first >= '1' && first <= '9' ? first : undefined;
};

export const ThirdPartyKind = {
  customer: 'customer',
  supplier: 'supplier',
  staff: 'staff',
  partner: 'partner',
  state: 'state',
  other: 'other',
} as const;
export type ThirdPartyKind = (typeof ThirdPartyKind)[keyof typeof ThirdPartyKind];

/**
 * The kind of a third party by the PCG account its lines are booked on: 40x suppliers, 41x customers, 42x staff
 * (and 43x social bodies), 45x partners and associates, 44x the State. Prefixes, so `411`, `4110000`, `411CLI` agree.
 */
export const thirdPartyKindOf = (account: string): ThirdPartyKind => {
  const prefix = account.trim().slice(0, 2);
  switch (prefix) {
    case '40':
      return ThirdPartyKind.supplier;
    case '41':
      return ThirdPartyKind.customer;
    case '42':
    case '43':
      return ThirdPartyKind.staff;
    case '44':
      return ThirdPartyKind.state;
    case '45':
      return ThirdPartyKind.partner;
    default:
      return ThirdPartyKind.other;
  }
};

/**
 * An account number at a firm's fixed length: `411` and `41100000` are one account at length 8. Shorter numbers are
 * padded with zeros; longer ones lose trailing zeros only. A number whose extra digits are not zeros cannot be
 * shortened without merging accounts: undefined, and the caller reports it.
 */
export const normaliseAccountNumber = (account: string, length: number): string | undefined => {
  const number = account.trim();
  if (number.length <= length) return number.padEnd(length, '0');
  const extra = number.slice(length);
  return /^0+$/.test(extra) ? number.slice(0, length) : undefined;
};
