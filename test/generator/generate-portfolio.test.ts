import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import { generatePortfolio } from '../../src/generator/generate-portfolio.js';
import {
  generateInTemp,
  hashTree,
  readManifest,
  removeTemporaryFolders,
  temporaryFolder,
} from './portfolio-files.js';

afterAll(removeTemporaryFolders);

describe('generatePortfolio', () => {
  it('writes byte-identical files for the same seed, and different files for another seed', async () => {
    const [first, again, other] = await Promise.all([
      generateInTemp(5, 7),
      generateInTemp(5, 7),
      generateInTemp(5, 8),
    ]);
    const firstHashes = await hashTree(first.dir);
    const againHashes = await hashTree(again.dir);
    const otherHashes = await hashTree(other.dir);
    expect(firstHashes.size).toBe(5 + 5 + 3);
    expect([...againHashes]).toEqual([...firstHashes]);
    // Another seed changes every generated file; only the plan, which depends on no seed, stays the same.
    const unchanged = [...otherHashes]
      .filter(([file, hash]) => firstHashes.get(file) === hash)
      .map(([file]) => file);
    expect(unchanged).toEqual(['cutover.yaml']);
    expect(first.summary.files).toEqual(
      expect.arrayContaining(['registry.csv', 'manifest.json', 'cutover.yaml', 'crm/companies.xlsx']),
    );
  });

  it('pins the zip timestamps inside companies.xlsx, so the spreadsheet does not depend on the clock', async () => {
    const { dir } = await generateInTemp(0, 3);
    const bytes = await readFile(path.join(dir, 'crm/companies.xlsx'));
    let headers = 0;
    for (let at = bytes.indexOf('PK\x01\x02'); at !== -1; at = bytes.indexOf('PK\x01\x02', at + 4)) {
      headers++;
      // MS-DOS time 00:00 and date 1980-01-01.
      expect([bytes.readUInt16LE(at + 12), bytes.readUInt16LE(at + 14)]).toEqual([0, 33]);
    }
    expect(headers).toBeGreaterThan(5);
  });

  it('spreads dossier sizes like a real portfolio: 50 dossiers make 50,000-150,000 FEC lines, the largest many times the median', async () => {
    const { summary } = await generateInTemp(50, 42, false);
    expect(summary.fecLines).toBeGreaterThanOrEqual(50_000);
    expect(summary.fecLines).toBeLessThanOrEqual(150_000);
    expect(summary.dossierLines.max).toBeGreaterThan(10_000);
    expect(summary.dossierLines.max).toBeGreaterThan(5 * summary.dossierLines.median);
    expect(summary.dossierLines.median).toBeLessThan(1000);
    expect(summary.counts.entry_line).toBe(summary.fecLines);
  });

  it('lists the defects and counts in manifest.json and summarises them', async () => {
    const { dir, summary } = await generateInTemp(10, 5);
    const manifest = await readManifest(dir);
    expect(manifest.seed).toBe(5);
    expect(manifest.dossiers).toBe(10);
    expect(manifest.counts).toEqual(summary.counts);
    expect(manifest.defects).toHaveLength(summary.defects);
    expect(Object.keys(manifest.countsByDossier)).toHaveLength(11);
    // A few dossiers (one in ten) carry a FEC defect.
    expect(manifest.defects.filter((defect) => defect.entity === 'entry_line')).toHaveLength(1);
    expect(Object.values(summary.defectsByKind).reduce((sum, count) => sum + count, 0)).toBe(summary.defects);
  });

  it('writes no CRM when crm is false, and a plan without CRM entities', async () => {
    const { dir, summary } = await generateInTemp(2, 1, false);
    expect(summary.files.some((file) => file.startsWith('crm/'))).toBe(false);
    expect(summary.counts.contact).toBeUndefined();
    const plan = await readFile(path.join(dir, 'cutover.yaml'), 'utf8');
    expect(plan).not.toContain('contact:');
  });

  it('replaces a portfolio generated earlier, and refuses a folder holding other files', async () => {
    const { dir } = await generateInTemp(4, 1, false);
    await generatePortfolio({ dossiers: 2, seed: 1, outDir: dir, crm: false });
    expect(Object.keys((await readManifest(dir)).countsByDossier)).toEqual(['D0001', 'D0002']);
    expect((await hashTree(dir)).size).toBe(2 + 3);

    const foreign = await temporaryFolder();
    await writeFile(path.join(foreign, 'notes.txt'), 'mine');
    await expect(generatePortfolio({ dossiers: 1, seed: 1, outDir: foreign })).rejects.toThrow(CutoverError);
  });

  it('refuses a dossier count or seed that is not a whole number', async () => {
    const outDir = await temporaryFolder();
    await expect(generatePortfolio({ dossiers: 2.5, seed: 1, outDir })).rejects.toThrow(/whole number/);
    await expect(generatePortfolio({ dossiers: 1, seed: Number.NaN, outDir })).rejects.toThrow(/seed/);
  });
});
