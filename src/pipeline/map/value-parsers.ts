// The two functions, not the package index: loading all of date-fns took about 0.15 s of every command.
import { isValid } from 'date-fns/isValid';
import { parse } from 'date-fns/parse';
import { canonicalDecimal, canonicalScientific } from '../../core/money.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { ColumnType } from '../../core/model/canonical-model.js';

import type { CanonicalValue } from '../../core/model/canonical-value.js';

export type { CanonicalValue };

export interface ParseFailure {
  readonly reason: RejectReason;
  readonly message: string;
}

export type ValueParser = (text: string) => CanonicalValue | ParseFailure;

export const isParseFailure = (value: unknown): value is ParseFailure =>
  typeof value === 'object' && value !== null && 'reason' in value;

const defaultDateFormats = ['yyyy-MM-dd'];
/** What a date-time column reads when the plan names no format (see readIsoDateTime). */
const isoDateTimeForm =
  "ISO 8601 (yyyy-MM-dd, then optionally 'T' or a space, HH:mm, :ss, a fraction of a second, Z or ±hh[:mm])";

// date-fns parses in local time; cutover reads zone-less values as UTC, so it parses against a UTC reference
// and reads back the local fields, which makes the result independent of the machine's time zone.
const reference = new Date(2000, 0, 1);

