import { FEC_STANDARD_COLUMNS, FEC_VARIANT_COLUMNS } from '../fec-columns.js';

export type FecColumn = (typeof FEC_STANDARD_COLUMNS)[number] | (typeof FEC_VARIANT_COLUMNS)[number];

const ALL_COLUMNS: readonly FecColumn[] = [...FEC_STANDARD_COLUMNS, ...FEC_VARIANT_COLUMNS];
const canonicalByLowerCase = new Map<string, FecColumn>(
  ALL_COLUMNS.map((name) => [name.toLowerCase(), name]),
);

/** How amounts are written: two columns, or one amount and its direction. */
export const FecAmountLayout = { DEBIT_CREDIT: 'debit-credit', MONTANT_SENS: 'montant-sens' } as const;
export type FecAmountLayout = (typeof FecAmountLayout)[keyof typeof FecAmountLayout];

/**
 * Settlement columns that cash-basis taxpayers add (agricultural BA and non-commercial BNC profits, art. A47 A-1
 * II and III): DateRglt, ModeRglt, NatOp make 21 columns, IdClient (BNC) 22.
 */
const SETTLEMENT_COLUMNS = ['DateRglt', 'ModeRglt', 'NatOp'] as const;

export interface FecLayout {
  readonly amounts: FecAmountLayout;
  /** Columns named in the header (the empty name of a trailing separator aside). */
  readonly columns: number;
  /** `standard` (18 columns), `ba-bnc` (with DateRglt, ModeRglt, NatOp), `ba-bnc-idclient` (and IdClient). */
  readonly variant: 'standard' | 'ba-bnc' | 'ba-bnc-idclient';
}

export interface FecHeader {
  /** Position of every column found, by canonical name. */
  readonly index: Readonly<Partial<Record<FecColumn, number>>>;
  /** The canonical name at each position, or the name as written when it is not a FEC column. */
  readonly names: readonly string[];
  readonly layout: FecLayout;
  /** Required columns absent for this layout. */
  readonly missing: readonly FecColumn[];
  /**
   * The amount columns of this layout that are absent (Debit, Credit; or Montant, Sens): without them no line's
   * amount can be read, so the lines cannot be checked or loaded as FEC lines. Empty for a readable header.
   */
  readonly missingAmounts: readonly FecColumn[];
  /** Names that are no FEC column (kept: the file is still read). */
  readonly unknown: readonly string[];
  readonly duplicates: readonly FecColumn[];
  /** The norm fixes the order of the columns; software that shuffles them is reported. */
  readonly outOfOrder: boolean;
}

/** The norm's order; Montant and Sens take the place of Debit and Credit (columns 12 and 13). */
const NORM_ORDER: readonly FecColumn[] = FEC_STANDARD_COLUMNS.flatMap((name): FecColumn[] =>
  name === 'Credit' ? ['Credit', 'Montant', 'Sens'] : [name],
).concat(['DateRglt', 'ModeRglt', 'NatOp', 'IdClient']);

/** The 18 columns minus the amount pair: every layout needs these. */
const COMMON_REQUIRED = FEC_STANDARD_COLUMNS.filter((name) => name !== 'Debit' && name !== 'Credit');

/**
 * Reads a header line: names are matched ignoring case and surrounding spaces (`MontantDevise`, `JOURNALCODE`), an
 * empty last name (a separator at the end of the line) is not a column. The layout follows the columns present:
 * Montant + Sens without Debit + Credit is the Montant/Sens variant.
 */
export const resolveFecHeader = (fields: readonly string[]): FecHeader => {
  const raw = fields.length > 0 && (fields.at(-1) ?? '').trim() === '' ? fields.slice(0, -1) : fields;
  const index: Partial<Record<FecColumn, number>> = {};
  const names: string[] = [];
  const unknown: string[] = [];
  const duplicates: FecColumn[] = [];
  raw.forEach((written, position) => {
    const name = canonicalByLowerCase.get(written.trim().toLowerCase());
    if (name === undefined) {
      unknown.push(written);
      names.push(written);
      return;
    }
    if (index[name] !== undefined) duplicates.push(name);
    else index[name] = position;
    names.push(name);
  });
  const has = (name: FecColumn) => index[name] !== undefined;
  const amounts =
    !has('Debit') && !has('Credit') && (has('Montant') || has('Sens'))
      ? FecAmountLayout.MONTANT_SENS
      : FecAmountLayout.DEBIT_CREDIT;
  const settlement = SETTLEMENT_COLUMNS.some(has);
  const amountColumns: readonly FecColumn[] =
    amounts === FecAmountLayout.MONTANT_SENS ? ['Montant', 'Sens'] : ['Debit', 'Credit'];
  const required: FecColumn[] = [
    ...COMMON_REQUIRED,
    ...amountColumns,
    ...(settlement ? SETTLEMENT_COLUMNS : []),
  ];
  const missing = required.filter((name) => !has(name));
  const expectedOrder = NORM_ORDER.filter(has);
  const foundOrder = names.filter((name): name is FecColumn => canonicalByLowerCase.has(name.toLowerCase()));
  const outOfOrder = foundOrder.some((name, position) => name !== expectedOrder[position]);
  return {
    index,
    names,
    layout: {
      amounts,
      columns: raw.length,
      variant: !settlement ? 'standard' : has('IdClient') ? 'ba-bnc-idclient' : 'ba-bnc',
    },
    missing,
    missingAmounts: amountColumns.filter((name) => !has(name)),
    unknown,
    duplicates,
    outOfOrder,
  };
};
