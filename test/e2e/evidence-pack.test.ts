import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import type { EvidencePack } from '../../src/pipeline/evidence/evidence-pack.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';
import { sharedData } from '../support/shared-data.js';

const samples = sharedData('fec');

interface EvidenceJson {
  ok: boolean;
  dossiers: { id: string; ok: boolean; html: string; json: string }[];
}

/** Migrates one public sample, then writes its evidence pack with the CLI. */
const evidenceOf = async (file: string) => {
  const dir = tempDir('cutover-e2e-evidence-');
  writeFiles(dir, {
    'cutover.yaml': [
      'version: 1',
      'name: evidence',
      'target: { type: sqlite, url: target.db }',
      'entities:',
      fecEntitiesYaml({ path: path.join(samples, file), fiscalYears: 'file' }),
    ].join('\n'),
  });
  const plan = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', plan, '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  const evidence = await cli(['evidence', '--plan', plan, '--json']);
  expect(evidence.code, describeResult(evidence)).toBe(0);
  const result = parseJsonStdout<EvidenceJson>(evidence);
  const written = result.dossiers[0]!;
  return { written, pack: JSON.parse(readFileSync(written.json, 'utf8')) as EvidencePack };
};

describe('cutover evidence', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('writes a JSON pack with the input checksum, counts, the trial balance side by side and the plan version', async () => {
    const { written, pack } = await evidenceOf('111111111FEC20221231.TXT');
    expect(written.ok).toBe(true);
    expect(pack.inputs).toEqual([
      expect.objectContaining({
        kind: 'file',
        bytes: readFileSync(path.join(samples, '111111111FEC20221231.TXT')).length,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      }),
    ]);
    expect(pack.accounting?.totals.target).toEqual({ debit: '225682.23', credit: '225682.23', lines: 934 });
    expect(pack.plan.version).toMatch(/^[0-9a-f]{16}$/);
    expect(pack.counts.find((entity) => entity.entity === 'entry')?.loaded).toBe(248);
    // The legacy file checked against the norm: its balanced entries, and what the validator found.
    expect(pack.validation).toHaveLength(1);
    expect(pack.validation[0]?.summary).toMatchObject({
      entries: 248,
      balancedEntries: 248,
      totalDebit: '225682.23',
    });
    // Legacy bytes and padding were read without loss, and the pack says so.
    expect(pack.notices.map((notice) => notice.code)).toEqual(
      expect.arrayContaining(['ENCODING_FALLBACK', 'FEC_PADDED_VALUES']),
    );
  }, 120_000);

  it.runIf(browserAvailable)(
    'renders in a real browser a page an accountant reads: verdict, totals in French notation, rejected lines with their raw content',
    async () => {
      const { written } = await evidenceOf('adams43360_fec_sale.txt');
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        await page.goto(`file://${written.html}`);
        expect(await page.title()).toBe('Migration evidence — default');
        const verdict = (await page.locator('#verdict').innerText()).replaceAll('\u202f', ' ');
        expect(verdict).toContain('3 records were rejected, each listed below with its reason');
        const total = (await page.locator('#trial-balance tr.total').innerText()).replaceAll('\u202f', ' ');
        // The entry whose first line has a bad date took its date from its next line: all its lines loaded (before,
        // two lines were rejected with it and explained a gap), so source and target totals are the same.
        expect(total.split('\t')).toEqual([
          'Total',
          '22 415,00',
          '22 675,00',
          '22 415,00',
          '22 675,00',
          '',
          '✓ equal',
        ]);
        const rejected = page.locator('#rejected tbody tr');
        expect(await rejected.count()).toBe(3);
        const texts = await rejected.allInnerTexts();
        expect(texts.some((row) => row.includes('INVALID_AMOUNT') && row.includes('N/A'))).toBe(true);
        expect(texts.some((row) => row.includes('INVALID_DATE') && row.includes('03/01/2024'))).toBe(true);
        const validation = await page.locator('#validation tbody tr').allInnerTexts();
        expect(validation.some((row) => row.includes('ENTRY_UNBALANCED') && row.includes('3'))).toBe(true);
        expect(validation.some((row) => row.includes('DATE_INVALID'))).toBe(true);
        const screenshot = await page.screenshot({ fullPage: true });
        expect(screenshot.length).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
