import { isValid, parse } from 'date-fns';
import { canonicalDecimal } from '../../core/money.js';
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
const defaultDateTimeFormats = [
  "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  "yyyy-MM-dd'T'HH:mm:ssXXX",
  "yyyy-MM-dd'T'HH:mm:ss.SSSX",
  "yyyy-MM-dd'T'HH:mm:ssX",
  "yyyy-MM-dd'T'HH:mm:ss",
  'yyyy-MM-dd HH:mm:ss',
  'yyyy-MM-dd HH:mm',
  'yyyy-MM-dd',
];

// date-fns parses in local time; cutover reads zone-less values as UTC, so it parses against a UTC reference
// and reads back the local fields, which makes the result independent of the machine's time zone.
const reference = new Date(2000, 0, 1);
const pad = (value: number, width = 2) => String(value).padStart(width, '0');

const localDate = (date: Date) =>
  `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

const hasZone = (format: string) => /X|x|O|z/.test(format.replace(/'[^']*'/g, ''));

const parseWithFormats = (text: string, formats: readonly string[]): Date | undefined => {
  for (const format of formats) {
    // date-fns accepts fewer digits than the token asks for ("2021-1-5" for yyyy-MM-dd); a strict reader wants
    // the same length as the format, except for zone and fraction tokens whose length varies.
    if (!hasZone(format) && !format.includes('SSS') && text.length !== format.replace(/'/g, '').length)
      continue;
    const date = parse(text, format, reference);
    if (isValid(date)) return date;
  }
  return undefined;
};

export const dateParser =
  (formats: readonly string[] = defaultDateFormats): ValueParser =>
  (text) => {
    const date = parseWithFormats(text, formats);
    return date === undefined
      ? {
          reason: RejectReason.INVALID_DATE,
          message: `"${text}" is not a date in format ${formats.join(' or ')}`,
        }
      : localDate(date);
  };

export const dateTimeParser =
  (formats: readonly string[] = defaultDateTimeFormats): ValueParser =>
  (text) => {
    for (const format of formats) {
      const date = parseWithFormats(text, [format]);
      if (date === undefined) continue;
      if (hasZone(format)) return date.toISOString();
      const iso = `${localDate(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
      return `${iso}.${pad(date.getMilliseconds(), 3)}Z`;
    }
    return {
      reason: RejectReason.INVALID_DATE,
      message: `"${text}" is not a date-time in format ${formats.join(' or ')}`,
    };
  };

const spaces = /[\s\u00a0\u202f']/g;

/** Amounts as people write them: `1 234,50`, `1234.50`, `-12,5`, `+980`. Never through a binary float. */
export const decimalParser =
  (mark: 'auto' | ',' | '.' = 'auto'): ValueParser =>
  (text) => {
    let compact = text.replace(spaces, '');
    const comma = compact.lastIndexOf(',');
    const dot = compact.lastIndexOf('.');
    if (mark === ',' || (mark === 'auto' && comma > dot)) {
      compact = compact.replace(/\./g, '');
      const commas = compact.split(',').length - 1;
      if (commas > 1) compact = '';
      compact = compact.replace(',', '.');
    } else if (mark === '.' || (mark === 'auto' && dot > comma)) {
      compact = compact.replace(/,/g, '');
    }
    const value = canonicalDecimal(compact);
    return value === undefined
      ? { reason: RejectReason.INVALID_AMOUNT, message: `"${text}" is not an amount` }
      : value;
  };

export const integerParser: ValueParser = (text) => {
  const compact = text.replace(spaces, '');
  if (!/^[+-]?\d{1,15}$/.test(compact)) {
    return { reason: RejectReason.INVALID_INTEGER, message: `"${text}" is not a whole number` };
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

export const textParser: ValueParser = (text) => text;

export const parserFor = (
  type: ColumnType,
  options: { formats?: readonly string[]; decimal?: 'auto' | ',' | '.' },
): ValueParser => {
  switch (type) {
    case 'text':
      return textParser;
    case 'integer':
      return integerParser;
    case 'decimal':
      return decimalParser(options.decimal);
    case 'date':
      return dateParser(options.formats);
    case 'datetime':
      return dateTimeParser(options.formats);
    case 'boolean':
      return booleanParser;
  }
};

/**
 * Per-value work runs once per distinct value: dates, amounts and flags repeat a lot in real exports.
 * The cache is bounded so a column of unique values cannot grow memory without limit.
 */
export const memoize = (parser: ValueParser, limit = 50_000): ValueParser => {
  if (parser === textParser) return parser;
  let cache = new Map<string, CanonicalValue | ParseFailure>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = parser(text);
      if (cache.size >= limit) cache = new Map();
      cache.set(text, value);
    }
    return value;
  };
};
