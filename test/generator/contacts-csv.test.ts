import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchmarkContactColumns, writeContactsCsv } from '../../src/generator/contacts-csv.js';
import { removeTemporaryFolders, temporaryFolder } from './portfolio-files.js';

afterAll(removeTemporaryFolders);

const tempFile = async (name: string) => path.join(await temporaryFolder(), name);

describe('writeContactsCsv', () => {
  it('writes exactly N data rows under the header, ten clean fields each, with unique contact ids', async () => {
    const file = await tempFile('contacts.csv');
    const { bytes } = await writeContactsCsv({ rows: 20_000, seed: 1, path: file });
    const text = await readFile(file, 'utf8');
    expect(Buffer.byteLength(text)).toBe(bytes);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(benchmarkContactColumns.join(','));
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(20_000);
    expect(rows.filter((fields) => fields.length !== 10)).toEqual([]);
    expect(new Set(rows.map((fields) => fields[0])).size).toBe(20_000);
    expect(text).not.toMatch(/["\r]/);
    expect(rows.filter((fields) => !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(fields[9] ?? ''))).toEqual(
      [],
    );
    expect(rows.filter((fields) => !/^[^@]+@[a-z.]+$/.test(fields[3] ?? ''))).toEqual([]);
    expect(text).toMatch(/[éèç]/);
  });

  it('writes the same bytes for the same seed and other bytes for another seed', async () => {
    const written = async (seed: number, name: string) => {
      const file = await tempFile(name);
      await writeContactsCsv({ rows: 1000, seed, path: file });
      return readFile(file, 'utf8');
    };
    const textA = await written(9, 'a.csv');
    const textB = await written(9, 'b.csv');
    const textC = await written(10, 'c.csv');
    expect(textB).toBe(textA);
    expect(textC).not.toBe(textA);
  });

  it('writes a header only for zero rows', async () => {
    const file = await tempFile('empty.csv');
    await writeContactsCsv({ rows: 0, seed: 1, path: file });
    expect(await readFile(file, 'utf8')).toBe(`${benchmarkContactColumns.join(',')}\n`);
  });
});
