import path from 'node:path';
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xlsxSource, type XlsxSourceSpec } from '../../../src/connectors/files/xlsx-source.js';
import { CutoverError, ErrorCode } from '../../../src/core/errors.js';
import { RejectReason } from '../../../src/core/reject-reasons.js';
import { makeTempDir, readAll, rejection, writeFixture } from './file-fixtures.js';
import { writeXmlWorkbook } from './xlsx-fixtures.js';

let dir = '';
let cleanup = async () => {};
let workbookFile = { path: '', relative: 'clients.xlsx' };

const spec = (sheet?: string): XlsxSourceSpec => ({
  type: 'xlsx',
  path: 'unused',
  ...(sheet === undefined ? {} : { sheet }),
});

/** A workbook as people make them: typed values, formats, formulas, gaps, and a second tab. */
const writeWorkbook = async (target: string): Promise<void> => {
  const workbook = new ExcelJS.Workbook();
  const clients = workbook.addWorksheet('Clients');
  clients.addRow(['id', 'name', 'signed', 'amount', 'active', 'note', 'total', 'site']);
  clients.addRow([1, 'Dupont', new Date(Date.UTC(2024, 2, 5)), 1234.56, true, null, null, null]);
  clients.getCell('C2').numFmt = 'dd/mm/yyyy';
  clients.getCell('F2').value = {
    richText: [{ text: 'très ' }, { text: 'important', font: { bold: true } }],
  };
  clients.getCell('G2').value = { formula: 'D2*2', result: 2469.12 };
  clients.getCell('H2').value = { text: 'site web', hyperlink: 'https://example.com' };
  // Row 3: an empty cell in the middle (name), a date-time, binary noise, tiny and huge numbers, an error value.
  clients.addRow([
    2,
    null,
    new Date(Date.UTC(2024, 0, 15, 9, 30, 0)),
    0.1 + 0.2,
    false,
    1e-7,
    { error: '#N/A' },
    1e21,
  ]);
  clients.getCell('C3').numFmt = 'dd/mm/yyyy hh:mm';
  clients.addRow([]);
  // Row 5 has a value right of the header's last column.
  clients.addRow([3, 'Martin', null, 10, null, null, null, null, 'stray']);
  // A formula whose result is a date serial, shown as a date.
  clients.addRow([4, 'Durand', { formula: 'DATE(2023,12,31)', result: 45291 }]);
  clients.getCell('C6').numFmt = 'yyyy-mm-dd';

  const other = workbook.addWorksheet('Autre feuille');
  other.addRow(['code', 'label']);
  other.addRow(['A', 'Alpha']);
  await workbook.xlsx.writeFile(target);
};

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
  const target = path.join(dir, 'clients.xlsx');
  await writeWorkbook(target);
  workbookFile = { path: target, relative: 'clients.xlsx' };
});
afterAll(() => cleanup());

