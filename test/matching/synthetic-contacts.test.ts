import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticContactColumns, writeSyntheticContacts } from '../../src/matching/synthetic-contacts.js';

const folders: string[] = [];
afterAll(async () => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));
const write = async (seed: number) => {
  const folder = await mkdtemp(path.join(tmpdir(), 'cutover-contacts-'));
  folders.push(folder);
  const file = path.join(folder, 'contacts.csv');
  const counts = await writeSyntheticContacts({ rows: 20_000, seed, path: file });
  return { counts, text: await readFile(file, 'utf8') };
};

describe('writeSyntheticContacts', () => {
  it('writes the same bytes for the same seed and different ones for another seed', async () => {
    const [a, b, c] = await Promise.all([write(7), write(7), write(8)]);
    expect(a.text).toBe(b.text);
    expect(a.text).not.toBe(c.text);
  });

  it('makes about 10% of the rows retyped duplicates, with the entity as ground truth', async () => {
    const { counts, text } = await write(1);
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    expect(Object.keys(rows[0] ?? {})).toEqual([...syntheticContactColumns]);
    expect(rows).toHaveLength(20_000);
    expect(counts.duplicates / counts.rows).toBeGreaterThan(0.08);
    expect(counts.duplicates / counts.rows).toBeLessThan(0.12);
    expect(new Set(rows.map((row) => row.entity)).size).toBe(counts.entities);
    // Duplicates are retyped, not copied: most differ from their original somewhere.
    const byEntity = new Map<string, Record<string, string>>();
    let identical = 0;
    for (const row of rows) {
      const { contact_id: _id, ...fields } = row;
      const seen = byEntity.get(row.entity ?? '');
      if (seen && JSON.stringify(seen) === JSON.stringify(fields)) identical++;
      if (!seen) byEntity.set(row.entity ?? '', fields);
    }
    expect(identical / counts.duplicates).toBeLessThan(0.2);
    // Realistic skew: common surnames are common, and the tail is long.
    const surnames = new Map<string, number>();
    for (const row of rows) surnames.set(row.last_name ?? '', (surnames.get(row.last_name ?? '') ?? 0) + 1);
    expect(Math.max(...surnames.values())).toBeGreaterThan(100);
    expect(surnames.size).toBeGreaterThan(3000);
  });
});
