import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePortfolio } from '../../src/generator/generate-portfolio.js';
import type { Manifest } from '../../src/generator/manifest.js';
import { tempDir } from '../support/stores.js';

describe('the link truth of a generated portfolio', () => {
  let dir = '';
  let manifest: Manifest;
  beforeAll(async () => {
    dir = tempDir('cutover-link-truth-');
    await generatePortfolio({ dossiers: 30, seed: 8, outDir: dir });
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists every client with its registry entry, and most with a CRM company and some in other books', () => {
    expect(manifest.links).toHaveLength(30);
    const registry = manifest.links.map((link) =>
      link.members.filter((member) => member.entity === 'dossier'),
    );
    expect(
      registry.every(
        (members, index) => members.length === 1 && members[0]?.key === manifest.links[index]?.client,
      ),
    ).toBe(true);
    const crm = manifest.links.filter((link) => link.members.some((member) => member.entity === 'company'));
    expect(crm.length).toBeGreaterThanOrEqual(18);
    expect(crm.length).toBeLessThan(30);
    const books = manifest.links.flatMap((link) =>
      link.members.filter((member) => member.entity === 'third_party'),
    );
    expect(books.length).toBeGreaterThanOrEqual(8);
    // A client never appears in its own books as a third party.
    for (const link of manifest.links) {
      expect(
        link.members.filter((member) => member.entity === 'third_party' && member.dossier === link.client),
      ).toEqual([]);
    }
  });

  it('points at records that exist and load: CRM companies without a defect, third parties on FEC lines', async () => {
    const defective = new Set(
      manifest.defects.filter((defect) => defect.entity === 'company').map((defect) => defect.sourceKey),
    );
    for (const link of manifest.links) {
      for (const member of link.members) {
        if (member.entity === 'company') expect(defective.has(member.key), member.key).toBe(false);
        if (member.entity === 'third_party') {
          const folder = path.join(dir, 'fec', member.dossier);
          const [file = ''] = await readdir(folder);
          const text = await readFile(path.join(folder, file), 'utf8');
          expect(text.split('\r\n').some((line) => line.split('\t')[6] === member.key)).toBe(true);
        }
      }
    }
  });

  it('writes the registry with the address the CRM is compared with', async () => {
    const [header, first] = (await readFile(path.join(dir, 'registry.csv'), 'utf8')).split('\n');
    expect(header?.split(',').slice(-2)).toEqual(['postcode', 'city']);
    expect(first?.split(',').at(-2)).toMatch(/^\d{5}$/);
  });
});