describe('xlsxSource', () => {
  it('reads the first sheet with every value as text: dates ISO, numbers plain, rich text flat, formula results', async () => {
    const source = xlsxSource(spec(), workbookFile);
    const { records } = await readAll(source);
    expect(records[0]).toEqual({
      fields: {
        id: '1',
        name: 'Dupont',
        signed: '2024-03-05',
        amount: '1234.56',
        active: 'true',
        note: 'très important',
        total: '2469.12',
        site: 'site web',
      },
      location: { source: 'clients.xlsx', sheet: 'Clients', line: 2, record: 1 },
    });
    expect(records[1]?.fields).toEqual({
      id: '2',
      name: '',
      signed: '2024-01-15T09:30:00.000Z',
      amount: '0.3',
      active: 'false',
      note: '0.0000001',
      total: '#N/A',
      site: '1000000000000000000000',
    });
    expect(records[3]?.fields).toMatchObject({ id: '4', signed: '2023-12-31' });
    // The header's columns, for the plan's column check, once read.
    expect(source.columns?.()).toEqual(['id', 'name', 'signed', 'amount', 'active', 'note', 'total', 'site']);
  });

  it('reads dates before March 1900 as Excel shows them, around its phantom 29 February 1900', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Dates');
    sheet.addRow(['serial', 'date']);
    for (const serial of [1, 59, 60, 61, 45291]) {
      const row = sheet.addRow([serial, serial]);
      row.getCell(2).numFmt = 'dd/mm/yyyy';
    }
    sheet.addRow([60.5, { formula: 'A7', result: 60.5 }]).getCell(2).numFmt = 'dd/mm/yyyy hh:mm';
    const file = path.join(dir, 'dates.xlsx');
    await workbook.xlsx.writeFile(file);
    const { records } = await readAll(xlsxSource(spec(), { path: file, relative: 'dates.xlsx' }));
    expect(records.map((record) => [record.fields.serial, record.fields.date])).toEqual([
      ['1', '1900-01-01'], // a placeholder of legacy data; read as 1899-12-31 before
      ['59', '1900-02-28'],
      ['60', '1900-02-29'], // the day Excel counts and the calendar has not: a date column refuses it
      ['61', '1900-03-01'],
      ['45291', '2023-12-31'],
      ['60.5', '1900-02-29'],
    ]);
  });

  it('reads times of day as HH:mm:ss and elapsed times as [h]:mm:ss, not as date-times of 1899-12-30', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Heures');
    sheet.addRow(['case', 'value']);
    const cases: [string, ExcelJS.CellValue, string][] = [
      ['noon', 0.5, 'hh:mm'],
      ['evening', 0.75, 'h:mm AM/PM'],
      ['midnight', 0, 'mm:ss'],
      ['seconds', 0.5 + 0.5 / 86_400, 'h:mm:ss'],
      ['elapsed', 1.5, '[h]:mm:ss'],
      ['elapsed minutes', 0.5, '[mm]:ss'],
      ['elapsed negative', -0.25, '[h]:mm'],
      ['time negative', -0.25, 'hh:mm'],
      ['time with its day', 45291.5, 'hh:mm'],
      ['formula', { formula: 'A1', result: 0.25 }, 'h:mm'],
      ['date', 45291, 'dd/mm/yyyy'],
      ['date-time', 45291.5, 'dd/mm/yyyy hh:mm'],
      ['month', 45291, 'mmmm'],
      ['hours as text', 1.5, '0.0 "h"'],
    ];
    for (const [name, value, format] of cases) sheet.addRow([name, value]).getCell(2).numFmt = format;
    const file = path.join(dir, 'times.xlsx');
    await workbook.xlsx.writeFile(file);
    const { records } = await readAll(xlsxSource(spec(), { path: file, relative: 'times.xlsx' }));
    expect(Object.fromEntries(records.map((record) => [record.fields.case, record.fields.value]))).toEqual({
      noon: '12:00:00',
      evening: '18:00:00',
      midnight: '00:00:00',
      seconds: '12:00:00.500',
      elapsed: '36:00:00',
      'elapsed minutes': '12:00:00',
      'elapsed negative': '-06:00:00',
      // Excel shows ####: no time of day, the number as stored.
      'time negative': '-0.25',
      // A day the format does not show is kept.
      'time with its day': '2023-12-31T12:00:00.000Z',
      formula: '06:00:00',
      date: '2023-12-31',
      'date-time': '2023-12-31T12:00:00.000Z',
      month: '2023-12-31',
      'hours as text': '1.5',
    });
  });

  it('reads a time of day the same in a workbook of the 1904 date system', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.properties.date1904 = true;
    const sheet = workbook.addWorksheet('Heures');
    sheet.addRow(['time', 'date']);
    const row = sheet.addRow([0.5, 1]);
    row.getCell(1).numFmt = 'hh:mm:ss';
    row.getCell(2).numFmt = 'yyyy-mm-dd';
    const file = path.join(dir, 'times-1904.xlsx');
    await workbook.xlsx.writeFile(file);
    const { records } = await readAll(xlsxSource(spec(), { path: file, relative: 'times-1904.xlsx' }));
    expect(records[0]?.fields).toEqual({ time: '12:00:00', date: '1904-01-02' });
  });

  it("reads a formula's error result as its code (#DIV/0!), and counts the formulas saved without a computed value", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Totals');
    sheet.addRow(['id', 'ratio', 'total']);
    sheet.addRow([1, { formula: '1/0', result: { error: '#DIV/0!' } }, { formula: '1+1', result: 2 }]);
    sheet.addRow([2, { formula: 'NA()', result: { error: '#N/A' } }, { error: '#REF!' }]);
    // Saved without calculating: a formula and no value.
    sheet.addRow([3, { formula: 'B2*2' }, { formula: 'C2*2' }]);
    const file = path.join(dir, 'formula-errors.xlsx');
    await workbook.xlsx.writeFile(file);
    const source = xlsxSource(spec(), { path: file, relative: 'formula-errors.xlsx' });
    const { records } = await readAll(source);
    // exceljs's own sheet reader lost a formula's error result (read empty); the sheet shows it.
    expect(records.map((record) => [record.fields.ratio, record.fields.total])).toEqual([
      ['#DIV/0!', '2'],
      ['#N/A', '#REF!'],
      ['', ''],
    ]);
    expect(source.notices?.()).toContainEqual({
      code: 'XLSX_FORMULA_WITHOUT_VALUE',
      message:
        'formula-errors.xlsx sheet Totals: 2 formula cells have no computed value (a workbook saved without calculating), first B4: read as empty',
    });
  });

  it('reads rows and cells written without their optional reference (r) in the order written', async () => {
    // ECMA-376 makes a row's and a cell's r optional, and some tools leave them out: a row then follows the row
    // before, a cell the cell before. exceljs's sheet reader failed on both (exit 4, "Cannot read properties of
    // undefined (reading 'length')", "Invalid Address: ANaN").
    const file = path.join(dir, 'no-references.xlsx');
    await writeXmlWorkbook(file, {
      rows:
        '<row><c t="inlineStr"><is><t>id</t></is></c><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>city</t></is></c></row>' +
        '<row><c><v>1</v></c><c t="inlineStr"><is><t>Dupont</t></is></c><c t="inlineStr"><is><t>Paris</t></is></c></row>' +
        // A row without r whose cells name theirs (rows and cells numbered, rows not): line 5.
        '<row><c r="A5"><v>2</v></c><c r="C5" t="inlineStr"><is><t>Lyon</t></is></c></row>' +
        // Cells without r after one that has it: C then D, right of the header.
        '<row r="7"><c r="A7"><v>3</v></c><c r="C7" t="inlineStr"><is><t>Nice</t></is></c><c t="inlineStr"><is><t>stray</t></is></c></row>' +
        '<row><c/><c t="inlineStr"><is><t>Martin</t></is></c><c t="inlineStr"><is><t>Lille</t></is></c></row>',
    });
    const source = xlsxSource(spec(), { path: file, relative: 'no-references.xlsx' });
    const { records } = await readAll(source);
    expect(records.map((record) => [record.location.line, record.fields])).toEqual([
      [2, { id: '1', name: 'Dupont', city: 'Paris' }],
      [5, { id: '2', name: '', city: 'Lyon' }],
      [7, { id: '3', name: '', city: 'Nice', _extra: { D: 'stray' } }],
      [8, { id: '', name: 'Martin', city: 'Lille' }],
    ]);
    expect(records[2]?.problem?.reason).toBe(RejectReason.WRONG_COLUMN_COUNT);
  });

  it('refuses a cell reference that names no cell, naming the file, sheet and row', async () => {
    const file = path.join(dir, 'bad-reference.xlsx');
    await writeXmlWorkbook(file, {
      rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="2A"><v>1</v></c></row>',
    });
    const error = await rejection(
      readAll(xlsxSource(spec(), { path: file, relative: 'bad-reference.xlsx' })),
    );
    expect((error as CutoverError).code).toBe(ErrorCode.SOURCE_FAILED);
    expect((error as CutoverError).message).toBe(
      'bad-reference.xlsx: cannot read the workbook: sheet Feuil1, row 2: a cell named "2A", not a cell reference such as B12',
    );
  });

  it("reads an inline string's text and its runs' text, not its phonetic guide (rPh), nor a character cut by the chunks", async () => {
    const file = path.join(dir, 'inline.xlsx');
    // Long accented texts: the XML reaches the reader in chunks that cut some of their two-byte characters.
    const long = (row: number) => `${'é'.repeat(997 + (row % 3))} ${row}`;
    const rows = Array.from(
      { length: 400 },
      (_, index) =>
        `<row r="${index + 4}"><c r="A${index + 4}"><v>${index + 3}</v></c><c r="B${index + 4}" t="inlineStr"><is><t>${long(index)}</t></is></c></row>`,
    );
    await writeXmlWorkbook(file, {
      rows:
        '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>' +
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><r><t xml:space="preserve">très </t></r><r><rPr><b/></rPr><t>important</t></r></is></c></row>' +
        '<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="inlineStr"><is><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></is></c></row>' +
        rows.join(''),
    });
    const { records } = await readAll(xlsxSource(spec(), { path: file, relative: 'inline.xlsx' }));
    expect(records.slice(0, 2).map((record) => record.fields.name)).toEqual(['très important', '東京']);
    const misread = records.slice(2).filter((record, index) => record.fields.name !== long(index));
    expect(misread.map((record) => record.location.line)).toEqual([]);
    expect(records).toHaveLength(402);
  });

  it("reads shared strings, inline strings and a formula's text as Excel means them: _xHHHH_ decoded, phonetic guides left out", async () => {
    const file = path.join(dir, 'excel-strings.xlsx');
    await writeXmlWorkbook(file, {
      sharedStrings: [
        '<t>id</t>',
        '<t>text</t>',
        '<t xml:space="preserve">12 rue X_x000D_\n75001 Paris</t>',
        '<t>A_x0009_B</t>',
        '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>',
        '<t>_x005F_x000D_</t>',
      ],
      rows:
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        [2, 3, 4, 5]
          .map(
            (index) =>
              `<row r="${index}"><c r="A${index}"><v>${index - 1}</v></c><c r="B${index}" t="s"><v>${index}</v></c></row>`,
          )
          .join('') +
        '<row r="6"><c r="A6"><v>5</v></c><c r="B6" t="inlineStr"><is><t>C_x0009_D</t><rPh sb="0" eb="1"><t>シー</t></rPh></is></c></row>' +
        '<row r="7"><c r="A7"><v>6</v></c><c r="B7" t="str"><f>B2</f><v>12 rue X_x000D_\n75001 Paris</v></c></row>',
      sheetFirst: true,
    });
    const { records } = await readAll(xlsxSource(spec(), { path: file, relative: 'excel-strings.xlsx' }));
    expect(records.map((record) => record.fields.text)).toEqual([
      '12 rue X\r\n75001 Paris',
      'A\tB',
      '東京',
      '_x000D_',
      'C\tD',
      '12 rue X\r\n75001 Paris',
    ]);
  });

  it('names the merged cell ranges of the sheet read, whose cells but the first read as empty', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Groupes');
    sheet.addRow(['id', 'company', 'contact']);
    sheet.addRow([1, 'Acme', 'Anne']);
    sheet.addRow([2, null, 'Bruno']);
    sheet.addRow([3, null, 'Chloé']);
    sheet.mergeCells('B2:B4');
    for (let row = 5; row <= 10; row++) {
      sheet.addRow([row - 1, `Société ${row}`, `Contact ${row}`]);
      sheet.mergeCells(`B${row}:C${row}`);
    }
    // The other tab's merged ranges are not this sheet's.
    workbook.addWorksheet('Autre').mergeCells('A1:A2');
    const file = path.join(dir, 'merged.xlsx');
    await workbook.xlsx.writeFile(file);
    const source = xlsxSource(spec(), { path: file, relative: 'merged.xlsx' });
    const { records } = await readAll(source);
    expect(records.slice(0, 4).map((record) => record.fields)).toEqual([
      { id: '1', company: 'Acme', contact: 'Anne' },
      { id: '2', company: '', contact: 'Bruno' },
      { id: '3', company: '', contact: 'Chloé' },
      { id: '4', company: 'Société 5', contact: '' },
    ]);
    expect(source.notices?.()).toContainEqual({
      code: 'XLSX_MERGED_CELLS',
      message:
        "merged.xlsx sheet Groupes: 7 merged cell ranges (B2:B4, B5:C5, B6:C6, B7:C7, B8:C8 and 2 more): Excel keeps a merged range's value in its first cell only, so its other cells read as empty; unmerge and fill them in the workbook to give every row its value",
    });
    const plain = xlsxSource(spec(), workbookFile);
    await readAll(plain);
    expect(plain.notices?.().map((notice) => notice.code)).not.toContain('XLSX_MERGED_CELLS');
  });

  it('passes over a gap of rows in one step, and keeps of a far cell only the cell (raw record bounded)', async () => {
    // A few bytes can name row 900000000000000 or column XFD: counting the gap row by row hung the read, and the
    // extra cells came out as an array of 16,000 empty values per row.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Far');
    sheet.addRow(['id', 'name']);
    sheet.addRow(['1', 'a']).getCell(16384).value = 'x';
    const written = await JSZip.loadAsync(await workbook.xlsx.writeBuffer());
    const sheetPart = 'xl/worksheets/sheet1.xml';
    const xml = await written.file(sheetPart)!.async('string');
    // Rezipped with the worksheet last, as Excel writes a workbook: the streaming reader then meets the workbook's
    // parts first and never has to park the sheet (which it does for the order exceljs writes, not always well).
    const rezipped = new JSZip();
    const parts = Object.keys(written.files).filter((name) => !written.files[name]!.dir);
    for (const name of [...parts.filter((name) => name !== sheetPart), sheetPart]) {
      rezipped.file(
        name,
        name === sheetPart
          ? xml.replace(
              '</sheetData>',
              '<row r="900000000000000"><c r="A900000000000000" t="inlineStr"><is><t>3</t></is></c><c r="B900000000000000" t="inlineStr"><is><t>c</t></is></c></row></sheetData>',
            )
          : await written.file(name)!.async('nodebuffer'),
      );
    }
    const file = path.join(dir, 'far.xlsx');
    await writeFile(file, await rezipped.generateAsync({ type: 'nodebuffer' }));
    const { records } = await readAll(xlsxSource(spec(), { path: file, relative: 'far.xlsx' }));
    expect(records.map((record) => [record.location.line, record.fields, record.problem?.reason])).toEqual([
      [2, { id: '1', name: 'a', _extra: { XFD: 'x' } }, RejectReason.WRONG_COLUMN_COUNT],
      [900000000000000, { id: '3', name: 'c' }, undefined],
    ]);
  }, 20_000);

  it('skips empty rows, keeping the sheet row number as the line', async () => {
    const source = xlsxSource(spec(), workbookFile);
    const { records } = await readAll(source);
    expect(records.map((record) => [record.location.line, record.location.record])).toEqual([
      [2, 1],
      [3, 2],
      [5, 3],
      [6, 4],
    ]);
    expect(source.notices?.()).toEqual([
      {
        code: 'BLANK_LINES',
        message: 'clients.xlsx sheet Clients: 1 blank line skipped (the first at line 4)',
        line: 4,
      },
    ]);
  });

  it('marks a row with a value right of the header WRONG_COLUMN_COUNT, naming the column', async () => {
    const { records } = await readAll(xlsxSource(spec(), workbookFile));
    expect(records[2]?.problem).toEqual({
      reason: RejectReason.WRONG_COLUMN_COUNT,
      message: "a value in column I, right of the header's last column H",
    });
    expect(records[2]?.fields).toMatchObject({
      id: '3',
      name: 'Martin',
      amount: '10',
      _extra: { I: 'stray' },
    });
  });

  it('reads the sheet the plan names', async () => {
    const { records } = await readAll(xlsxSource(spec('Autre feuille'), workbookFile));
    expect(records).toEqual([
      {
        fields: { code: 'A', label: 'Alpha' },
        location: { source: 'clients.xlsx', sheet: 'Autre feuille', line: 2, record: 1 },
      },
    ]);
  });

  it('throws SOURCE_FAILED listing the sheets when the named sheet does not exist', async () => {
    const error = await rejection(readAll(xlsxSource(spec('Contacts'), workbookFile)));
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe(ErrorCode.SOURCE_FAILED);
    expect((error as CutoverError).message).toBe(
      'clients.xlsx: no sheet is named "Contacts"; the sheets are "Clients", "Autre feuille"',
    );
  });

  it('passes over sheets it does not read without leaving a read behind that fails later', async () => {
    // exceljs parks sheets in temporary files and deletes each once the next sheet is asked for: a sheet passed
    // over unread left a read stream that opened a deleted file, an error nobody listened to.
    const uncaught: unknown[] = [];
    const listener = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', listener);
    try {
      for (let round = 0; round < 5; round++) {
        await rejection(readAll(xlsxSource(spec('Contacts'), workbookFile)));
        await readAll(xlsxSource(spec('Autre feuille'), workbookFile));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('uncaughtException', listener);
    }
    expect(uncaught).toEqual([]);
  });

  it('leaves no parked sheet behind once a workbook is read, whichever sheet it reads', async () => {
    // exceljs parks the sheets of this workbook (they come before its shared strings) in temporary files named
    // tmp-<pid>-…, and removes one only when asked for what follows it: reading the first sheet and stopping there
    // left both files until the process ended, one pair per workbook of a run over many dossiers.
    const parked = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`tmp-${process.pid}-`));
    const before = new Set(parked());
    for (const sheet of [undefined, 'Autre feuille']) {
      expect((await readAll(xlsxSource(spec(sheet), workbookFile))).records.length).toBeGreaterThan(0);
    }
    // Removed asynchronously by exceljs's temporary-file library: given a moment.
    const deadline = Date.now() + 2000;
    while (parked().some((name) => !before.has(name)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(parked().filter((name) => !before.has(name))).toEqual([]);
  });

  it('throws SOURCE_FAILED for a file that is not a workbook, and FILE_NOT_FOUND for a missing one', async () => {
    const fake = await writeFixture(dir, 'export.xlsx', '<html><body>Session expired</body></html>');
    const notWorkbook = await rejection(readAll(xlsxSource(spec(), fake)));
    expect((notWorkbook as CutoverError).code).toBe(ErrorCode.SOURCE_FAILED);
    const missing = await rejection(
      readAll(xlsxSource(spec(), { path: path.join(dir, 'none.xlsx'), relative: 'none.xlsx' })),
    );
    expect((missing as CutoverError).code).toBe(ErrorCode.FILE_NOT_FOUND);
  });

  it('gives no records and an EMPTY_FILE notice for a sheet with a header only', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Vide').addRow(['id', 'name']);
    const target = path.join(dir, 'header-only.xlsx');
    await workbook.xlsx.writeFile(target);
    const source = xlsxSource(spec(), { path: target, relative: 'header-only.xlsx' });
    expect((await readAll(source)).records).toEqual([]);
    expect(source.notices?.().map((notice) => notice.code)).toEqual(['EMPTY_FILE']);
  });

  it('stops with an AbortError when the read is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(readAll(xlsxSource(spec(), workbookFile), { signal: controller.signal }));
    expect((error as Error).name).toBe('AbortError');
  });
});

