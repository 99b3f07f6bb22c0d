import type { SheetCell } from './xlsx-sheet-rows.js';

const DAY_MS = 86_400_000;
/** Days from Excel's day 0 (1899-12-30, after its 1900 leap-year bug) and from 1904-01-01 to 1970-01-01. */
const EPOCH_1900 = 25_569;
const EPOCH_1904 = 24_107;

/** Excel's test for a date format: once quoted text and [colour]/[locale] parts are removed, a date or time token. */
const isDateFormat = (format: string | undefined): boolean =>
  format !== undefined &&
  /[ymdhsb]/i.test(
    format
      .replace(/\[[^\]]*\]/g, '')
      .replace(/"[^"]*"/g, '')
      .replace(/General/gi, ''),
  );

/** `1.5e-7` to `0.00000015`: a decimal number never reads as exponent notation, which no mapping expects. */
const expandExponent = (text: string): string => {
  const [mantissa = '', exponentText = '0'] = text.split('e');
  const negative = mantissa.startsWith('-');
  const unsigned = negative ? mantissa.slice(1) : mantissa;
  const point = unsigned.indexOf('.');
  const digits = unsigned.replace('.', '');
  const position = (point === -1 ? unsigned.length : point) + Number(exponentText);
  const body =
    position <= 0
      ? `0.${'0'.repeat(-position)}${digits}`
      : position >= digits.length
        ? digits + '0'.repeat(position - digits.length)
        : `${digits.slice(0, position)}.${digits.slice(position)}`;
  return negative ? `-${body}` : body;
};

/**
 * A number as plain decimal text. Whole numbers are exact; others are cut to the 15 significant digits Excel
 * itself keeps and shows, which removes binary noise such as 1234.5599999999999 stored for a typed 1234.56.
 */
export const plainNumber = (value: number): string => {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Number.isSafeInteger(value) ? value : Number(value.toPrecision(15));
  const text = String(rounded);
  return text.includes('e') ? expandExponent(text) : text;
};

/** A date alone when the time is midnight (how dates are typed), else the full instant in UTC. */
export const isoDate = (date: Date): string => {
  if (Number.isNaN(date.getTime())) return '';
  const iso = date.toISOString();
  return date.getTime() % DAY_MS === 0 ? iso.slice(0, 10) : iso;
};

const serialToDate = (serial: number, date1904: boolean): Date =>
  new Date(Math.round((serial - (date1904 ? EPOCH_1904 : EPOCH_1900)) * DAY_MS));

const DECEMBER_31_1899 = Date.UTC(1899, 11, 31);
const FEBRUARY_28_1900 = Date.UTC(1900, 1, 28);

/**
 * A date of Excel's 1900 system as the sheet shows it. Excel counts a 29 February 1900 that never was (Lotus 1-2-3's
 * leap-year bug, kept for compatibility), and a count from 1899-12-30 (the reader's, and serialToDate's) is right
 * only from 1 March 1900: serials 1 to 59 are a day later than it says (1 is 1900-01-01, a common placeholder in
 * legacy data, not 1899-12-31), and serial 60 is the phantom day, given as written so that a date column refuses it.
 * Times of day alone (serials below 1) are left as they are.
 */
const excel1900 = (date: Date): string => {
  const time = date.getTime();
  if (time < DECEMBER_31_1899 || time >= FEBRUARY_28_1900 + DAY_MS) return isoDate(date);
  if (time >= FEBRUARY_28_1900) return '1900-02-29';
  return isoDate(new Date(time + DAY_MS));
};

const sheetDate = (date: Date, date1904: boolean): string => (date1904 ? isoDate(date) : excel1900(date));

/**
 * A text as Excel means it: Excel writes a character XML cannot hold, or one a parser would change (a CR, a tab, a
 * control character), as `_xHHHH_` (its UTF-16 code unit in hexadecimal), and a `_x` of the text that would read
 * as such an escape with its underscore escaped, `_x005F_` (`_x005F_x000D_` is the text `_x000D_`). Shared strings,
 * inline strings and a formula's text result are written so.
 */
export const excelText = (text: string): string =>
  text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : text;

/** The workbook's shared strings, by index. */
export interface SharedStrings {
  readonly length: number;
  at(index: number): string | undefined;
}

/**
 * The text of a cell as a person reads it in the sheet, without display formatting: numbers in plain decimal,
 * dates ISO, booleans `true`/`false`, texts as Excel means them (excelText), rich text flattened, a formula's last computed result (its error code too),
 * an error code as shown (`#N/A`). An empty cell is ''. A cell naming a shared string the workbook does not have
 * is an error.
 */
export const cellText = (
  cell: SheetCell,
  numberFormat: string | undefined,
  date1904: boolean,
  strings: SharedStrings | undefined,
): string => {
  const { value } = cell;
  if (value === undefined) return '';
  switch (cell.type) {
    case 's': {
      const index = Number(value);
      if (strings === undefined)
        throw new Error(`shared string ${value.trim()}, in a workbook that has none`);
      if (!(Number.isInteger(index) && index >= 0 && index < strings.length))
        throw new Error(`shared string ${value.trim()}, where the workbook has ${strings.length}`);
      return strings.at(index) ?? '';
    }
    case 'inlineStr':
    case 'str':
      return excelText(value);
    case 'e':
      return value;
    case 'b':
      return value === '1' || value === 'true'
        ? 'true'
        : value === '0' || value === 'false'
          ? 'false'
          : value;
    case 'd':
      // A date written as ISO 8601 text (the strict format's), kept as written.
      return value;
    default: {
      if (value.trim() === '') return '';
      const number = Number(value);
      // Not a number (a writer's mistake): the text as written, for a field's own check to judge.
      if (!Number.isFinite(number)) return value;
      return isDateFormat(numberFormat)
        ? sheetDate(serialToDate(number, date1904), date1904)
        : plainNumber(number);
    }
  }
};
