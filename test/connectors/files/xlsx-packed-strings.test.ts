import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackedStrings, packSharedStrings } from '../../../src/connectors/files/xlsx-packed-strings.js';
import { xlsxSource } from '../../../src/connectors/files/xlsx-source.js';
import { makeTempDir, readAll } from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

describe('PackedStrings', () => {
  it('gives back each string as pushed: empty, accented, emoji, longer than a block, and rich text as given', () => {
    const packed = new PackedStrings();
    const long = 'é'.repeat(3 * 2 ** 20); // 6 MiB of UTF-8: a block of its own
    const rich = { richText: [{ text: 'très ', font: { bold: true } }, { text: 'important' }] };
    const values: unknown[] = ['', 'Élodie Øster-Müller 😀', long, rich, 'after'];
    for (const value of values) packed.push(value);
    // Enough small strings to fill several 4 MiB blocks.
    for (let i = 0; i < 300_000; i++) packed.push(`first.last${i}@exemple.fr`);
    expect(packed.length).toBe(values.length + 300_000);
    values.forEach((value, index) => expect(packed.at(index)).toEqual(value));
    expect(packed.at(values.length + 123_456)).toBe('first.last123456@exemple.fr');
    expect(packed.at(packed.length)).toBe(undefined);
    expect(packed.at(-1)).toBe(undefined);
  });

  it('takes over the shared strings of one reader: none until set, then read by index', () => {
    const reader: { sharedStrings?: unknown } = {};
    packSharedStrings(reader);
    expect(reader.sharedStrings).toBe(undefined);
    reader.sharedStrings = [];
    // Read back through a function: what the reader sees, not the array the assignment narrowed the type to.
    const tableOf = (holder: { sharedStrings?: unknown }) => holder.sharedStrings as string[];
    const table = tableOf(reader);
    table.push('alpha');
    table.push('béta');
    expect([table[0], table[1], table[2], table.length]).toEqual(['alpha', 'béta', undefined, 2]);
  });
});

describe('a workbook read with its shared strings packed', () => {
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