const hasZone = (format: string) => /X|x|O|z/.test(format.replace(/'[^']*'/g, ''));

/** A date and time of day as read. Readers fill one object per parser instead of returning new ones. */
interface DateParts {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  milliseconds: number;
}

const newDateParts = (): DateParts => ({
  year: 0,
  month: 1,
  day: 1,
  hours: 0,
  minutes: 0,
  seconds: 0,
  milliseconds: 0,
});

const daysInMonth = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

const fixedTokens: Readonly<Record<string, keyof DateParts>> = {
  yyyy: 'year',
  MM: 'month',
  dd: 'day',
  HH: 'hours',
  mm: 'minutes',
  ss: 'seconds',
};

/**
 * Reads `text` into `parts`: false when it does not match the format; true when `parts` holds a wall-clock time
 * (read as UTC); a Date when the text named its own zone (`parts` holds the same instant in local time).
 */
type FormatReader = (text: string, parts: DateParts) => boolean | Date;

/**
 * Fixed-width numeric formats (yyyy-MM-dd, dd/MM/yyyy, yyyyMMdd, yyyy-MM-dd HH:mm:ss...) are read by slicing
 * digits at known offsets: a million distinct timestamps cost milliseconds instead of the seconds date-fns
 * needs. Any other format goes to date-fns.
 */
const compileFixedFormat = (format: string): FormatReader | undefined => {
  const fields: { offset: number; width: number; part: keyof DateParts }[] = [];
  const literals: { offset: number; char: string }[] = [];
  let offset = 0;
  let rest = format;
  while (rest.length > 0) {
    const token = Object.keys(fixedTokens).find((candidate) => rest.startsWith(candidate));
    if (token !== undefined) {
      fields.push({ offset, width: token.length, part: fixedTokens[token]! });
      offset += token.length;
      rest = rest.slice(token.length);
    } else if (/[A-Za-z']/.test(rest[0]!)) {
      return undefined;
    } else {
      literals.push({ offset, char: rest[0]! });
      offset += 1;
      rest = rest.slice(1);
    }
  }
  const length = offset;
  return (text, parts) => {
    if (text.length !== length) return false;
    for (const literal of literals) if (text[literal.offset] !== literal.char) return false;
    parts.year = 0;
    parts.month = 1;
    parts.day = 1;
    parts.hours = 0;
    parts.minutes = 0;
    parts.seconds = 0;
    parts.milliseconds = 0;
    for (const field of fields) {
      let value = 0;
      for (let index = field.offset; index < field.offset + field.width; index++) {
        const code = text.charCodeAt(index) - 48;
        if (code < 0 || code > 9) return false;
        value = value * 10 + code;
      }
      parts[field.part] = value;
    }
    if (
      parts.month < 1 ||
      parts.month > 12 ||
      parts.day < 1 ||
      parts.day > daysInMonth(parts.year, parts.month)
    )
      return false;
    return parts.hours <= 23 && parts.minutes <= 59 && parts.seconds <= 59;
  };
};

const digitsAt = (text: string, at: number, width: number): number => {
  let value = 0;
  for (let index = at; index < at + width; index++) {
    const code = text.charCodeAt(index) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
};

/**
 * ISO 8601 as databases and exports write it: `2024-06-15`, `2024-06-15 12:00`, `2024-06-15T12:00:00`, with a
 * fraction of any length (PostgreSQL and MariaDB write microseconds: `.123456`) and a zone (`Z`, `+02`, `+0200`,
 * `+02:00`). Read by hand: date-fns reads the fraction's first one to three digits as milliseconds, so `.5` became
 * 5 ms, and refused six digits outright. The canonical form keeps milliseconds: finer digits are cut, never rounded
 * (rounding could carry into the next day).
 */
const readIsoDateTime: FormatReader = (text, parts) => {
  const length = text.length;
  if (length < 10 || text[4] !== '-' || text[7] !== '-') return false;
  parts.year = digitsAt(text, 0, 4);
  parts.month = digitsAt(text, 5, 2);
  parts.day = digitsAt(text, 8, 2);
  parts.hours = 0;
  parts.minutes = 0;
  parts.seconds = 0;
  parts.milliseconds = 0;
  if (parts.year < 0 || parts.month < 1 || parts.month > 12 || parts.day < 1) return false;
  if (parts.day > daysInMonth(parts.year, parts.month)) return false;
  let at = 10;
  if (at < length) {
    if ((text[at] !== 'T' && text[at] !== ' ') || length < at + 6 || text[at + 3] !== ':') return false;
    parts.hours = digitsAt(text, at + 1, 2);
    parts.minutes = digitsAt(text, at + 4, 2);
    if (parts.hours < 0 || parts.hours > 23 || parts.minutes < 0 || parts.minutes > 59) return false;
    at += 6;
    if (text[at] === ':') {
      parts.seconds = digitsAt(text, at + 1, 2);
      if (parts.seconds < 0 || parts.seconds > 59 || length < at + 3) return false;
      at += 3;
      if (text[at] === '.' || text[at] === ',') {
        let end = at + 1;
        while (end < length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
        if (end === at + 1) return false;
        const digits = Math.min(end - at - 1, 3);
        parts.milliseconds = digitsAt(text, at + 1, digits) * 10 ** (3 - digits);
        at = end;
      }
    }
  }
  if (at === length) return true;
  if (text[at] === 'Z' && at + 1 === length) return zoned(parts, 0);
  const sign = text[at] === '+' ? 1 : text[at] === '-' ? -1 : 0;
  if (sign === 0) return false;
  const zone = text.slice(at + 1);
  const match = /^(\d{2})(?::?(\d{2}))?$/.exec(zone);
  if (match === null) return false;
  const offsetHours = Number(match[1]);
  const offsetMinutes = match[2] === undefined ? 0 : Number(match[2]);
  if (offsetHours > 23 || offsetMinutes > 59) return false;
  return zoned(parts, sign * (offsetHours * 60 + offsetMinutes));
};

/** The instant of a wall-clock time at a UTC offset (in minutes). */
const zoned = (parts: DateParts, offsetMinutes: number): Date => {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  date.setUTCHours(parts.hours, parts.minutes - offsetMinutes, parts.seconds, parts.milliseconds);
  return date;
};

/** One reader per format: the fixed-width fast path when it applies, date-fns otherwise. */
const compileFormat = (format: string): FormatReader => {
  const fixed = compileFixedFormat(format);
  if (fixed !== undefined) return fixed;
  const zoned = hasZone(format);
  const expectedLength = format.replace(/'/g, '').length;
  // date-fns accepts fewer digits than the token asks for ("2021-1-5" for yyyy-MM-dd); a strict reader wants the
  // same length as the format when every token has a fixed width. Day and month names, `d`, `M`, fractions and
  // zones vary in length ("5 Jan 2024" and "15 January 2024" for "d MMM yyyy" and "d MMMM yyyy").
  const tokens = format.replace(/'[^']*'/g, '').match(/([A-Za-z])\1*/g) ?? [];
  const fixedWidth = tokens.every((token) => token in fixedTokens);
  return (text, parts) => {
    if (fixedWidth && text.length !== expectedLength) return false;
    const date = parse(text, format, reference);
    if (!isValid(date)) return false;
    parts.year = date.getFullYear();
    parts.month = date.getMonth() + 1;
    parts.day = date.getDate();
    parts.hours = date.getHours();
    parts.minutes = date.getMinutes();
    parts.seconds = date.getSeconds();
    parts.milliseconds = date.getMilliseconds();
    return zoned ? date : true;
  };
};

/**
 * Canonical text of dates (`yyyy-MM-dd`) and date-times (`yyyy-MM-ddTHH:mm:ss.SSSZ`) written digit by digit into a
 * reused array of character codes and made into a string in one step: four times faster than joining padded
 * pieces, and one string allocated instead of a dozen (this runs for every date of every record).
 */
const isoWriter = () => {
  const dateTimeCodes = [...'0000-00-00T00:00:00.000Z'].map((char) => char.charCodeAt(0));
  const dateCodes = dateTimeCodes.slice(0, 10);
  const digits = (codes: number[], at: number, value: number, width: number) => {
    let rest = value;
    for (let index = at + width - 1; index >= at; index--) {
      codes[index] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
  };
  const writeDate = (codes: number[], parts: DateParts) => {
    digits(codes, 0, parts.year, 4);
    digits(codes, 5, parts.month, 2);
    digits(codes, 8, parts.day, 2);
  };
  return {
    date(parts: DateParts): string {
      writeDate(dateCodes, parts);
      return String.fromCharCode.apply(null, dateCodes);
    },
    dateTime(parts: DateParts): string {
      writeDate(dateTimeCodes, parts);
      digits(dateTimeCodes, 11, parts.hours, 2);
      digits(dateTimeCodes, 14, parts.minutes, 2);
      digits(dateTimeCodes, 17, parts.seconds, 2);
      digits(dateTimeCodes, 20, parts.milliseconds, 3);
      return String.fromCharCode.apply(null, dateTimeCodes);
    },
  };
};

/**
 * A date read as year 0 (`0000-00-00`-style placeholders of legacy systems, `0000-01-01`): no such year exists (the
 * year before AD 1 is 1 BC), PostgreSQL refuses it, and a placeholder is no date anyway. Years after 9999 (a zone
 * pushing 9999-12-31 over) have no four-digit form.
 */
const outsideYears = (text: string, year: number): ParseFailure => ({
  reason: RejectReason.INVALID_DATE,
  message: `"${text}" is not a date of years 1 to 9999${year < 1 ? ' (year 0 does not exist)' : ''}`,
});

export const dateParser = (formats: readonly string[] = defaultDateFormats): ValueParser => {
  const readers = formats.map(compileFormat);
  const parts = newDateParts();
  // A plan written from what Excel shows (dd/MM/yyyy) refused every true date cell of the sheet, read as ISO, with
  // a message saying it matched no dd/MM/yyyy while Excel showed it so: the message says where the ISO form comes from.
  const readIso = formats.includes('yyyy-MM-dd') ? undefined : compileFormat('yyyy-MM-dd');
  const isoHint =
    " (written yyyy-MM-dd, as an xlsx date cell and a database date are read whatever their display: add 'yyyy-MM-dd' to the field's formats)";
  const iso = isoWriter();
  return (text) => {
    for (const read of readers) {
      if (read(text, parts) === false) continue;
      return parts.year < 1 ? outsideYears(text, parts.year) : iso.date(parts);
    }
    return {
      reason: RejectReason.INVALID_DATE,
      message: `"${text}" is not a date in format ${formats.join(' or ')}${readIso !== undefined && readIso(text, parts) !== false ? isoHint : ''}`,
    };
  };
};

export const dateTimeParser = (formats?: readonly string[]): ValueParser => {
  const readers = formats === undefined ? [readIsoDateTime] : formats.map(compileFormat);
  const form = formats === undefined ? isoDateTimeForm : `format ${formats.join(' or ')}`;
  const parts = newDateParts();
  const iso = isoWriter();
  return (text) => {
    for (const read of readers) {
      const result = read(text, parts);
      if (result === false) continue;
      if (result === true) return parts.year < 1 ? outsideYears(text, parts.year) : iso.dateTime(parts);
      const year = result.getUTCFullYear();
      return year < 1 || year > 9999 ? outsideYears(text, year) : result.toISOString();
    }
    return {
      reason: RejectReason.INVALID_DATE,
      message: `"${text}" is not a date-time in ${form}`,
    };
  };
};

const spaces = /[\s\u00a0\u202f']/g;
const innerSpace = /[\s\u00a0\u202f']/;
/** Digits grouped by three with spaces (or an apostrophe, as in Switzerland), then any decimal part. */
const spacedThousands = /^[+-]?\d{1,3}(?:[\s\u00a0\u202f']\d{3})+(?:[.,]\d*)?$/;

const thousandsGrouping = { ',': /^[+-]?\d{1,3}(?:,\d{3})+$/, '.': /^[+-]?\d{1,3}(?:\.\d{3})+$/ } as const;
/** One mark before exactly three digits, after one to three that do not start with 0: `1,250`, `-12.000`. */
const eitherReading = /^[+-]?[1-9]\d{0,2}[.,]\d{3}$/;
/** The same mark grouping digits by three more than once: `1,250,000`, which no decimal mark can be. */
const groupedTwice = /^[+-]?\d{1,3}(?:(?:,\d{3}){2,}|(?:\.\d{3}){2,})$/;

/** How a field's negative amounts are written: `sign` ahead (`-12.00`), or also as accountants do (`(12.00)`, `12-`). */
export type NegativeForm = 'sign' | 'accounting';

/**
 * Amounts as people write them: `1 234,50`, `1.234,50`, `1234.50`, `-12,5`, `+980`, and as programs do: `1e-05`,
 * `1.5E+16` (a decimal point only). Never through a binary float.
 * The other mark is read as a thousands separator only where it groups digits by three before the decimal mark:
 * `1200.00` under a decimal comma is refused, not read as 120000 (a silent factor of 100 is the worst outcome).
 * `auto` takes the last mark written as the decimal one, but a lone mark before exactly three digits reads both ways
 * (`1,250` is 1.25 in France and 1250 in England): refused, for the plan to say which, rather than guessed value by
 * value (a column of `1,250.50` and `1,250` loaded 1250.5 and 1.25). Marks grouping by three twice are thousands.
 * With `negatives: accounting`, `(12.00)` and `12-` are rewritten `-12.00` and read as that.
 */
export const decimalParser = (
  mark: 'auto' | ',' | '.' = 'auto',
  negatives: NegativeForm = 'sign',
): ValueParser =>
  // Two readers rather than one that asks which form each value has: a column without the option does no more
  // work per value than before the option existed.
  negatives === 'accounting'
    ? (text) => {
        const signed = signAhead(text, typedAmount(text));
        return typeof signed === 'string' ? readTyped(text, signed, mark, negatives) : signed;
      }
    : (text) => readTyped(text, typedAmount(text), mark, negatives);

/** The amount as typed, without what surrounds it: spaces, a space after the sign, Excel's apostrophe of text. */
const typedAmount = (text: string): string =>
  // A space after the sign (`- 12,50`) is no grouping, nor is the apostrophe Excel puts before a number kept as text.
  text
    .trim()
    .replace(/^([+-])[\s\u00a0\u202f]+/, '$1')
    .replace(/^'|'$/g, '');

/** `(12.00)` or `12-` (spaces allowed inside, as after a leading sign): the number they say is negative. */
const accountingForm = /^\((.*)\)$|^(.*?)[\s\u00a0\u202f]*-$/s;
/** What is already marked negative, or positive, and so cannot be marked negative again. */
const markedAlready = /^[+-]|[()]|-$/;

/**
 * An accounting negative rewritten with its sign ahead (`(1 234,50)` → `-1 234,50`), other text as it is. Marked
 * twice (`(-12.00)`, `-12-`, `(12.00)-`), it reads as -12 to one reader and as 12 to another: refused.
 */
const signAhead = (text: string, typed: string): string | ParseFailure => {
  const match = accountingForm.exec(typed);
  if (match === null) return typed;
  const number = (match[1] ?? match[2]!).trim();
  if (markedAlready.test(number)) {
    return {
      reason: RejectReason.INVALID_AMOUNT,
      message: `"${text}" is not an amount: it is marked negative twice (a sign, parentheses or a trailing minus), which reads two ways`,
    };
  }
  return `-${number}`;
};

/** An amount from its text as typed (`typed`, see typedAmount); `text` as read, for messages. */
const readTyped = (
  text: string,
  typed: string,
  mark: 'auto' | ',' | '.',
  negatives: NegativeForm,
): ReturnType<ValueParser> => {
  const read = readAmount(text, typed.replace(spaces, ''), mark, negatives);
  // Spaces inside an amount group its thousands (`1 234 567,89`); anywhere else (`1 00,00`, `12 3,45`) they are
  // a typing slip or two values run together, and dropping them would guess.
  if (typeof read === 'string' && innerSpace.test(typed) && !spacedThousands.test(typed)) {
    return {
      reason: RejectReason.INVALID_AMOUNT,
      message: `"${text}" is not an amount: its spaces do not group thousands`,
    };
  }
  return read;
};

/** An amount from its text without spaces (`compact`); `text` as read, for messages. */
const readAmount = (
  text: string,
  compact: string,
  mark: 'auto' | ',' | '.',
  negatives: NegativeForm,
): ReturnType<ValueParser> => {
  // Made only for a value refused: a FEC reads two amounts per line, and building the message (and testing the
  // pattern below) for every valid one cost 7% of the parser's time.
  const refuse = () => ({
    reason: RejectReason.INVALID_AMOUNT,
    // An accounting negative, `(12.00)` or SAP's `12-`, is read only where the plan says the field writes them
    // (a sign is otherwise one character, ahead of the number): said, with the option that reads it.
    message: `"${text}" is not an amount${
      negatives === 'sign' && /^\(.*\d.*\)$|^[^+-].*\d-$/.test(compact)
        ? ': it looks like an accounting negative (parentheses or a trailing minus): set negatives: accounting on this field to read it as one, or write the sign first (-12.00)'
        : ''
    }`,
  });
  // As programs write numbers, with a decimal point: not under a declared decimal comma (a FEC, which the norm
  // writes `1234,50`, and where `1E2` is refused by fec validate too).
  const scientific = mark === ',' ? undefined : canonicalScientific(compact);
  if (scientific !== undefined) return scientific;
  if (mark === 'auto') {
    if (eitherReading.test(compact)) {
      return {
        reason: RejectReason.INVALID_AMOUNT,
        message: `"${text}" reads as ${canonicalDecimal(compact.replace(',', '.'))} with a decimal ${compact.includes(',') ? 'comma' : 'point'} and as ${compact.replace(/[.,]/, '')} with a thousands separator: set decimal: "," or "." on this field`,
      };
    }
    if (groupedTwice.test(compact)) return canonicalDecimal(compact.replace(/[.,]/g, '')) ?? refuse();
  }
  const decimal = mark === 'auto' ? (compact.lastIndexOf(',') > compact.lastIndexOf('.') ? ',' : '.') : mark;
  const thousands = decimal === ',' ? '.' : ',';
  const at = compact.lastIndexOf(decimal);
  let whole = at === -1 ? compact : compact.slice(0, at);
  const fraction = at === -1 ? '' : compact.slice(at + 1);
  if (whole.includes(decimal) || fraction.includes(thousands)) return refuse();
  if (whole.includes(thousands)) {
    if (!thousandsGrouping[thousands].test(whole)) {
      return {
        reason: RejectReason.INVALID_AMOUNT,
        message: `"${text}" is not an amount with "${decimal}" as decimal mark ("${thousands}" does not group thousands here)`,
      };
    }
    whole = whole.split(thousands).join('');
  }
  const value = canonicalDecimal(at === -1 ? whole : `${whole}.${fraction}`);
  return value === undefined ? refuse() : value;
};

export const integerParser: ValueParser = (text) => {
  const compact = text.replace(spaces, '');
  if (!/^[+-]?\d{1,15}$/.test(compact)) {
    // Integers are JavaScript numbers here, exact to 15 digits; past that a value is refused, never rounded.
    const message = /^[+-]?\d{16,}$/.test(compact)
      ? `"${text}" has more than 15 digits, the most an integer column keeps exactly (a code this long is text)`
      : `"${text}" is not a whole number`;
    return { reason: RejectReason.INVALID_INTEGER, message };
  }
  return Number(compact);
};

const truthy = new Set(['true', 'yes', 'y', 'oui', 'o', 'vrai', 't', '1', 'x']);
const falsy = new Set(['false', 'no', 'n', 'non', 'faux', 'f', '0']);

export const booleanParser: ValueParser = (text) => {
  const lower = text.trim().toLowerCase();
  if (truthy.has(lower)) return true;
  if (falsy.has(lower)) return false;
  return {
    reason: RejectReason.INVALID_BOOLEAN,
    message: `"${text}" is not yes/no, true/false, oui/non or 1/0`,
  };
};

/**
 * What makes text impossible to store faithfully, or undefined: a NUL character (U+0000), which PostgreSQL text
 * cannot hold (the whole batch would fail), or half of a UTF-16 surrogate pair (a JSON `\ud800` escape with no
 * partner), which has no UTF-8 form (the target would hold U+FFFD, and only reconcile would notice).
 */
export const unstorableCharacter = (text: string): string | undefined => {
  if (text.includes('\u0000')) return 'holds a NUL character (U+0000), which the target cannot store';
  if (!text.isWellFormed())
    return 'holds half of a UTF-16 surrogate pair, which is no character and has no UTF-8 form';
  return undefined;
};

/** Text as it is, unless unstorableCharacter finds a reason: refused on every target, shown with escapes. */
export const textParser: ValueParser = (text) => {
  const problem = unstorableCharacter(text);
  if (problem === undefined) return text;
  // A mapped field can take a transform; a key cannot, so the hint is given here.
  const hint = text.includes('\u0000') ? ' (the transform strip_control removes it)' : '';
  return { reason: RejectReason.INVALID_CHARACTER, message: `${JSON.stringify(text)} ${problem}${hint}` };
};

export const parserFor = (
  type: ColumnType,
  options: { formats?: readonly string[]; decimal?: 'auto' | ',' | '.'; negatives?: NegativeForm },
): ValueParser => {
  switch (type) {
    case 'text':
      return textParser;
    case 'integer':
      return integerParser;
    case 'decimal':
      return decimalParser(options.decimal, options.negatives);
    case 'date':
      return dateParser(options.formats);
    case 'datetime':
      return dateTimeParser(options.formats);
    case 'boolean':
      return booleanParser;
  }
};

/**
 * Per-value work runs once per distinct value: dates, amounts and flags repeat a lot in real exports. The cache is
 * bounded so a column of unique values cannot grow memory without limit, and it turns itself off for a column whose
 * values hardly repeat (creation timestamps), where it would only add work.
 */
export const memoize = (parser: ValueParser, limit = 50_000): ValueParser => {
  if (parser === textParser) return parser;
  let cache: Map<string, CanonicalValue | ParseFailure> | undefined = new Map();
  let lookups = 0;
  let hits = 0;
  return (text) => {
    if (cache === undefined) return parser(text);
    lookups++;
    let value = cache.get(text);
    if (value === undefined) {
      value = parser(text);
      if (cache.size >= limit) cache = new Map();
      cache.set(text, value);
    } else {
      hits++;
    }
    if (lookups === 20_000 && hits < 2_000) cache = undefined;
    return value;
  };
};