describe('xlsxSource, reading the zip at random (yauzl)', () => {
  const header = (names: readonly string[]) =>
    `<row r="1">${names.map((name, index) => `<c r="${String.fromCharCode(65 + index)}1" t="inlineStr"><is><t>${name}</t></is></c>`).join('')}</row>`;
  const read = async (file: string, sheet?: string) => {
    const source = xlsxSource(spec(sheet), { path: file, relative: path.basename(file) });
    const { records } = await readAll(source);
    return { records, notices: source.notices?.() ?? [] };
  };

  it('reads a workbook written by openpyxl (pandas): relationship targets absolute from the zip root', async () => {
    // exceljs's streaming reader matched only `worksheets/sheetN.xml`: "the workbook has no sheet".
    const file = path.join(dir, 'openpyxl.xlsx');
    await writeXmlWorkbook(file, {
      rows: `${header(['id', 'signed'])}<row r="2"><c r="A2"><v>1</v></c><c r="B2" s="1"><v>45353</v></c></row>`,
      formats: ['yyyy-mm-dd'],
      sheetName: 'Data',
      absoluteTargets: true,
      partsLast: true,
    });
    for (const sheet of [undefined, 'Data']) {
      const { records } = await read(file, sheet);
      expect(records.map((record) => [record.fields, record.location.sheet])).toEqual([
        [{ id: '1', signed: '2024-03-02' }, 'Data'],
      ]);
    }
  });

  it('reads dates right every time when the styles and workbook parts come last in the zip', async () => {
    // exceljs+unzipper now and then lost the last entries (node-unzipper#234): dates read as serials ("45353").
    const file = path.join(dir, 'parts-last.xlsx');
    await writeXmlWorkbook(file, {
      rows: `${header(['signed', 'at'])}<row r="2"><c r="A2" s="1"><v>45353</v></c><c r="B2" s="2"><v>0.75</v></c></row>`,
      formats: ['dd/mm/yyyy', 'hh:mm'],
      date1904: false,
      partsLast: true,
    });
    const seen = new Set<string>();
    for (let round = 0; round < 50; round++) {
      const { records } = await read(file);
      seen.add(JSON.stringify(records.map((record) => record.fields)));
    }
    expect([...seen]).toEqual([JSON.stringify([{ signed: '2024-03-02', at: '18:00:00' }])]);
  });

  it('reads a format with backslash-escaped or quoted letters (\\h0, 0\\ \\m\\², as LibreOffice writes) as a number', async () => {
    const formats = ['\\h0', '0\\ \\m\\²', '0.0\\ \\h\\a', '#,##0\\ \\d', '0"h"'];
    const file = path.join(dir, 'escaped-formats.xlsx');
    await writeXmlWorkbook(file, {
      rows:
        header(formats.map((_, index) => `f${index}`)) +
        `<row r="2">${formats.map((_, index) => `<c r="${String.fromCharCode(65 + index)}2" s="${index + 1}"><v>100</v></c>`).join('')}</row>` +
        `<row r="3">${formats.map((_, index) => `<c r="${String.fromCharCode(65 + index)}3" s="${index + 1}"><v>0.3</v></c>`).join('')}</row>`,
      formats,
    });
    const { records } = await read(file);
    expect(records.map((record) => Object.values(record.fields))).toEqual([
      ['100', '100', '100', '100', '100'],
      ['0.3', '0.3', '0.3', '0.3', '0.3'],
    ]);
  });

  it('reads the largest and smallest numbers a cell can hold as their digits, never Infinity or 0', async () => {
    const values = ['1.7976931348623157E+308', '-1.7976931348623157E+308', '5E-324', '9.99999999999999E+307'];
    const file = path.join(dir, 'extreme-numbers.xlsx');
    await writeXmlWorkbook(file, {
      rows:
        header(['n']) +
        values
          .map((value, index) => `<row r="${index + 2}"><c r="A${index + 2}"><v>${value}</v></c></row>`)
          .join(''),
    });
    const { records } = await read(file);
    const texts = records.map((record) => String(record.fields.n));
    // 15 significant digits round the largest double past itself: it is kept as stored (17 digits).
    expect(texts.map((text) => [text.slice(0, 18), text.length])).toEqual([
      ['179769313486231570', 309],
      ['-17976931348623157', 310],
      ['0.0000000000000000', 326],
      ['999999999999999000', 308],
    ]);
    expect(texts[2]?.endsWith('05')).toBe(true);
  });

  it('reads the 1904 date system written date1904="true" (LibreOffice), not only "1"', async () => {
    for (const date1904 of ['true', '1']) {
      const file = path.join(dir, `date1904-${date1904}.xlsx`);
      await writeXmlWorkbook(file, {
        rows: `${header(['date'])}<row r="2"><c r="A2" s="1"><v>43890</v></c></row>`,
        formats: ['yyyy-mm-dd'],
        date1904,
      });
      expect((await read(file)).records[0]?.fields).toEqual({ date: '2024-03-01' });
    }
  });

  it('reads the built-in East Asian date formats (ids 27 and 57), named by id alone, as dates', async () => {
    const file = path.join(dir, 'east-asian-dates.xlsx');
    await writeXmlWorkbook(file, {
      rows:
        header(['id27', 'id57', 'id14', 'id32']) +
        '<row r="2"><c r="A2" s="1"><v>45356</v></c><c r="B2" s="2"><v>45356</v></c><c r="C2" s="3"><v>45356</v></c><c r="D2" s="4"><v>0.5</v></c></row>',
      formats: [27, 57, 14, 32],
    });
    expect((await read(file)).records[0]?.fields).toEqual({
      id27: '2024-03-05',
      id57: '2024-03-05',
      id14: '2024-03-05',
      id32: '12:00:00',
    });
  });

  it('counts a formula saved with an empty value (<v></v>, as openpyxl writes it) as one without a computed value', async () => {
    const file = path.join(dir, 'empty-v.xlsx');
    await writeXmlWorkbook(file, {
      rows:
        header(['id', 'total', 'label']) +
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f>A2*2</f><v></v></c><c r="C2" t="str"><f>""</f><v></v></c></row>',
    });
    const { records, notices } = await read(file);
    expect(records[0]?.fields).toEqual({ id: '1', total: '', label: '' });
    // The text result "" is a computed value; the number's empty <v> is none.
    expect(notices).toContainEqual({
      code: 'XLSX_FORMULA_WITHOUT_VALUE',
      message:
        'empty-v.xlsx sheet Feuil1: 1 formula cells have no computed value (a workbook saved without calculating), first B2: read as empty',
    });
  });

  it('decodes _xHHHH_ escapes in each run of a rich text on its own, as Excel does: a_ + x0041_b is a_x0041_b', async () => {
    const file = path.join(dir, 'rich-runs.xlsx');
    await writeXmlWorkbook(file, {
      sharedStrings: ['<t>shared</t>', '<r><t>a_</t></r><r><t>x0041_b</t></r>', '<r><t>_x0041_</t></r>'],
      rows:
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>inline</t></is></c></row>' +
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="inlineStr"><is><r><t>a_</t></r><r><t>x0041_b</t></r></is></c></row>' +
        '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="inlineStr"><is><r><t>_x0041_</t></r></is></c></row>',
    });
    expect((await read(file)).records.map((record) => record.fields)).toEqual([
      { shared: 'a_x0041_b', inline: 'a_x0041_b' },
      { shared: 'A', inline: 'A' },
    ]);
  });

  it('reads the first worksheet by default when the first tab is a chart sheet', async () => {
    const file = path.join(dir, 'chart-first.xlsx');
    await writeXmlWorkbook(file, { rows: `${header(['id'])}<row r="2"><c r="A2"><v>7</v></c></row>` });
    const zip = await JSZip.loadAsync(await readFile(file));
    const workbookXml = (await zip.file('xl/workbook.xml')?.async('string')) ?? '';
    zip.file(
      'xl/workbook.xml',
      workbookXml.replace('<sheets>', '<sheets><sheet name="Chart" sheetId="2" r:id="rId9"/>'),
    );
    const rels = (await zip.file('xl/_rels/workbook.xml.rels')?.async('string')) ?? '';
    zip.file(
      'xl/_rels/workbook.xml.rels',
      rels.replace(
        '</Relationships>',
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>',
      ),
    );
    zip.file(
      'xl/chartsheets/sheet1.xml',
      '<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    );
    await writeFile(file, await zip.generateAsync({ type: 'nodebuffer' }));
    const { records } = await read(file);
    expect(records.map((record) => [record.fields, record.location.sheet])).toEqual([
      [{ id: '7' }, 'Feuil1'],
    ]);
  });

  it('refuses a workbook missing a part it names, naming the file and the part', async () => {
    const noWorkbook = path.join(dir, 'no-workbook.xlsx');
    await writeXmlWorkbook(noWorkbook, { rows: header(['id']), omit: ['xl/workbook.xml'] });
    const first = await rejection(read(noWorkbook));
    expect((first as CutoverError).code).toBe(ErrorCode.SOURCE_FAILED);
    expect((first as CutoverError).message).toBe(
      'no-workbook.xlsx: the workbook has no workbook part (xl/workbook.xml is not in the zip)',
    );
    const noSheet = path.join(dir, 'no-sheet.xlsx');
    await writeXmlWorkbook(noSheet, { rows: header(['id']), omit: ['xl/worksheets/sheet1.xml'] });
    const second = await rejection(read(noSheet));
    expect((second as CutoverError).message).toBe(
      'no-sheet.xlsx: the workbook has no part for sheet Feuil1 (xl/worksheets/sheet1.xml is not in the zip)',
    );
  });
});
