import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvSource, type CsvSourceSpec } from '../../../src/connectors/files/csv-source.js';
import { CutoverError, ErrorCode } from '../../../src/core/errors.js';
import { RejectReason } from '../../../src/core/reject-reasons.js';
import { DEFAULT_LEGACY_CHOICE } from '../../../src/connectors/files/legacy-code-page.js';
import {
  ibm850,
  iso885915,
  latin1,
  makeTempDir,
  readAll,
  rejection,
  summary,
  writeFixture,
} from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

const spec = (overrides: Partial<CsvSourceSpec> = {}): CsvSourceSpec => ({
  type: 'csv',
  path: 'unused',
  encoding: 'auto',
  delimiter: 'auto',
  quote: '"',
  ...overrides,
});

const read = async (
  name: string,
  content: string | Buffer | readonly number[],
  overrides: Partial<CsvSourceSpec> = {},
) => {
  const file = await writeFixture(dir, name, content);
  const source = csvSource(spec(overrides), file);
  const { records, batchSizes } = await readAll(source);
  return { records, batchSizes, notices: source.notices?.() ?? [], source };
};

/** The notice of a UTF-8 file whose `lines` ("line 3 is", "lines 3 and 4 are") were read in a legacy code page. */
const legacyLinesNotice = (
  file: string,
  lines: string,
  line: number,
  legacy = `Windows-1252 (${DEFAULT_LEGACY_CHOICE.why})`,
) => ({
  code: 'ENCODING_FALLBACK',
  message: `${file}: ${lines} not valid UTF-8: read as ${legacy}, the rest of the file as UTF-8`,
  line,
});

/**
 * The notice of records spanning lines, none with a line shaped like a record (`where`: "the record at line 3
 * spans", "2 records (at lines 3, 5) span").
 */
const multilineNotice = (file: string, where: string, line: number) => ({
  code: 'MULTILINE_RECORDS',
  message: `${file}: ${where} several lines (a quoted field holds line breaks, as a note typed on several lines); none holds a line with as many delimiters as a record, as the lines a quote left open by mistake would`,
  line,
});

/** The notice of records spanning lines, `shaped` ("it holds", "1 of them (at line 5) hold") holding record lines. */
const swallowedNotice = (file: string, where: string, shaped: string, line: number, them = 'it') => ({
  code: 'MULTILINE_RECORDS',
  message: `${file}: ${where} several lines (a quoted field holds line breaks), and ${shaped} a line with as many delimiters as a record: had a quote been left open by mistake, the lines up to the next quote were read as text of that record, not as records; check ${them}`,
  line,
});

