import { describe, expect, it } from 'vitest';
import {
  createCsvRowSplitter,
  type CsvRowSplitterOptions,
} from '../../../src/connectors/files/csv-row-splitter.js';

type Event =
  | { kind: 'row'; values: string[]; raw: string; line: number }
  | { kind: 'malformed'; raw: string; line: number };

const split = (pieces: readonly string[], options: Partial<CsvRowSplitterOptions> = {}): Event[] => {
  const events: Event[] = [];
  const splitter = createCsvRowSplitter(
    { delimiter: ',', newline: '\n', quote: '"', ...options },
    {
      row: (values, raw, line) => events.push({ kind: 'row', values, raw, line }),
      malformed: (raw, line) => events.push({ kind: 'malformed', raw, line }),
    },
  );
  for (const piece of pieces) splitter.push(piece);
  splitter.end();
  return events;
};

const text =
  'id,note\r\n' +
  '1,"multi\r\nline, with ""quotes"""\r\n' +
  '2,"never closed\r\n' +
  '3,plain\r\n' +
  '4,"x"y\r\n' +
  '5,last';

describe('createCsvRowSplitter', () => {
  it('gives the same rows, raw texts and lines whether the text comes at once or one character at a time', () => {
    const whole = split([text], { newline: '\r\n' });
    expect(whole).toEqual([
      { kind: 'row', values: ['id', 'note'], raw: 'id,note', line: 1 },
      {
        kind: 'row',
        values: ['1', 'multi\r\nline, with "quotes"'],
        raw: '1,"multi\r\nline, with ""quotes"""',
        line: 2,
      },
      { kind: 'malformed', raw: '2,"never closed', line: 4 },
      { kind: 'row', values: ['3', 'plain'], raw: '3,plain', line: 5 },
      { kind: 'malformed', raw: '4,"x"y', line: 6 },
      { kind: 'row', values: ['5', 'last'], raw: '5,last', line: 7 },
    ]);
    expect(split([...text], { newline: '\r\n' })).toEqual(whole);
  });

  it('gives up on a row still open after maxRowChars, rejects its first line and reads on', () => {
    const rows = ['id,note', '1,"open', ...Array.from({ length: 50 }, (_, index) => `${index + 2},ok`)];
    const events = split(
      rows.map((row) => `${row}\n`),
      { maxRowChars: 100 },
    );
    expect(events[1]).toEqual({ kind: 'malformed', raw: '1,"open', line: 2 });
    expect(events.slice(2)).toEqual(
      Array.from({ length: 50 }, (_, index) => ({
        kind: 'row',
        values: [`${index + 2}`, 'ok'],
        raw: `${index + 2},ok`,
        line: index + 3,
      })),
    );
  });

  it('rejects a line longer than maxRowChars as one record, with its start, and passes over the rest of it', () => {
    // Before, the line was cut into pieces of maxRowChars, each a rejected record "never closed", quote or not.
    const long = `2,${'x'.repeat(1000)}`;
    const pieces = ['id,note\n1,a\n', ...long.match(/.{1,37}/g)!, '\n3,b\n'];
    const events = split(pieces, { maxRowChars: 100 });
    expect(events).toEqual([
      { kind: 'row', values: ['id', 'note'], raw: 'id,note', line: 1 },
      { kind: 'row', values: ['1', 'a'], raw: '1,a', line: 2 },
      { kind: 'malformed', raw: expect.stringMatching(/^2,x+…$/) as unknown, line: 3 },
      { kind: 'row', values: ['3', 'b'], raw: '3,b', line: 4 },
    ]);
  });

  describe('a file whose line breaks change kind', () => {
    const rowsOf = (events: Event[]) =>
      events.map((event) =>
        event.kind === 'row' ? [event.line, ...event.values] : ['malformed', event.line],
      );
    /** The rows whether the text comes at once or one character at a time (a CRLF cut in two included). */
    const splitBothWays = (text: string, newline: CsvRowSplitterOptions['newline']) => {
      const whole = split([text], { newline });
      expect(split([...text], { newline })).toEqual(whole);
      return whole;
    };

    it('CRLF, then LF: every row a record (the LF part was one rejected record)', () => {
      const crlf = Array.from({ length: 3 }, (_, index) => `${index + 1},a${index + 1}\r\n`).join('');
      const lf = Array.from({ length: 3 }, (_, index) => `${index + 4},a${index + 4}\n`).join('');
      expect(rowsOf(splitBothWays(`id,name\r\n${crlf}${lf}`, '\r\n'))).toEqual([
        [1, 'id', 'name'],
        ...Array.from({ length: 6 }, (_, index) => [index + 2, `${index + 1}`, `a${index + 1}`]),
      ]);
    });

    it('an LF header, then CRLF rows: no carriage return left at the end of the last value', () => {
      expect(rowsOf(splitBothWays('id,email\n1,a@x.fr\r\n2,b@x.fr\r\n', '\n'))).toEqual([
        [1, 'id', 'email'],
        [2, '1', 'a@x.fr'],
        [3, '2', 'b@x.fr'],
      ]);
    });

    it('one column: LF rows among CRLF ones are rows of their own, not one value holding line breaks', () => {
      expect(rowsOf(splitBothWays('Name\r\nAlice\r\nBob\nCarol\nDan\r\n', '\r\n'))).toEqual([
        [1, 'Name'],
        [2, 'Alice'],
        [3, 'Bob'],
        [4, 'Carol'],
        [5, 'Dan'],
      ]);
    });

    it('CR CR LF ends one row, and a line break inside quotes stays in its value, whatever its kind', () => {
      expect(
        rowsOf(splitBothWays('id,note\r\r\n1,"two\r\nlines"\n2,"three\nshort\rlines"\r\r\n3,x', '\r')),
      ).toEqual([
        [1, 'id', 'note'],
        [2, '1', 'two\r\nlines'],
        [4, '2', 'three\nshort\rlines'],
        [7, '3', 'x'],
      ]);
    });

    it('a stray quote costs its own line only, the rows after it split on any break', () => {
      expect(rowsOf(splitBothWays('id,note\r\n1,"x"y\n2,ok\n3,"fine"\r\n', '\r\n'))).toEqual([
        [1, 'id', 'note'],
        ['malformed', 2],
        [3, '2', 'ok'],
        [4, '3', 'fine'],
      ]);
    });

    it('a quote inside an unquoted value (12" screen) is a character of it, and opens no quoted field', () => {
      // CRLF rows, an LF inside a quoted value: the LF stays in the value, no CR is added to it.
      const quotedBreak = splitBothWays(
        'Id,Name,Note\r\n1,12" screen,ok\r\n2,x,"two\nlines"\r\n3,y,z\r\n',
        '\r\n',
      );
      expect(quotedBreak.map((event) => event.kind === 'row' && event.raw)).toEqual([
        'Id,Name,Note',
        '1,12" screen,ok',
        '2,x,"two\nlines"',
        '3,y,z',
      ]);
      expect(rowsOf(quotedBreak).slice(1)).toEqual([
        [2, '1', '12" screen', 'ok'],
        [3, '2', 'x', 'two\nlines'],
        [5, '3', 'y', 'z'],
      ]);
      // An LF-ended row among CRLF ones, after the inch mark: a row of its own (it was merged with the next).
      expect(
        rowsOf(splitBothWays('Id,Name,Note\r\n1,12" screen,ok\r\n2,b,x\n3,c,y\r\n4,d,z\r\n', '\r\n')),
      ).toEqual([
        [1, 'Id', 'Name', 'Note'],
        [2, '1', '12" screen', 'ok'],
        [3, '2', 'b', 'x'],
        [4, '3', 'c', 'y'],
        [5, '4', 'd', 'z'],
      ]);
      // An LF file, then CRLF rows and a blank line: no CR left at the end of a value, no invented row.
      expect(
        rowsOf(splitBothWays('Id,Name,Note\n1,12" screen,ok\r\n2,x,"a\nb"\r\n\r\n3,y,z\r\n', '\n')),
      ).toEqual([
        [1, 'Id', 'Name', 'Note'],
        [2, '1', '12" screen', 'ok'],
        [3, '2', 'x', 'a\nb'],
        [5, ''],
        [6, '3', 'y', 'z'],
      ]);
    });
  });
});
