import { describe, expect, it } from 'vitest';
import {
  booleanParser,
  dateParser,
  dateTimeParser,
  decimalParser,
  integerParser,
  isParseFailure,
  textParser,
} from '../../src/pipeline/map/value-parsers.js';

describe('value parsers', () => {
  it('reads dates in the formats the plan lists and refuses impossible calendar dates', () => {
    const parse = dateParser(['dd/MM/yyyy', 'yyyy-MM-dd', 'dd.MM.yyyy']);
    expect(parse('03/01/2024')).toBe('2024-01-03');
    expect(parse('2024-01-03')).toBe('2024-01-03');
    expect(parse('03.01.2024')).toBe('2024-01-03');
    expect(parse('31/02/1980')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(parse('1985-13-01')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(parse('3/1/2024')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(parse('not a date')).toMatchObject({ reason: 'INVALID_DATE' });
  });

  it('says, of an ISO date refused by formats without yyyy-MM-dd, that xlsx date cells and database dates read so', () => {
    // A plan written from what Excel shows (dd/MM/yyyy) refused each true date cell, read as 1980-01-02, with a
    // message that it was no dd/MM/yyyy date while Excel showed 02/01/1980: nothing said where the ISO form came from.
    const hint =
      " (written yyyy-MM-dd, as an xlsx date cell and a database date are read whatever their display: add 'yyyy-MM-dd' to the field's formats)";
    expect(dateParser(['dd/MM/yyyy'])('1980-01-02')).toEqual({
      reason: 'INVALID_DATE',
      message: `"1980-01-02" is not a date in format dd/MM/yyyy${hint}`,
    });
    // Not for what is no ISO date, nor where the formats already take it.
    expect(dateParser(['dd/MM/yyyy'])('2024-13-01')).toEqual({
      reason: 'INVALID_DATE',
      message: '"2024-13-01" is not a date in format dd/MM/yyyy',
    });
    expect(dateParser(['yyyy-MM-dd'])('2023-02-29')).toEqual({
      reason: 'INVALID_DATE',
      message: '"2023-02-29" is not a date in format yyyy-MM-dd',
    });
  });

  it('checks leap years in fixed-width formats, falls back to date-fns for named months, whose length varies', () => {
    expect(dateParser(['yyyyMMdd'])('20240229')).toBe('2024-02-29');
    expect(dateParser(['yyyyMMdd'])('20230229')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(dateParser(['yyyyMMdd'])('2023022')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(dateParser(['d MMM yyyy'])('5 Jan 2024')).toBe('2024-01-05');
    expect(dateParser(['d MMM yyyy'])('15 Jan 2024')).toBe('2024-01-15');
    expect(dateParser(["yyyy-MM-dd'T'HH"])('2024-1-5T10')).toMatchObject({ reason: 'INVALID_DATE' });
  });

  it('refuses year 0, which does not exist and PostgreSQL refuses, and years a zone pushes outside 1 to 9999', () => {
    const date = dateParser(['yyyy-MM-dd', 'dd/MM/yyyy', 'd MMM yyyy']);
    expect(date('1 Jan 0000')).toMatchObject({ reason: 'INVALID_DATE' });
    for (const text of ['0000-01-01', '01/01/0000'])
      expect(date(text)).toMatchObject({
        reason: 'INVALID_DATE',
        message: `"${text}" is not a date of years 1 to 9999 (year 0 does not exist)`,
      });
    expect(date('0001-01-01')).toBe('0001-01-01');
    expect(date('9999-12-31')).toBe('9999-12-31');
    const dateTime = dateTimeParser();
    expect(dateTime('0000-06-01 10:00:00')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(dateTime('0001-01-01T00:30:00+01:00')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(dateTime('9999-12-31T23:30:00-01:00')).toMatchObject({
      reason: 'INVALID_DATE',
      message: '"9999-12-31T23:30:00-01:00" is not a date of years 1 to 9999',
    });
    expect(dateTime('0001-01-01T00:30:00-01:00')).toBe('0001-01-01T01:30:00.000Z');
  });

  it('keeps text as it is, but refuses a NUL character, which PostgreSQL text cannot hold', () => {
    expect(textParser('  Zoé\t« x »\r\n')).toBe('  Zoé\t« x »\r\n');
    expect(textParser('Bo\u0000b')).toMatchObject({
      reason: 'INVALID_CHARACTER',
      message: expect.stringContaining('"Bo\\u0000b" holds a NUL character (U+0000)') as unknown,
    });
  });

  it('reads zone-less date-times as UTC and keeps explicit offsets', () => {
    const parse = dateTimeParser();
    expect(parse('2023-04-05 13:14:15')).toBe('2023-04-05T13:14:15.000Z');
    expect(parse('2023-04-05T13:14:15+02:00')).toBe('2023-04-05T11:14:15.000Z');
    expect(parse('2023-04-05')).toBe('2023-04-05T00:00:00.000Z');
    expect(isParseFailure(parse('2023-02-30 10:00:00'))).toBe(true);
  });

  it('reads ISO date-times as databases write them: any fraction of a second, cut to the millisecond, and any zone form', () => {
    const parse = dateTimeParser();
    // PostgreSQL timestamptz and MariaDB DATETIME(6) write microseconds; date-fns refused them.
    expect(parse('2024-06-15T12:00:00.123456Z')).toBe('2024-06-15T12:00:00.123Z');
    expect(parse('1000-01-01T00:00:00.000000')).toBe('1000-01-01T00:00:00.000Z');
    expect(parse('2024-06-15 12:00:00.999999+02')).toBe('2024-06-15T10:00:00.999Z');
    // One or two digits are tenths and hundredths, not milliseconds (date-fns read .5 as 5 ms).
    expect(parse('2024-01-31T10:00:00.5Z')).toBe('2024-01-31T10:00:00.500Z');
    expect(parse('2024-01-31T10:00:00.12+01:00')).toBe('2024-01-31T09:00:00.120Z');
    expect(parse('2024-06-15T12:00Z')).toBe('2024-06-15T12:00:00.000Z');
    expect(parse('2024-06-15 12:00:00+0530')).toBe('2024-06-15T06:30:00.000Z');
    expect(parse('0050-03-01T00:00:00+01:00')).toBe('0050-02-28T23:00:00.000Z');
    for (const text of [
      '2024-06-15T24:00:00',
      '2024-06-15T12:00:00.Z',
      '2024-06-15T12:00:00+2',
      '2024-06-15T12',
      '15/06/2024',
    ])
      expect(parse(text)).toMatchObject({
        reason: 'INVALID_DATE',
        message: expect.stringContaining(`"${text}" is not a date-time in ISO 8601`) as unknown,
      });
  });

  it('refuses text holding half of a UTF-16 surrogate pair, which has no UTF-8 form', () => {
    expect(textParser('B\ud800')).toMatchObject({
      reason: 'INVALID_CHARACTER',
      message:
        '"B\\ud800" holds half of a UTF-16 surrogate pair, which is no character and has no UTF-8 form',
    });
    expect(textParser('\udc00x')).toMatchObject({ reason: 'INVALID_CHARACTER' });
    expect(textParser('emoji 😀 ok')).toBe('emoji 😀 ok');
  });

  it('keeps nothing of one value in the next: each date-time is read from zero, whatever format read the last', () => {
    const parse = dateTimeParser(["yyyy-MM-dd'T'HH:mm:ss.SSS", 'yyyy-MM-dd HH:mm:ss', 'dd/MM/yyyy']);
    expect(parse('2023-04-05T13:14:15.678')).toBe('2023-04-05T13:14:15.678Z');
    expect(parse('2023-04-05 23:59:58')).toBe('2023-04-05T23:59:58.000Z');
    expect(parse('07/08/0999')).toBe('0999-08-07T00:00:00.000Z');
    expect(parse('2023-04-05 24:00:00')).toMatchObject({ reason: 'INVALID_DATE' });
    expect(parse('1999-12-31 00:00:01')).toBe('1999-12-31T00:00:01.000Z');
    const date = dateParser(['yyyy-MM-dd', 'd MMMM yyyy']);
    expect(date('9 February 2024')).toBe('2024-02-09');
    expect(date('0042-10-01')).toBe('0042-10-01');
  });

  it('reads amounts exactly in French and English notation and refuses what is not an amount', () => {
    const parse = decimalParser('auto');
    expect(parse('1 234,50')).toBe('1234.5');
    expect(parse('1234.50')).toBe('1234.5');
    expect(parse('1,234.50')).toBe('1234.5');
    expect(parse('-0,10')).toBe('-0.1');
    expect(parse('0000000000,00')).toBe('0');
    expect(parse('12345678901234567890,01')).toBe('12345678901234567890.01');
    expect(parse('N/A')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(parse('12,34,56')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(decimalParser(',')('1.234,5')).toBe('1234.5');
  });

  it('reads spaces that group thousands, and refuses spaces anywhere else rather than guess', () => {
    const parse = decimalParser(',');
    expect(parse('1 234 567,89')).toBe('1234567.89');
    expect(parse(' 12,50 ')).toBe('12.5');
    expect(parse('- 12,50')).toBe('-12.5');
    expect(parse('1\u202f000,00')).toBe('1000');
    expect(parse('1 00,00')).toMatchObject({
      reason: 'INVALID_AMOUNT',
      message: '"1 00,00" is not an amount: its spaces do not group thousands',
    });
    expect(parse('12 3,45')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    // Excel's apostrophe before a number kept as text is no space; a value that is no amount says so plainly.
    expect(decimalParser('auto')("'1234")).toBe('1234');
    expect(parse('1 234,50 €')).toMatchObject({ message: '"1 234,50 €" is not an amount' });
  });

  it('refuses an accounting negative, (12.00) or a trailing minus, naming the option that reads it', () => {
    const hint =
      'it looks like an accounting negative (parentheses or a trailing minus): set negatives: accounting on this field to read it as one, or write the sign first (-12.00)';
    expect(decimalParser('auto')('(12.00)')).toEqual({
      reason: 'INVALID_AMOUNT',
      message: `"(12.00)" is not an amount: ${hint}`,
    });
    expect(decimalParser(',')('1 234,56-')).toEqual({
      reason: 'INVALID_AMOUNT',
      message: `"1 234,56-" is not an amount: ${hint}`,
    });
    // A minus ahead stays a negative; text with no digit is no negative of anything.
    expect(decimalParser('auto')('-12.00')).toBe('-12');
    expect(decimalParser('auto')('(n/a)')).toEqual({
      reason: 'INVALID_AMOUNT',
      message: '"(n/a)" is not an amount',
    });
  });

  it('reads (12.00) and 12- as -12 under negatives: accounting, exactly, and refuses what is marked twice', () => {
    const parse = decimalParser('auto', 'accounting');
    expect(parse('(12.00)')).toBe('-12');
    expect(parse('12.00-')).toBe('-12');
    expect(parse(' ( 1 234,56 ) ')).toBe('-1234.56');
    expect(decimalParser(',', 'accounting')('1 234,56-')).toBe('-1234.56');
    expect(decimalParser('.', 'accounting')('(1,234,567.89)')).toBe('-1234567.89');
    // Exact decimals: no binary float between the text and the value.
    expect(parse('(0.30000000000000004)')).toBe('-0.30000000000000004');
    expect(parse('(12345678901234567890.01)')).toBe('-12345678901234567890.01');
    expect(parse('(0.00)')).toBe('0');
    // The other forms read as before.
    expect(parse('-12,00')).toBe('-12');
    expect(parse('12.50')).toBe('12.5');
    expect(parse('+980')).toBe('980');
    const refused = (text: string, why = '') => ({
      reason: 'INVALID_AMOUNT',
      message: `"${text}" is not an amount${why}`,
    });
    const twice =
      ': it is marked negative twice (a sign, parentheses or a trailing minus), which reads two ways';
    expect(parse('(-12.00)')).toEqual(refused('(-12.00)', twice));
    expect(parse('-12.00-')).toEqual(refused('-12.00-', twice));
    expect(parse('(12.00)-')).toEqual(refused('(12.00)-', twice));
    expect(parse('((12.00))')).toEqual(refused('((12.00))', twice));
    expect(parse('(+12.00)')).toEqual(refused('(+12.00)', twice));
    // CR and DR say whose side, not which sign (credit is a minus in a ledger, a plus on a bank statement).
    expect(parse('12.00 CR')).toEqual(refused('12.00 CR'));
    expect(parse('(12.00')).toEqual(refused('(12.00'));
    expect(parse('()')).toEqual(refused('()'));
    expect(parse('-')).toEqual(refused('-'));
    // What the field's decimal mark refuses, it refuses in parentheses too, saying so of the text as read.
    expect(parse('(1,250)')).toEqual({
      reason: 'INVALID_AMOUNT',
      message:
        '"(1,250)" reads as -1.25 with a decimal comma and as -1250 with a thousands separator: set decimal: "," or "." on this field',
    });
    expect(decimalParser(',', 'accounting')('(1200.00)')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(parse('(1 00,00)')).toEqual(refused('(1 00,00)', ': its spaces do not group thousands'));
  });

  it('reads amounts in scientific notation exactly, as programs write them (1e-05, a SQLite REAL 1e-7)', () => {
    const parse = decimalParser('auto');
    expect(parse('1e-05')).toBe('0.00001');
    expect(parse('1e+16')).toBe('10000000000000000');
    expect(parse('-2.50E3')).toBe('-2500');
    expect(parse(String(1e-7))).toBe('0.0000001');
    // 0.1 + 0.2 as a float would print 0.30000000000000004: the digits written are the digits read.
    expect(parse('3.3000000000000003e-1')).toBe('0.33000000000000003');
    // Under a declared decimal comma (a FEC), an exponent is refused, as fec validate refuses it.
    expect(decimalParser(',')('1E2')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(parse('1e100')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(parse('1,5e3')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(parse('e5')).toMatchObject({ reason: 'INVALID_AMOUNT' });
  });

  it('never reads a decimal mark as a thousands separator: 1200.00 under a decimal comma is refused, not 120000', () => {
    const comma = decimalParser(',');
    expect(comma('1200.00')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(comma('1.234.567,8')).toBe('1234567.8');
    expect(comma('1.2345,0')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(comma('12,5')).toBe('12.5');
    const dot = decimalParser('.');
    expect(dot('12,5')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    expect(dot('1,234,567.25')).toBe('1234567.25');
    expect(dot('1234')).toBe('1234');
    expect(decimalParser('auto')('1.5,2')).toMatchObject({ reason: 'INVALID_AMOUNT' });
  });

  it('refuses under auto an amount that reads both ways (1,250: 1.25 or 1250) rather than guess it value by value', () => {
    const parse = decimalParser('auto');
    // Before: 1.25 beside 1250.5 in the same column, no word said.
    expect(parse('1,250.50')).toBe('1250.5');
    expect(parse('1,250')).toEqual({
      reason: 'INVALID_AMOUNT',
      message:
        '"1,250" reads as 1.25 with a decimal comma and as 1250 with a thousands separator: set decimal: "," or "." on this field',
    });
    expect(parse('-12.000')).toMatchObject({ reason: 'INVALID_AMOUNT' });
    // Not ambiguous: two decimals, a leading zero, grouping by three twice, or the plan says which mark.
    expect(parse('12,50')).toBe('12.5');
    expect(parse('0,250')).toBe('0.25');
    expect(parse('1,250,000')).toBe('1250000');
    expect(parse('1.250.000')).toBe('1250000');
    expect(decimalParser(',')('1,250')).toBe('1.25');
    expect(decimalParser('.')('1,250')).toBe('1250');
  });

  it('refuses whole numbers past 15 digits, saying so, rather than rounding them', () => {
    expect(integerParser('999999999999999')).toBe(999999999999999);
    expect(integerParser('9223372036854775807')).toEqual({
      reason: 'INVALID_INTEGER',
      message:
        '"9223372036854775807" has more than 15 digits, the most an integer column keeps exactly (a code this long is text)',
    });
  });

  it('reads whole numbers and truth values as people write them', () => {
    expect(integerParser('1 200')).toBe(1200);
    expect(integerParser('12.5')).toMatchObject({ reason: 'INVALID_INTEGER' });
    expect(booleanParser('oui')).toBe(true);
    expect(booleanParser('Non')).toBe(false);
    expect(booleanParser('1')).toBe(true);
    expect(booleanParser('maybe')).toMatchObject({ reason: 'INVALID_BOOLEAN' });
  });
});
