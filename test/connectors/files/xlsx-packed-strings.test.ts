import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackedStrings, readSharedStringItems } from '../../../src/connectors/files/xlsx-packed-strings.js';
import { xlsxSource } from '../../../src/connectors/files/xlsx-source.js';
import { makeTempDir, readAll } from './file-fixtures.js';
import { writeXmlWorkbook } from './xlsx-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

describe('PackedStrings', () => {
  it('gives back each string as pushed: empty, accented, emoji, longer than a block', () => {
    const packed = new PackedStrings();
    const long = 'é'.repeat(3 * 2 ** 20); // 6 MiB of UTF-8: a block of its own
    const values = ['', 'Élodie Øster-Müller 😀', long, 'after'];
    for (const value of values) packed.push(value);
    // Enough small strings to fill several 4 MiB blocks.
    for (let i = 0; i < 300_000; i++) packed.push(`first.last${i}@exemple.fr`);
    expect(packed.length).toBe(values.length + 300_000);
    values.forEach((value, index) => expect(packed.at(index)).toEqual(value));
    expect(packed.at(values.length + 123_456)).toBe('first.last123456@exemple.fr');
    expect(packed.at(packed.length)).toBe(undefined);
    expect(packed.at(-1)).toBe(undefined);
  });
});

/** A shared-strings part's items as read, its XML given in chunks. */
const items = async (chunks: readonly (Buffer | string)[]): Promise<(string | undefined)[]> => {
  const strings = new PackedStrings();
  await readSharedStringItems(
    (async function* () {
      for (const chunk of chunks) yield await Promise.resolve(chunk);
    })(),
    strings,
  );
  return Array.from({ length: strings.length }, (_, index) => strings.at(index));
};

const SST =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<si><t xml:space="preserve">12 rue X_x000D_\n75001 Paris</t></si><si><t>A_x0009_B</t></si><si><t>_x005F_x000D_ stays</t></si>' +
  '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>' +
  '<si><r><t xml:space="preserve">très </t></r><r><rPr><b/><rFont val="Calibri"/></rPr><t>important</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si>' +
  '<si><t/></si><si/><si><t>a &amp; b &#233; _x00e9_ _x00zz_ x000D_</t></si><si><t>line\r\nnext</t></si></sst>';

const SST_ITEMS = [
  '12 rue X\r\n75001 Paris',
  'A\tB',
  '_x000D_ stays',
  '東京',
  'très important',
  '',
  '',
  'a & b é é _x00zz_ x000D_',
  'line\nnext',
];

describe('readSharedStringItems', () => {
  it('reads each item as Excel means it: _xHHHH_ escapes decoded, runs joined, phonetic guides left out', async () => {
    expect(await items([SST])).toEqual(SST_ITEMS);
  });

  it('refuses a part cut short or malformed, saying it is the shared strings', async () => {
    await expect(items(['<sst><si><t>a</t></si>'])).rejects.toThrow(
      'the shared strings: the XML ends before </sst>',
    );
    await expect(items(['<sst><si><t>a</si></sst>'])).rejects.toThrow(
      'the shared strings: malformed XML: </si> where </t> was expected',
    );
  });

  it('reads the same items wherever the chunks cut the XML, a character included', async () => {
    const bytes = Buffer.from(SST);
    for (let cut = 1; cut < bytes.length; cut++) {
      const read = await items([bytes.subarray(0, cut), bytes.subarray(cut)]);
      if (JSON.stringify(read) !== JSON.stringify(SST_ITEMS))
        expect({ cut, read }).toEqual({ cut, read: SST_ITEMS });
    }
  });
});

describe('a workbook read with its shared strings packed', () => {
  it('reads long accented shared strings whole, wherever the chunks of the part cut their characters', async () => {
    // exceljs decoded each chunk of the part on its own: a character cut in two read as two U+FFFD ('Pr��nom').
    const file = path.join(dir, 'accented.xlsx');
    const text = (index: number) => `${'é'.repeat(997 + (index % 3))} ${index}`;
    const count = 400;
    await writeXmlWorkbook(file, {
      sharedStrings: [
        '<t>id</t>',
        '<t>name</t>',
        ...Array.from({ length: count }, (_, index) => `<t>${text(index)}</t>`),
      ],
      rows:
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        Array.from(
          { length: count },
          (_, index) =>
            `<row r="${index + 2}"><c r="A${index + 2}"><v>${index}</v></c><c r="B${index + 2}" t="s"><v>${index + 2}</v></c></row>`,
        ).join(''),
      sheetFirst: true,
    });
    const { records } = await readAll(
      xlsxSource({ type: 'xlsx', path: 'accented.xlsx' }, { path: file, relative: 'accented.xlsx' }),
    );
    expect(records).toHaveLength(count);
    const misread = records.filter((record, index) => record.fields.name !== text(index));
    expect(misread.map((record) => record.location.line)).toEqual([]);
  });

  it('reads every shared-string cell as written, sheet written before its strings (parked) or not', async () => {
    const file = path.join(dir, 'shared.xlsx');
    // The streaming writer puts the shared strings after the sheet, as Excel does: the reader parks the sheet.
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const sheet = writer.addWorksheet('Contacts');
    sheet.addRow(['id', 'name', 'city']).commit();
    const rows = 20_000;
    for (let i = 1; i <= rows; i++) sheet.addRow([`C${i}`, `Nom ${i} Ø😀`, `Ville ${i % 7}`]).commit();
    sheet.commit();
    await writer.commit();
    const source = xlsxSource({ type: 'xlsx', path: 'shared.xlsx' }, { path: file, relative: 'shared.xlsx' });
    const { records } = await readAll(source);
    expect(records).toHaveLength(rows);
    expect(records[0]?.fields).toEqual({ id: 'C1', name: 'Nom 1 Ø😀', city: 'Ville 1' });
    expect(records[rows - 1]?.fields).toEqual({
      id: `C${rows}`,
      name: `Nom ${rows} Ø😀`,
      city: `Ville ${rows % 7}`,
    });
  });
});