describe('csvSource', () => {
  it('keys values by the header and gives each record its line, number and raw text', async () => {
    const { records, notices } = await read('plain.csv', 'id,name,city\n1,Dupont,Paris\n2,Martin,Lyon\n');
    expect(records).toEqual([
      {
        fields: { id: '1', name: 'Dupont', city: 'Paris' },
        location: { source: 'plain.csv', line: 2, record: 1 },
        raw: '1,Dupont,Paris',
      },
      {
        fields: { id: '2', name: 'Martin', city: 'Lyon' },
        location: { source: 'plain.csv', line: 3, record: 2 },
        raw: '2,Martin,Lyon',
      },
    ]);
    expect(notices).toEqual([]);
  });

  it('reads Windows-1252 bytes with semicolons as the right characters and says it fell back', async () => {
    const { records, notices } = await read(
      'legacy.csv',
      latin1('id;nom;ville\r\n1;Hélène Bérard;Orléans\r\n'),
    );
    expect(records.map(summary)).toEqual([
      { fields: { id: '1', nom: 'Hélène Bérard', ville: 'Orléans' }, line: 2, record: 1, reason: undefined },
    ]);
    expect(notices.map((notice) => notice.code)).toEqual(['ENCODING_FALLBACK']);
  });

  it('reads an ISO-8859-15 file as ISO-8859-15, not Windows-1252 (œ, Œ, €, Š intact), and says why', async () => {
    // Before, it was read as Windows-1252: "C½ur de SŒUR" came out "C½ur de S¼UR", "12,50 €" "12,50 ¤".
    const { records, notices } = await read(
      'latin9.csv',
      iso885915('id;libellé;prix\r\n1;Cœur de SŒUR;12,50 €\r\n2;Škoda Fabia;9 €\r\n'),
    );
    expect(records.map((record) => record.fields)).toEqual([
      { id: '1', libellé: 'Cœur de SŒUR', prix: '12,50 €' },
      { id: '2', libellé: 'Škoda Fabia', prix: '9 €' },
    ]);
    expect(notices).toEqual([
      {
        code: 'ENCODING_FALLBACK',
        message:
          'latin9.csv is not valid UTF-8: read as ISO-8859-15 (byte 0xBD reads "Cœur" in ISO-8859-15, "C½ur" in Windows-1252, and no byte 0x80-0x9F says Windows-1252)',
      },
    ]);
  });

  it('reads the ISO-8859-15 lines of a UTF-8 file as ISO-8859-15, not taking UTF-8 bytes for its letters', async () => {
    // "Müller" is C3 BC in UTF-8: its 0xBC, next to letters, is a UTF-8 byte, no sign of ISO-8859-15's Œ.
    const utf8Only = await read(
      'mixed-1252.csv',
      Buffer.concat([Buffer.from('id,nom\n1,Müller\n'), latin1('2,Hélène\n')]),
    );
    expect(utf8Only.records.map((record) => record.fields.nom)).toEqual(['Müller', 'Hélène']);
    expect(utf8Only.notices).toEqual([legacyLinesNotice('mixed-1252.csv', 'line 3 is', 3)]);
    const { records, notices } = await read(
      'mixed-latin9.csv',
      Buffer.concat([Buffer.from('id,nom\n1,Müller\n'), iso885915('2,Œuvre de Lœw\n')]),
    );
    expect(records.map((record) => record.fields.nom)).toEqual(['Müller', 'Œuvre de Lœw']);
    expect(notices).toEqual([
      legacyLinesNotice(
        'mixed-latin9.csv',
        'line 3 is',
        3,
        'ISO-8859-15 (byte 0xBC reads "Œuvre" in ISO-8859-15, "¼uvre" in Windows-1252, and no byte 0x80-0x9F says Windows-1252)',
      ),
    ]);
  });

  it('strips a UTF-8 byte-order mark from the first column name', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { records } = await read('bom.csv', Buffer.concat([bom, Buffer.from('id,prénom\n7,Zoé\n')]));
    expect(records[0]?.fields).toEqual({ id: '7', prénom: 'Zoé' });
  });

  it('reads quoted delimiters, doubled quotes and line breaks inside fields, and counts physical lines', async () => {
    const text =
      'id,note,city\n' +
      '1,"Paris, 75001","said ""hi"""\n' +
      '2,"line one\nline two\nline three",Lyon\n' +
      '3,after,Nice\n';
    const { records } = await read('quoted.csv', text);
    expect(records.map(summary)).toEqual([
      { fields: { id: '1', note: 'Paris, 75001', city: 'said "hi"' }, line: 2, record: 1, reason: undefined },
      {
        fields: { id: '2', note: 'line one\nline two\nline three', city: 'Lyon' },
        line: 3,
        record: 2,
        reason: undefined,
      },
      { fields: { id: '3', note: 'after', city: 'Nice' }, line: 6, record: 3, reason: undefined },
    ]);
    expect(records[1]?.raw).toBe('2,"line one\nline two\nline three",Lyon');
  });

  it('reads CRLF, LF and CR line endings alike, including a CRLF inside a quoted field', async () => {
    const rows = ['id,note', '1,"a\r\nb"', '2,c'];
    const expected = [
      { fields: { id: '1', note: 'a\r\nb' }, line: 2, record: 1, reason: undefined },
      { fields: { id: '2', note: 'c' }, line: 4, record: 2, reason: undefined },
    ];
    const crlf = await read('crlf.csv', rows.join('\r\n') + '\r\n');
    expect(crlf.records.map(summary)).toEqual(expected);
    const cr = await read('cr.csv', rows.join('\r') + '\r');
    expect(cr.records.map(summary)).toEqual(expected);
    const lf = await read('lf.csv', rows.join('\n'));
    expect(lf.records.map(summary)).toEqual(expected);
  });

  it('reads a file whose line endings change kind (CRLF, then LF) as one record per line, every one counted', async () => {
    // Two exports put together: before, the LF half was one record, rejected WRONG_COLUMN_COUNT, its 1,500 rows
    // never counted (within a 5 % threshold, the run succeeded).
    const row = (index: number) => `${index},Name ${index},n${index}@example.fr`;
    const text =
      'Id,Name,Email\r\n' +
      Array.from({ length: 1500 }, (_, index) => `${row(index + 1)}\r\n`).join('') +
      Array.from({ length: 1500 }, (_, index) => `${row(index + 1501)}\n`).join('');
    const { records } = await read('mixed-endings.csv', text);
    expect(records).toHaveLength(3000);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(records.map((record) => record.fields.Email)).toEqual(
      Array.from({ length: 3000 }, (_, index) => `n${index + 1}@example.fr`),
    );
    expect(records.at(-1)!.location.line).toBe(3001);
  });

  it('marks a row with missing or extra values WRONG_COLUMN_COUNT and keeps what it had', async () => {
    const { records } = await read('counts.csv', 'a,b,c\n1,2\n1,2,3,4,5\n7,8,9\n');
    expect(records.map(summary)).toEqual([
      { fields: { a: '1', b: '2' }, line: 2, record: 1, reason: RejectReason.WRONG_COLUMN_COUNT },
      {
        fields: { a: '1', b: '2', c: '3', _extra: ['4', '5'] },
        line: 3,
        record: 2,
        reason: RejectReason.WRONG_COLUMN_COUNT,
      },
      { fields: { a: '7', b: '8', c: '9' }, line: 4, record: 3, reason: undefined },
    ]);
    expect(records[0]?.problem?.message).toBe('expected 3 fields (as in the header), found 2');
    expect(records[1]?.problem?.message).toBe('expected 3 fields (as in the header), found 5');
  });

  it('rejects a line with an unclosed quote alone and reads the following lines', async () => {
    const { records } = await read(
      'unclosed.csv',
      'id,name,city\n1,"Dupont,Paris\n2,Martin,Lyon\n3,Durand,Nice\n',
    );
    expect(records.map(summary)).toEqual([
      { fields: {}, line: 2, record: 1, reason: RejectReason.MALFORMED_ROW },
      { fields: { id: '2', name: 'Martin', city: 'Lyon' }, line: 3, record: 2, reason: undefined },
      { fields: { id: '3', name: 'Durand', city: 'Nice' }, line: 4, record: 3, reason: undefined },
    ]);
    expect(records[0]?.raw).toBe('1,"Dupont,Paris');
    expect(records[0]?.problem?.message).toContain('unclosed quote');
  });

  it('names the records that span lines: a quote left open and closed lines later made one record of them, unsaid', async () => {
    // K2's line is read as text of K1's name, as CSV says: it has no record and no fate, and reconcile, reading
    // the file the same way, was green. Nothing but a person can tell it from a note typed on two lines.
    const { records, notices } = await read(
      'swallowed.csv',
      'id,name,city\nK1,"Martin,Paris\nK2,Petit",Lyon\nK3,Durand,Nice\n',
    );
    expect(records.map(summary)).toEqual([
      {
        fields: { id: 'K1', name: 'Martin,Paris\nK2,Petit', city: 'Lyon' },
        line: 2,
        record: 1,
        reason: undefined,
      },
      { fields: { id: 'K3', name: 'Durand', city: 'Nice' }, line: 4, record: 2, reason: undefined },
    ]);
    expect(notices).toEqual([swallowedNotice('swallowed.csv', 'the record at line 2 spans', 'it holds', 2)]);
    // A header on two lines is no record; a quoted field on one line says nothing.
    const header = await read('header.csv', 'id,"first\nname"\n1,"a,b"\n');
    expect(header.records[0]?.fields).toEqual({ id: '1', 'first\nname': 'a,b' });
    expect(header.notices).toEqual([]);
  });

  it('names first, among records spanning lines, those holding a line shaped like a record, not notes typed on several lines', async () => {
    // Line 2 is a note on two lines (one comma on its second line); line 4's quote, left open, took line 5's
    // record (three commas, as many as a record has): that is the one to look at.
    const { records, notices } = await read(
      'notes.csv',
      'id,name,city,note\nK1,Martin,Paris,"Called, no answer\ncall back"\nK2,Petit,Lyon,ok\nK3,Durand,Nice,"late\nK4,Morel,Caen,paid"\n',
    );
    expect(records.map((record) => record.fields.id)).toEqual(['K1', 'K2', 'K3']);
    expect(notices).toEqual([
      swallowedNotice('notes.csv', '2 records (at lines 2, 5) span', '1 of them (at line 5) hold', 5),
    ]);
    // Notes alone say so, with a count past a thousand written as such.
    const notes = Array.from({ length: 1200 }, (_, index) => `${index},"note\non two lines",Paris\n`).join(
      '',
    );
    const many = await read('many-notes.csv', `id,note,city\n${notes}`);
    expect(many.notices).toEqual([
      multilineNotice('many-notes.csv', '1,200 records (at lines 2, 4, 6, 8, 10 and 1,195 more) span', 2),
    ]);
  });

  it('rejects a stray quote after a quoted value, even when it would swallow later lines', async () => {
    const { records } = await read(
      'stray.csv',
      'id,name,city\n1,"Dup"ont,Paris\n2,Martin,"Lyon"\n3,Durand,Nice\n',
    );
    expect(records.map(summary)).toEqual([
      { fields: {}, line: 2, record: 1, reason: RejectReason.MALFORMED_ROW },
      { fields: { id: '2', name: 'Martin', city: 'Lyon' }, line: 3, record: 2, reason: undefined },
      { fields: { id: '3', name: 'Durand', city: 'Nice' }, line: 4, record: 3, reason: undefined },
    ]);
    expect(records[0]?.raw).toBe('1,"Dup"ont,Paris');
  });

  it('keeps a quote inside an unquoted value as data (inches, nicknames)', async () => {
    const { records } = await read('inches.csv', 'id,screen\n1,15" laptop\n');
    expect(records.map(summary)).toEqual([
      { fields: { id: '1', screen: '15" laptop' }, line: 2, record: 1, reason: undefined },
    ]);
  });

  it('reads a UTF-8 file with one Windows-1252 line as UTF-8, that line as Windows-1252, and names it', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name,city\n1,Zoé,Orléans\n'),
      latin1('2,Bérard,Nîmes\n'),
      Buffer.from('3,Noël,Sète\n'),
    ]);
    const { records, notices } = await read('one-legacy-line.csv', bytes);
    expect(records.map(summary)).toEqual([
      { fields: { id: '1', name: 'Zoé', city: 'Orléans' }, line: 2, record: 1, reason: undefined },
      { fields: { id: '2', name: 'Bérard', city: 'Nîmes' }, line: 3, record: 2, reason: undefined },
      { fields: { id: '3', name: 'Noël', city: 'Sète' }, line: 4, record: 3, reason: undefined },
    ]);
    expect(notices).toEqual([legacyLinesNotice('one-legacy-line.csv', 'line 3 is', 3)]);
  });

  it('marks a row holding an invalid byte INVALID_ENCODING, naming the column, when the plan declares utf-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name,city\n1,Zoé,Orléans\n2,'),
      Buffer.from([0x42, 0xe9, 0x72, 0x61, 0x72, 0x64]), // "Bérard" with é as one Windows-1252 byte
      Buffer.from(',Nîmes\n3,Noël,Sète\n'),
    ]);
    const { records, notices } = await read('declared-corrupt.csv', bytes, { encoding: 'utf-8' });
    expect(records.map(summary)).toEqual([
      { fields: { id: '1', name: 'Zoé', city: 'Orléans' }, line: 2, record: 1, reason: undefined },
      {
        fields: { id: '2', name: 'B\uFFFDrard', city: 'Nîmes' },
        line: 3,
        record: 2,
        reason: RejectReason.INVALID_ENCODING,
      },
      { fields: { id: '3', name: 'Noël', city: 'Sète' }, line: 4, record: 3, reason: undefined },
    ]);
    expect(records[1]?.problem?.column).toBe('name');
    expect(notices).toEqual([]);
  });

  it('does not turn the UTF-8 rows of a file into mojibake when its Windows-1252 lines outnumber them', async () => {
    // Two exports pasted together: more legacy bytes than UTF-8 characters in the sample read the whole file as
    // Windows-1252 before, every UTF-8 row coming out as "MÃ¼ller", with one notice for the file.
    const bytes = Buffer.concat([
      Buffer.from('id;nom;ville\r\n1;Müller;Köln\r\n'),
      latin1('2;Hélène Bérard;Orléans\r\n3;Françoise Lefèvre;Besançon\r\n'),
      Buffer.from('4;Zoë Brontë;Besançon\r\n'),
      latin1('5;Jérôme Clément;Châlons\r\n'),
    ]);
    const { records, notices } = await read('pasted.csv', bytes);
    expect(records.map((record) => [record.fields.nom, record.fields.ville, record.problem])).toEqual([
      ['Müller', 'Köln', undefined],
      ['Hélène Bérard', 'Orléans', undefined],
      ['Françoise Lefèvre', 'Besançon', undefined],
      ['Zoë Brontë', 'Besançon', undefined],
      ['Jérôme Clément', 'Châlons', undefined],
    ]);
    expect(records[1]?.raw).toBe('2;Hélène Bérard;Orléans');
    expect(notices).toEqual([legacyLinesNotice('pasted.csv', 'lines 3, 4 and 6 are', 3)]);
  });

  it('reads the Windows-1252 lines of a large mixed file across read chunks, with quoted line breaks, and counts them', async () => {
    // 1.5 MB: blocks past the first MiB come in 64 KiB chunks; a legacy row every 1000 lines, with a CRLF inside
    // a quoted field: both its physical lines are legacy ones.
    const parts: Buffer[] = [Buffer.from('id,note,city\r\n')];
    const legacyLines: number[] = [];
    let line = 2;
    for (let index = 1; index <= 20000; index += 1) {
      if (index % 1000 === 0) {
        legacyLines.push(line, line + 1);
        parts.push(latin1(`${index},"crème\r\nbrûlée",Orléans\r\n`));
        line += 2;
      } else {
        parts.push(Buffer.from(`${index},note ${'é'.repeat(index % 30)},Orléans\r\n`));
        line += 1;
      }
    }
    const { records, notices } = await read('large-mixed.csv', Buffer.concat(parts));
    expect(records).toHaveLength(20000);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(records.filter((record) => record.fields.city !== 'Orléans')).toEqual([]);
    expect(records[998]?.fields).toEqual({
      id: '999',
      note: `note ${'é'.repeat(999 % 30)}`,
      city: 'Orléans',
    });
    expect(records[999]?.fields).toEqual({ id: '1000', note: 'crème\r\nbrûlée', city: 'Orléans' });
    expect(records[19999]?.fields.note).toBe('crème\r\nbrûlée');
    expect(records[19999]?.location.line).toBe(legacyLines.at(-2));
    expect(notices).toEqual([
      legacyLinesNotice(
        'large-mixed.csv',
        `lines ${legacyLines.slice(0, 5).join(', ')} and 35 more are`,
        legacyLines[0]!,
      ),
      multilineNotice(
        'large-mixed.csv',
        `20 records (at lines ${legacyLines
          .filter((_, index) => index % 2 === 0)
          .slice(0, 5)
          .join(', ')} and 15 more) span`,
        legacyLines[0]!,
      ),
    ]);
  });

  it('reads a legacy line past the first MiB of an all-UTF-8 start in the code page that line shows, not rejected', async () => {
    // The encoding is judged on the first MiB: here plain ASCII, as an export's first thousands of rows often are.
    const parts: Buffer[] = [Buffer.from('id,name,city\n')];
    let line = 2;
    for (let index = 1; index <= 50000; index += 1, line += 1)
      parts.push(Buffer.from(`${index},Martin ${index},Paris\n`));
    expect(Buffer.concat(parts).length).toBeGreaterThan(1024 * 1024);
    const latin1Line = line;
    parts.push(latin1('50001,Hélène Bérard,Orléans\n'), Buffer.from('50002,Zoé,Sète\n'));
    const { records, notices } = await read('late-legacy.csv', Buffer.concat(parts));
    expect(records).toHaveLength(50002);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(records.slice(-2).map(summary)).toEqual([
      {
        fields: { id: '50001', name: 'Hélène Bérard', city: 'Orléans' },
        line: latin1Line,
        record: 50001,
        reason: undefined,
      },
      {
        fields: { id: '50002', name: 'Zoé', city: 'Sète' },
        line: latin1Line + 1,
        record: 50002,
        reason: undefined,
      },
    ]);
    expect(notices).toEqual([legacyLinesNotice('late-legacy.csv', `line ${latin1Line} is`, latin1Line)]);

    // Which legacy code page is judged from that line: ISO-8859-15's œ next to letters.
    const iso = [...parts.slice(0, -2), iso885915('50001,Cœur,Orléans\n')];
    const late = await read('late-iso.csv', Buffer.concat(iso));
    expect(late.records.at(-1)?.fields).toEqual({ id: '50001', name: 'Cœur', city: 'Orléans' });
    expect(late.notices.map((notice) => notice.message)).toEqual([
      expect.stringContaining(`line ${latin1Line} is not valid UTF-8: read as ISO-8859-15`),
    ]);

    // A plan that declares utf-8 still rejects the line, naming it.
    const declared = await read('late-declared.csv', Buffer.concat(parts), { encoding: 'utf-8' });
    expect(declared.records.at(-2)?.problem?.reason).toBe(RejectReason.INVALID_ENCODING);
    expect(declared.notices).toEqual([]);
  });

  it('keeps line breaks and the last line of a mixed file as written: CR alone, no final newline', async () => {
    const rows = (newline: string, last: string) =>
      Buffer.concat([
        Buffer.from(`id,name${newline}1,Zoé${newline}`),
        latin1(`2,"Noël${newline}Bérard"${newline}`),
        last === 'legacy' ? latin1('3,Sète') : Buffer.from('3,Sète'),
      ]);
    for (const newline of ['\r', '\n', '\r\n']) {
      for (const last of ['legacy', 'utf-8']) {
        const { records, notices } = await read('ends.csv', rows(newline, last));
        expect(records.map(summary)).toEqual([
          { fields: { id: '1', name: 'Zoé' }, line: 2, record: 1, reason: undefined },
          { fields: { id: '2', name: `Noël${newline}Bérard` }, line: 3, record: 2, reason: undefined },
          { fields: { id: '3', name: 'Sète' }, line: 5, record: 3, reason: undefined },
        ]);
        const lines = last === 'legacy' ? 'lines 3, 4 and 5' : 'lines 3 and 4';
        expect(notices).toEqual([
          legacyLinesNotice('ends.csv', `${lines} are`, 3),
          multilineNotice('ends.csv', 'the record at line 3 spans', 3),
        ]);
      }
    }
  });

  it('reads a file with a UTF-8 byte-order mark and a Windows-1252 line as UTF-8 but for that line', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('id,name\n1,Zoe\n'),
      latin1('2,Noël\n'),
    ]);
    const { records, notices } = await read('bom-mixed.csv', bytes);
    expect(records.map((record) => record.fields)).toEqual([
      { id: '1', name: 'Zoe' },
      { id: '2', name: 'Noël' },
    ]);
    expect(notices.map((notice) => [notice.code, notice.line])).toEqual([['ENCODING_FALLBACK', 3]]);
  });

  it('reads a U+FFFD that the UTF-8 file holds as a character (EF BF BD), even split between read chunks', async () => {
    const small = await read('replacement.csv', Buffer.from('id,name\n1,A\uFFFDB\n2,ok\n'), {
      encoding: 'utf-8',
    });
    expect(small.records.map((record) => [record.fields.name, record.problem?.reason])).toEqual([
      ['A\uFFFDB', undefined],
      ['ok', undefined],
    ]);
    // 1.5 MB in rows of up to 100 bytes: past the first MiB, read chunks (64 KiB) may end inside a U+FFFD.
    const rows = ['id,note'];
    for (let index = 1; index <= 20000; index++)
      rows.push(`${index},${'x'.repeat(index % 90)}\uFFFD${'y'.repeat(5)}`);
    const large = await read('replacements.csv', Buffer.from(rows.join('\n') + '\n'));
    expect(large.records).toHaveLength(20000);
    expect(large.records.filter((record) => record.problem !== undefined)).toEqual([]);
    // A file holding both errs on the safe side: from the read chunk of an invalid byte on, every row with U+FFFD is
    // rejected, the character's row too (one chunk here: the first MiB is read as one).
    const both = await read(
      'both.csv',
      Buffer.concat([
        Buffer.from('id,name\n1,A\uFFFDB\n2,ok\n3,B'),
        Buffer.from([0xe9]),
        Buffer.from('rard\n'),
      ]),
      { encoding: 'utf-8' },
    );
    expect(both.records.map((record) => record.problem?.reason)).toEqual([
      RejectReason.INVALID_ENCODING,
      undefined,
      RejectReason.INVALID_ENCODING,
    ]);
  });

  it('keeps a U+FFFD the file holds on a line across the end of the first MiB, and rejects a last character cut short', async () => {
    // Read past the sample line by line (a legacy line may come), a line's text comes with a later chunk than its
    // bytes: the character was taken for a decoding loss and its row rejected INVALID_ENCODING.
    // The head's size kept as it grows (ASCII: a character is a byte): measured anew each line, it took 20 s.
    let head = 'id,name\n';
    let headBytes = head.length;
    let id = 0;
    while (headBytes < 1024 * 1024 - 40) {
      const line = `${++id},Martin ${id}\n`;
      head += line;
      headBytes += line.length;
    }
    const across = `${++id},X\uFFFD${'y'.repeat(1024 * 1024 - headBytes + 20)}\n`;
    let rest = '';
    for (let row = 0; row < 2000; row++) rest += `${++id},Durand ${id}\n`;
    const large = await read('fffd-across.csv', Buffer.from(head + across + rest));
    expect(large.records).toHaveLength(id);
    expect(large.records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(large.notices).toEqual([]);
    // A whole file that ends inside a character: that row is rejected, not read in a legacy code page.
    const cut = await read(
      'cut.csv',
      Buffer.concat([Buffer.from('id,name\n1,Zoé\n2,caf'), Buffer.from([0xc3])]),
    );
    expect(cut.records.map((record) => record.problem?.reason)).toEqual([
      undefined,
      RejectReason.INVALID_ENCODING,
    ]);
    expect(cut.notices).toEqual([]);
  });

  it('reads the UTF-16 tab-separated text that Excel saves as "Unicode text", by its byte-order mark', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('id\tnom\r\n1\tZoé Noël\r\n', 'utf16le'),
    ]);
    const { records, notices } = await read('unicode.txt', bytes);
    expect(records.map(summary)).toEqual([
      { fields: { id: '1', nom: 'Zoé Noël' }, line: 2, record: 1, reason: undefined },
    ]);
    expect(notices).toEqual([]);
  });

  it('reads UTF-16 written without byte-order mark (bcp -w), LE or BE, by the NUL bytes of its header, and says so', async () => {
    // Before, it was read as UTF-8: every column name held NULs, and the dossier stopped for want of its columns.
    const text = 'id,nom\r\n1,Zoé Noël\r\n2,Łukasz\r\n';
    const little = await read('bcp-le.csv', Buffer.from(text, 'utf16le'));
    const big = await read('bcp-be.csv', Buffer.from(text, 'utf16le').swap16());
    for (const [{ records }, encoding] of [
      [little, 'UTF-16LE'],
      [big, 'UTF-16BE'],
    ] as const) {
      expect(records.map(summary), encoding).toEqual([
        { fields: { id: '1', nom: 'Zoé Noël' }, line: 2, record: 1, reason: undefined },
        { fields: { id: '2', nom: 'Łukasz' }, line: 3, record: 2, reason: undefined },
      ]);
    }
    expect(little.notices).toEqual([
      {
        code: 'ENCODING_UTF16',
        message: 'bcp-le.csv is UTF-16LE without byte-order mark (its NUL bytes say so): read as such',
      },
    ]);
    expect(big.notices.map((notice) => notice.message)).toEqual([
      'bcp-be.csv is UTF-16BE without byte-order mark (its NUL bytes say so): read as such',
    ]);
  });

  it('reads a DOS export in IBM 850 when its letters inside words say so, and names it in the notice', async () => {
    const { records, notices } = await read(
      'dos.csv',
      ibm850('id;nom;ville\r\n1;Société Générale;Orléans\r\n2;CRÈCHE;Nîmes\r\n'),
    );
    expect(records.map((record) => record.fields)).toEqual([
      { id: '1', nom: 'Société Générale', ville: 'Orléans' },
      { id: '2', nom: 'CRÈCHE', ville: 'Nîmes' },
    ]);
    expect(notices.map((notice) => notice.message)).toEqual([
      expect.stringContaining('dos.csv is not valid UTF-8: read as IBM 850 (DOS) (byte 0x82 reads "Société"'),
    ]);
    const declared = await read('dos-declared.csv', ibm850('id;nom\n1;Crédit\n'), { encoding: 'ibm850' });
    expect(declared.records[0]?.fields).toEqual({ id: '1', nom: 'Crédit' });
  });

  it('reads the five bytes Windows-1252 leaves undefined as the C1 controls of the same number, rejecting nothing', async () => {
    // iconv-lite made them U+FFFD, so the row was rejected INVALID_ENCODING and its bytes lost from the ledger.
    const bytes = Buffer.concat([
      latin1('id;note\n1;Caf\u00e9 '),
      Buffer.from([0x81, 0x8d, 0x8f, 0x90, 0x9d]),
      latin1('\n'),
    ]);
    for (const encoding of ['windows-1252', 'auto'] as const) {
      const { records } = await read(`undefined-${encoding}.csv`, bytes, { encoding });
      expect(records.map(summary)).toEqual([
        {
          fields: { id: '1', note: 'Café \u0081\u008d\u008f\u0090\u009d' },
          line: 2,
          record: 1,
          reason: undefined,
        },
      ]);
    }
  });

  it('honours a declared encoding instead of guessing', async () => {
    const utf8 = await read('declared-1252.csv', 'id,name\n1,Zoé\n', { encoding: 'windows-1252' });
    expect(utf8.records[0]?.fields).toEqual({ id: '1', name: 'ZoÃ©' });
    const legacy = await read('declared-utf8.csv', latin1('id,name\n1,Zoé\n'), { encoding: 'utf-8' });
    expect(legacy.records.map(summary)).toEqual([
      { fields: { id: '1', name: 'Zo\uFFFD' }, line: 2, record: 1, reason: RejectReason.INVALID_ENCODING },
    ]);
    const euro = await read(
      'declared-885915.csv',
      Buffer.from([...Buffer.from('id,price\n1,12'), 0xa4, 0x0a]),
      {
        encoding: 'iso-8859-15',
      },
    );
    expect(euro.records[0]?.fields).toEqual({ id: '1', price: '12€' });
    const latin = await read(
      'declared-88591.csv',
      Buffer.from([...Buffer.from('id,price\n1,12'), 0xa4, 0x0a]),
      {
        encoding: 'iso-8859-1',
      },
    );
    expect(latin.records[0]?.fields).toEqual({ id: '1', price: '12¤' });
  });

  it('gives no records and an EMPTY_FILE notice for a 0-byte file and for a header-only file', async () => {
    const empty = await read('empty.csv', '');
    expect(empty.records).toEqual([]);
    expect(empty.notices.map((notice) => notice.code)).toEqual(['EMPTY_FILE']);
    const headerOnly = await read('header-only.csv', 'id,name\r\n');
    expect(headerOnly.records).toEqual([]);
    expect(headerOnly.notices.map((notice) => notice.code)).toEqual(['EMPTY_FILE']);
  });

  it('does not turn blank lines into records, and reports blank lines found between records', async () => {
    const trailing = await read('trailing.csv', 'id,name\n1,a\n\n\n');
    expect(trailing.records.map(summary)).toEqual([
      { fields: { id: '1', name: 'a' }, line: 2, record: 1, reason: undefined },
    ]);
    expect(trailing.notices).toEqual([]);
    const inside = await read('inside.csv', 'id,name\n1,a\n\n2,b\n');
    expect(inside.records.map(summary)).toEqual([
      { fields: { id: '1', name: 'a' }, line: 2, record: 1, reason: undefined },
      { fields: { id: '2', name: 'b' }, line: 4, record: 2, reason: undefined },
    ]);
    expect(inside.notices).toEqual([
      { code: 'BLANK_LINES', message: 'inside.csv: 1 blank line skipped (the first at line 3)', line: 3 },
    ]);
  });

  it('takes a row of separators only (Excel leaves them under an export) for a blank line, not for a record', async () => {
    // Before, each was a record rejected MISSING_SOURCE_KEY, counting towards the dossier's threshold.
    const cleared = await read('cleared.csv', 'id;name;city\r\n1;a;Lyon\r\n;;\r\n2;b;\r\n;;\r\n;;\r\n');
    expect(cleared.records.map(summary)).toEqual([
      { fields: { id: '1', name: 'a', city: 'Lyon' }, line: 2, record: 1, reason: undefined },
      { fields: { id: '2', name: 'b', city: '' }, line: 4, record: 2, reason: undefined },
    ]);
    expect(cleared.notices).toEqual([
      { code: 'BLANK_LINES', message: 'cleared.csv: 1 blank line skipped (the first at line 3)', line: 3 },
    ]);
    // A value of spaces is a value: that row is a record (rejected for its blank key by the load).
    const spaced = await read('spaced.csv', 'id,name\n1,a\n , \n');
    expect(spaced.records).toHaveLength(2);
  });

  it('detects tab and pipe delimiters, and is not fooled by delimiters inside quotes', async () => {
    const tab = await read('tab.tsv', 'id\tname\n1\tDupont, Jean\n');
    expect(tab.records[0]?.fields).toEqual({ id: '1', name: 'Dupont, Jean' });
    const pipe = await read('pipe.txt', 'id|name\n1|a;b\n2|c;d\n');
    expect(pipe.records[0]?.fields).toEqual({ id: '1', name: 'a;b' });
    const quoted = await read('quoted-semicolons.csv', 'id,label\n1,"a;b;c;d"\n2,"e;f;g;h"\n');
    expect(quoted.records[1]?.fields).toEqual({ id: '2', label: 'e;f;g;h' });
  });

  it('uses a declared delimiter even when another one looks more likely', async () => {
    const { records } = await read('declared.csv', 'a;b,c\n1;2,3\n', { delimiter: ',' });
    expect(records[0]?.fields).toEqual({ 'a;b': '1;2', c: '3' });
  });

  it("takes Excel's `sep=;` first line, after a byte-order mark, for the delimiter and not for the header", async () => {
    // Before, `sep=` and an empty name were the columns: the dossier stopped, no column the plan reads being there.
    const excel = await read(
      'excel.csv',
      Buffer.from('\uFEFFsep=;\r\nid;name;amount\r\n1;Dupont, Jean;1 234,56\r\n', 'utf8'),
    );
    expect(excel.records.map(summary)).toEqual([
      {
        fields: { id: '1', name: 'Dupont, Jean', amount: '1 234,56' },
        line: 3,
        record: 1,
        reason: undefined,
      },
    ]);
    expect(excel.notices).toEqual([]);
    // Any delimiter, in any case; a delimiter of the plan still wins, and the line is still no header.
    const tab = await read('excel-tab.csv', 'SEP=\t\nid\tname\n1\ta;b\n');
    expect(tab.records[0]?.fields).toEqual({ id: '1', name: 'a;b' });
    const declared = await read('excel-declared.csv', 'sep=;\nid,name\n1,a;b\n', { delimiter: ',' });
    expect(declared.records[0]?.fields).toEqual({ id: '1', name: 'a;b' });
    // A header that only starts like one is a header.
    const header = await read('sep-column.csv', 'sep=;x\n1;2\n');
    expect(header.records[0]?.fields).toEqual({ 'sep=': '1', x: '2' });
  });

  it('renames repeated and empty column names instead of letting one value overwrite another', async () => {
    const { records, notices } = await read('dupes.csv', 'email,,email\nx@a.fr,?,y@b.fr\n');
    expect(records[0]?.fields).toEqual({ email: 'x@a.fr', _column2: '?', email_2: 'y@b.fr' });
    expect(notices.map((notice) => notice.code)).toEqual(['HEADER_RENAMED', 'HEADER_RENAMED']);
  });

  it('yields batches of the requested size', async () => {
    const rows = Array.from({ length: 12 }, (_, index) => `${index + 1},v${index + 1}`);
    const text = `id,v\n${rows.join('\n')}\n`;
    const file = await writeFixture(dir, 'batches.csv', text);
    const source = csvSource(spec(), file);
    const { records, batchSizes } = await readAll(source, { batchSize: 5 });
    expect(batchSizes).toEqual([5, 5, 2]);
    expect(records.map((record) => record.location.record)).toEqual(
      Array.from({ length: 12 }, (_, index) => index + 1),
    );
    expect(source.progress?.()).toEqual({ bytesRead: text.length, bytesTotal: text.length });
  });

  it('cuts batches of very wide rows short of the batch size, so a batch stays a bounded size in memory', async () => {
    // 20,000 columns: 5,000 such rows in one batch held 1.8 GB; the batch's weight (values and raw text) ends it.
    const width = 20_000;
    const header = Array.from({ length: width }, (_, index) => `c${index}`).join(',');
    const rows = Array.from({ length: 120 }, (_, row) =>
      Array.from({ length: width }, (_, column) => (column === 0 ? String(row + 1) : '')).join(','),
    );
    const file = await writeFixture(dir, 'wide.csv', `${header}\n${rows.join('\n')}\n`);
    const { records, batchSizes } = await readAll(csvSource(spec(), file), { batchSize: 5000 });
    expect(records).toHaveLength(120);
    expect(records.map((record) => record.fields.c0)).toEqual(rows.map((_, row) => String(row + 1)));
    expect(batchSizes.length).toBeGreaterThan(1);
    // 32 per value plus the raw characters: 16M reached after 16,777,216 / (20,000 * 33) = 25.4 rows.
    expect(Math.max(...batchSizes)).toBe(26);
  });

  it('keeps line numbers and characters right across read chunks in a large file', async () => {
    // Multi-line quoted fields and two-byte characters fall on chunk boundaries somewhere in 400 KB.
    const rows: string[] = ['id,note,city'];
    const expectedLines: number[] = [];
    let line = 2;
    for (let index = 1; index <= 6000; index += 1) {
      expectedLines.push(line);
      const multiLine = index % 7 === 0;
      rows.push(
        `${index},${multiLine ? '"première ligne\nseconde, ligne"' : `note n°${index} ${'é'.repeat(index % 40)}`},Orléans`,
      );
      line += multiLine ? 2 : 1;
    }
    const { records } = await read('large.csv', rows.join('\r\n') + '\r\n');
    expect(records).toHaveLength(6000);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(records.map((record) => record.location.line)).toEqual(expectedLines);
    expect(records[6]?.fields).toEqual({ id: '7', note: 'première ligne\nseconde, ligne', city: 'Orléans' });
    expect(records[5997]?.fields).toEqual({
      id: '5998',
      note: `note n°5998 ${'é'.repeat(5998 % 40)}`,
      city: 'Orléans',
    });
  });

  it('throws FILE_NOT_FOUND naming the file when it is missing', async () => {
    const source = csvSource(spec(), { path: `${dir}/nowhere.csv`, relative: 'nowhere.csv' });
    const error = await rejection(readAll(source));
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe(ErrorCode.FILE_NOT_FOUND);
    expect((error as CutoverError).message).toBe('nowhere.csv: the file does not exist');
  });

  it('stops with an AbortError when the read is aborted', async () => {
    const file = await writeFixture(dir, 'abort.csv', 'id\n1\n2\n');
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(readAll(csvSource(spec(), file), { signal: controller.signal }));
    expect((error as Error).name).toBe('AbortError');
  });
});
