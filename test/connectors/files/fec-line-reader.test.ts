import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCutoverError } from '../../../src/core/errors.js';
import {
  readFecLines,
  type FecFileFacts,
  type FecLine,
} from '../../../src/connectors/files/fec-line-reader.js';
import { encodeLegacy, type LegacyEncoding } from '../../../src/connectors/files/legacy-code-page.js';
import { FEC_STANDARD_COLUMNS } from '../../../src/domains/accounting/fec-columns.js';
import { iso885915, latin1, makeTempDir, sharedFecDir, writeFixture } from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

const readLines = async (files: string[], batchSize?: number) => {
  const lines: FecLine[] = [];
  const facts: FecFileFacts[] = [];
  const batches: number[] = [];
  for await (const batch of readFecLines(files, {
    onFile: (file) => facts.push(file),
    ...(batchSize === undefined ? {} : { batchSize }),
  })) {
    batches.push(batch.length);
    lines.push(...batch);
  }
  return { lines, facts, batches };
};

const HEADER = FEC_STANDARD_COLUMNS.join('\t');
const row = (num: number, label = 'Vente', debit = '10,00', credit = '0,00') =>
  [
    'VTE',
    'Ventes',
    String(num),
    '20240115',
    '411000',
    'Clients',
    '',
    '',
    'F1',
    '20240115',
    label,
    debit,
    credit,
    '',
    '',
    '20240120',
    '',
    '',
  ].join('\t');

describe('readFecLines on the shared samples', () => {
  it('reads 0000000001FEC20220831.txt: BOM skipped, tab, 5,422 lines after the header, accents intact', async () => {
    const { lines, facts } = await readLines([path.join(sharedFecDir, '0000000001FEC20220831.txt')]);
    expect(facts).toEqual([
      expect.objectContaining({ separator: '\t', bom: true, trailingSeparator: false }),
    ]);
    expect(lines[0]?.header).toBe(true);
    expect(lines[0]?.fields[0]).toBe('JournalCode');
    expect(lines.filter((line) => !line.header)).toHaveLength(5422);
    expect(lines[1]?.fields[5]).toBe('Capital souscrit appelé, versé');
    expect(lines.every((line) => line.encoding === 'utf-8')).toBe(true);
  });

  it('reads 111111111FEC20221231.TXT: pipe with a trailing separator (18 fields kept) and its legacy bytes without loss', async () => {
    const file = path.join(sharedFecDir, '111111111FEC20221231.TXT');
    const { lines, facts } = await readLines([file]);
    expect(facts[0]).toMatchObject({ separator: '|', trailingSeparator: true, bom: false });
    expect(lines.every((line) => line.fields.length === 18)).toBe(true);
    expect(lines[0]?.fields[16]).toBe('MontantDevise');
    const legacy = lines.filter((line) => line.encoding !== 'utf-8');
    expect(legacy.map((line) => line.line)).toEqual([779, 780, 781, 807, 808, 809]);
    // The byte 0xF8 is "ø" in Windows-1252; encoding the decoded line again gives back the file's bytes.
    expect(legacy[0]?.fields[10]).toBe('CREATø MAQUETTE ETIQ        ');
    expect(legacy[3]?.fields[10]).toBe('SIMULATø LICHEN DE M        ');
    const fileLines = (await readFile(file)).toString('latin1').split(/\r?\n/);
    for (const line of legacy) {
      expect(encodeLegacy(line.raw, 'windows-1252')).toEqual(
        Buffer.from(fileLines[line.line - 1] ?? '', 'latin1'),
      );
    }
  });

  it('reads a file without final newline to its last line', async () => {
    const { lines } = await readLines([
      path.join(sharedFecDir, 'lasocietenouvelle_sample_pipe_montant_sens.txt'),
    ]);
    expect(lines.at(-1)?.line).toBe(5);
    expect(lines.at(-1)?.fields[12]).toBe('C');
  });
});

