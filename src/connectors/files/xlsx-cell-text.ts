import type { SheetCell } from './xlsx-sheet-rows.js';

const DAY_MS = 86_400_000;
/** Days from Excel's day 0 (1899-12-30, after its 1900 leap-year bug) and from 1904-01-01 to 1970-01-01. */
const EPOCH_1900 = 25_569;
const EPOCH_1904 = 24_107;

/** What a number format makes of a number: a number, a date (or date-time), a time of day, an elapsed time. */
type FormatKind = 'number' | 'date' | 'time' | 'duration';

/**
 * Excel's reading of a number format, from its tokens once quoted text (`"h"`), escaped characters (`\h`), spacing
 * and fill (`_)`, `* `), `[colour]`/`[locale]`/`[condition]` parts, `General` and `AM/PM` are removed: a year, day
 * or Buddhist year token (y, d, b) makes a date; else an elapsed token (`[h]`, `[mm]`, `[ss]`) a duration; else an
 * hour or second token a time of day (`h:mm`, `mm:ss`: an m beside them is minutes); else an m alone is a month
 * (`mmmm`), a date.
 */
const readFormat = (format: string): FormatKind => {
  let elapsed = false;
  const tokens = format
    .replace(/"[^"]*"|\\.|[_*].|\[([^\]]*)\]/g, (_, bracket: string | undefined) => {
      if (bracket !== undefined && /^(h+|m+|s+)$/i.test(bracket)) elapsed = true;
      return '';
    })
    .replace(/General|AM\/PM|A\/P/gi, '');
  if (/[ydb]/i.test(tokens)) return 'date';
  if (elapsed) return 'duration';
  if (/[hs]/i.test(tokens)) return 'time';
  return /m/i.test(tokens) ? 'date' : 'number';
};

/** A workbook has a handful of formats: each read once. */
const formatKinds = new Map<string, FormatKind>();
const formatKind = (format: string | undefined): FormatKind => {
  if (format === undefined) return 'number';
  let kind = formatKinds.get(format);
  if (kind === undefined) {
    kind = readFormat(format);
    if (formatKinds.size < 10_000) formatKinds.set(format, kind);
  }
  return kind;
};

const twoDigits = (value: number): string => (value < 10 ? `0${value}` : String(value));

/** Milliseconds as `HH:mm:ss` (hours past 24 for a duration), with `.SSS` when the seconds have a fraction. */
const clock = (ms: number): string => {
  const seconds = Math.floor(ms / 1000);
  const text = `${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}`;
  const fraction = ms % 1000;
  return fraction === 0 ? text : `${text}.${String(fraction).padStart(3, '0')}`;
};

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
  // Near the largest double, 15 digits round past it (1.79769313486232e308 is Infinity): the value as stored.
  const text = String(Number.isFinite(rounded) ? rounded : value);
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
 * dates ISO, times of day `HH:mm:ss` and elapsed times `[h]:mm:ss` (`.SSS` when the seconds have a fraction), booleans `true`/`false`, texts as Excel means them (excelText), rich text flattened, a formula's last computed result (its error code too),
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
      // Decoded run by run as the sheet was read (sheetRows).
      return value;
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
      switch (formatKind(numberFormat)) {
        case 'number':
          return plainNumber(number);
        case 'date':
          return sheetDate(serialToDate(number, date1904), date1904);
        case 'duration': {
          // [h]:mm:ss: 1.5 is 36:00:00, whatever the unit the format shows.
          const ms = Math.round(Math.abs(number) * DAY_MS);
          return number < 0 ? `-${clock(ms)}` : clock(ms);
        }
        case 'time': {
          // A time of day is a fraction of a day: 0.5 is 12:00:00, not 1899-12-30T12:00:00.000Z. A serial of a
          // day or more holds a date that the format does not show, kept as a date-time; a negative one is no time
          // (Excel shows ####), kept as the number.
          const ms = Math.round(number * DAY_MS);
          if (number < 0) return plainNumber(number);
          return ms < DAY_MS ? clock(ms) : sheetDate(serialToDate(number, date1904), date1904);
        }
      }
    }
  }
};
