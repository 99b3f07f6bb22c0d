import { fileSafeName } from '../../core/file-safe-name.js';
import { FEC_STANDARD_COLUMNS } from './fec-columns.js';

/**
 * How a FEC writes values (article A47 A-1 of the Livre des procédures fiscales and its administrative commentary,
 * BOI-CF-IOR-60-40-20): the 18 standard columns in order, one line per entry line, tab separated, amounts with a
 * decimal comma and no thousands separator, dates `YYYYMMDD`.
 */
export type FecColumn = (typeof FEC_STANDARD_COLUMNS)[number];

/** One FEC line, every column already written as text. */
export type FecRecord = Readonly<Record<FecColumn, string>>;

export const FEC_SEPARATOR = '\t';
// CRLF, as the Windows software that reads and writes most FECs expects; readers accept LF too.
export const FEC_LINE_END = '\r\n';

export const fecHeaderLine = (): string => FEC_STANDARD_COLUMNS.join(FEC_SEPARATOR) + FEC_LINE_END;

export const fecRecordLine = (record: FecRecord): string =>
  FEC_STANDARD_COLUMNS.map((column) => record[column]).join(FEC_SEPARATOR) + FEC_LINE_END;

/**
 * A canonical decimal (`-1234.5`) as the FEC writes it (`-1234,50`): two decimals, more only when the amount has
 * more (an export must never round money away; `widened` says it happened, for the report). Empty for null.
 */
export const fecAmount = (value: string | null): { text: string; widened: boolean } => {
  if (value === null || value === '') return { text: '', widened: false };
  const negative = value.startsWith('-');
  const unsigned = negative || value.startsWith('+') ? value.slice(1) : value;
  const [whole = '', fraction = ''] = unsigned.split('.');
  const decimals = fraction.replace(/0+$/, '');
  const text = `${negative ? '-' : ''}${whole === '' ? '0' : whole},${decimals.padEnd(2, '0')}`;
  return { text: text === '-0,00' ? '0,00' : text, widened: decimals.length > 2 };
};

/** `YYYY-MM-DD` → `YYYYMMDD`; empty for null. */
export const fecDate = (isoDate: string | null): string =>
  isoDate === null ? '' : isoDate.replaceAll('-', '');

const separators = /[\t\r\n]/g;

/** Text as a FEC field: a tab or line break inside a value would split the line, so each becomes a space. */
export const fecText = (value: string | null): { text: string; replaced: boolean } => {
  if (value === null) return { text: '', replaced: false };
  const text = value.replace(separators, ' ');
  return { text, replaced: text !== value };
};

/** A SIREN is nine digits; registries often write it with spaces (`123 456 789`). */
export const sirenOf = (value: unknown): string | undefined => {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const digits = String(value).replace(/[\s.]/g, '');
  return /^\d{9}$/.test(digits) ? digits : undefined;
};

export interface FecFileName {
  readonly name: string;
  /** `siren`: the legal `SIRENFECYYYYMMDD.txt`; `dossier`: built from the dossier id, SIREN or closing date unknown. */
  readonly namedBy: 'siren' | 'dossier';
}

/**
 * The file name the norm asks for, `<SIREN>FEC<closing date YYYYMMDD>.txt`, when both are known. Otherwise a name
 * from the dossier id in the same shape (so `*FEC*.txt` globs still find it), reduced to characters safe in any
 * file system.
 */
export const fecFileName = (
  dossier: string,
  siren: string | undefined,
  closingDate: string | null,
): FecFileName => {
  const closing = closingDate === null ? '' : fecDate(closingDate);
  if (siren !== undefined && closing !== '') return { name: `${siren}FEC${closing}.txt`, namedBy: 'siren' };
  return { name: `${fileSafeName(dossier)}FEC${closing}.txt`, namedBy: 'dossier' };
};