describe('readFecLines on synthetic files', () => {
  it('reads LF, CRLF and CR CR LF line endings alike, and keeps physical line numbers over blank lines', async () => {
    const body = [HEADER, row(1), row(2), '', row(3)];
    for (const [name, ending] of [
      ['lf.txt', '\n'],
      ['crlf.txt', '\r\n'],
      ['crcrlf.txt', '\r\r\n'],
      ['cr.txt', '\r'],
    ] as const) {
      const file = await writeFixture(dir, name, body.join(ending) + ending);
      const { lines } = await readLines([file.path]);
      expect(
        lines.map((line) => [line.line, line.fields.length, line.fields[2]]),
        name,
      ).toEqual([
        [1, 18, 'EcritureNum'],
        [2, 18, '1'],
        [3, 18, '2'],
        [5, 18, '3'],
      ]);
      expect(
        lines.every((line) => !line.raw.includes('\r')),
        name,
      ).toBe(true);
    }
  });

  it('decodes each non-UTF-8 line alone in the legacy code page, and the UTF-8 lines around it as UTF-8', async () => {
    const file = await writeFixture(
      dir,
      'mixed.txt',
      Buffer.concat([
        Buffer.from(`${HEADER}\n${row(1, 'Créance')}\n`),
        latin1(`${row(2, 'Dépôt € ')}\n`.replace('€', '\u0080')),
        Buffer.from(`${row(3, 'Reçu')}\n`),
      ]),
    );
    const { lines } = await readLines([file.path]);
    expect(lines.map((line) => [line.encoding, line.fields[10]])).toEqual([
      ['utf-8', 'EcritureLib'],
      ['utf-8', 'Créance'],
      ['windows-1252', 'Dépôt € '],
      ['utf-8', 'Reçu'],
    ]);
  });

  it('decodes non-UTF-8 lines in the code page asked, else in the one their bytes say (0xA4: € in ISO-8859-15, ¤ in Windows-1252)', async () => {
    const file = await writeFixture(
      dir,
      'iso.txt',
      Buffer.concat([Buffer.from(`${HEADER}\n`), latin1(row(1, 'Prix \u00a4 \u00bd'))]),
    );
    const read = async (path: string, legacyEncoding?: LegacyEncoding) => {
      const lines: FecLine[] = [];
      for await (const batch of readFecLines([path], legacyEncoding === undefined ? {} : { legacyEncoding }))
        lines.push(...batch);
      return lines;
    };
    const asked = await read(file.path, 'iso-8859-15');
    expect(asked[1]).toMatchObject({ encoding: 'iso-8859-15' });
    expect(asked[1]?.fields[10]).toBe('Prix € œ');
    expect((await read(file.path, 'windows-1252'))[1]?.fields[10]).toBe('Prix ¤ ½');
    // Not asked: the € next to a space and the œ next to a letter say ISO-8859-15.
    expect((await read(file.path))[1]).toMatchObject({ encoding: 'iso-8859-15' });
    // A byte from 0x80 to 0x9F (’ in Windows-1252) says Windows-1252.
    const quote = await writeFixture(
      dir,
      'quote.txt',
      Buffer.concat([
        Buffer.from(`${HEADER}\n`),
        latin1(row(1, 'Prix \u00a4 \u00bd')),
        Buffer.from([0x92, 0x0a]),
      ]),
    );
    expect((await read(quote.path))[1]).toMatchObject({ encoding: 'windows-1252' });
    expect((await read(quote.path))[1]?.fields[10]).toBe('Prix ¤ ½');
    // Past a first MiB of UTF-8, the first legacy line's own bytes are judged.
    const rows = Array.from({ length: 12000 }, (_, index) => row(index + 1, 'Règlement fournisseur'));
    const late = await writeFixture(
      dir,
      'late.txt',
      Buffer.concat([
        Buffer.from(`${HEADER}\n${rows.join('\n')}\n`),
        latin1(`${row(12001, 'Prix \u00a4 \u00bd')}\n`),
      ]),
    );
    expect(statSync(late.path).size).toBeGreaterThan(1024 * 1024);
    const lateLines = await read(late.path);
    expect(lateLines.at(-1)).toMatchObject({ line: 12002, encoding: 'iso-8859-15' });
    expect(lateLines.at(-1)?.fields[10]).toBe('Prix € œ');
    expect(lateLines.filter((line) => line.encoding !== 'utf-8')).toHaveLength(1);
  });

  it('decodes the five bytes Windows-1252 leaves undefined to one character each, not to U+FFFD', async () => {
    const bytes = Buffer.from([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
    const file = await writeFixture(
      dir,
      'undefined-bytes.txt',
      Buffer.concat([Buffer.from(`${HEADER}\n`), latin1(row(1, 'X')).subarray(0, 10), bytes]),
    );
    const { lines } = await readLines([file.path]);
    expect(lines[1]?.raw).not.toContain('\uFFFD');
    // In the code page the line was read in ("Ventes\x81" reads as IBM 850 there), every byte comes back.
    const encoding = lines[1]?.encoding;
    expect(encoding).not.toBe('utf-8');
    expect(encodeLegacy(lines[1]?.raw ?? '', encoding as LegacyEncoding).subarray(-5)).toEqual(bytes);
  });

  it('judges the code page of each part of a split FEC on its own bytes, as a run does', async () => {
    const first = await writeFixture(
      dir,
      'parts/443061841FEC20231231_1.txt',
      Buffer.concat([Buffer.from(`${HEADER}\n`), iso885915(`${row(1, 'Cœur de ville')}\n`)]),
    );
    const second = await writeFixture(
      dir,
      'parts/443061841FEC20231231_2.txt',
      Buffer.concat([
        Buffer.from(`${HEADER}\n`),
        encodeLegacy(`${row(2, 'Remise 5 € – fin')}\n`, 'windows-1252'),
      ]),
    );
    const lines: FecLine[] = [];
    for await (const batch of readFecLines([first.path, second.path])) lines.push(...batch);
    expect(lines.filter((line) => !line.header).map((line) => [line.fields[10], line.encoding])).toEqual([
      ['Cœur de ville', 'iso-8859-15'],
      ['Remise 5 € – fin', 'windows-1252'],
    ]);
  });

  it('reads split files in the order given, each with its own header and line numbers', async () => {
    const first = await writeFixture(
      dir,
      'split/443061841FEC20231231_1.txt',
      `${HEADER}\n${row(1)}\n${row(1, 'x', '0,00', '10,00')}\n`,
    );
    const second = await writeFixture(
      dir,
      'split/443061841FEC20231231_2.txt',
      `${HEADER}|\n`.replace(/\t/g, '|') + `${row(2).replace(/\t/g, '|')}|\n`,
    );
    const { lines, facts } = await readLines([first.path, second.path]);
    expect(lines.map((line) => [path.basename(line.file), line.line, line.header])).toEqual([
      ['443061841FEC20231231_1.txt', 1, true],
      ['443061841FEC20231231_1.txt', 2, false],
      ['443061841FEC20231231_1.txt', 3, false],
      ['443061841FEC20231231_2.txt', 1, true],
      ['443061841FEC20231231_2.txt', 2, false],
    ]);
    expect(facts.map((fact) => [fact.separator, fact.trailingSeparator])).toEqual([
      ['\t', false],
      ['|', true],
    ]);
    expect(lines[4]?.fields).toHaveLength(18);
  });

  it('yields batches no larger than asked plus one chunk, holding every line once', async () => {
    const rows = Array.from({ length: 3000 }, (_, index) => row(index + 1));
    const file = await writeFixture(dir, 'many.txt', `${HEADER}\n${rows.join('\n')}\n`);
    const { lines, batches } = await readLines([file.path], 100);
    expect(lines).toHaveLength(3001);
    expect(batches.length).toBeGreaterThan(1);
    expect(new Set(lines.map((line) => line.line)).size).toBe(3001);
  });

  it('numbers lines the same whether their block was decoded whole or line by line (a legacy line deep in the file)', async () => {
    const rows: Buffer[] = Array.from({ length: 3000 }, (_, index) =>
      Buffer.from(`${row(index + 1, 'Créance')}\r\n`),
    );
    rows[2499] = latin1(`${row(2500, 'Créance')}\r\n`);
    const file = await writeFixture(
      dir,
      'deep-legacy.txt',
      Buffer.concat([Buffer.from(`${HEADER}\r\n`), ...rows]),
    );
    const { lines } = await readLines([file.path]);
    expect(lines.map((line) => line.line)).toEqual(Array.from({ length: 3001 }, (_, index) => index + 1));
    expect(
      lines.every((line) => line.fields[2] === (line.header ? 'EcritureNum' : String(line.line - 1))),
    ).toBe(true);
    expect(lines.filter((line) => line.encoding !== 'utf-8').map((line) => line.line)).toEqual([2501]);
    expect(new Set(lines.slice(1).map((line) => line.fields[10]))).toEqual(new Set(['Créance']));
  });

  it('reads a UTF-16 file (LE or BE, by its byte-order mark) as text, and says which it was', async () => {
    const text = `${HEADER}\r\n${row(1, 'Thé €')}\r\n\r\n${row(2, 'Café 😀')}\r\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    for (const [name, bytes, encoding] of [
      ['le.txt', le, 'utf-16le'],
      ['be.txt', be, 'utf-16be'],
    ] as const) {
      const { lines, facts } = await readLines([(await writeFixture(dir, name, bytes)).path]);
      expect(facts[0]).toMatchObject({ separator: '\t', bom: true, encoding });
      expect(lines.map((line) => [line.line, line.fields.length, line.fields[10]])).toEqual([
        [1, 18, 'EcritureLib'],
        [2, 18, 'Thé €'],
        [4, 18, 'Café 😀'],
      ]);
      expect(lines[0]?.fields[0]).toBe('JournalCode');
    }
    const { facts } = await readLines([(await writeFixture(dir, 'utf8.txt', `${HEADER}\n`)).path]);
    expect(facts[0]).toMatchObject({ bom: false, encoding: 'utf-8' });
  });

  it('throws FILE_NOT_FOUND for a file that is not there', async () => {
    const error: unknown = await readLines([path.join(dir, 'absent.txt')]).catch((caught: unknown) => caught);
    expect(isCutoverError(error) && error.code).toBe('FILE_NOT_FOUND');
  });
});
