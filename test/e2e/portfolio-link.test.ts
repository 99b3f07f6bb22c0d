import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePortfolio } from '../../src/generator/generate-portfolio.js';
import type { Manifest } from '../../src/generator/manifest.js';
import type { LinkEvaluation } from '../../src/pipeline/link/evaluate-links.js';
import type { LinkSummary } from '../../src/pipeline/link/link-clients.js';
import { readLinkMembers } from '../../src/store/state/link-members.js';
import { StateStore } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath } from './support/helpers.js';

/**
 * A generated portfolio of 20 dossiers and the firm's CRM, migrated, then linked: the manifest says which
 * registry dossier, CRM company and third parties are one client.
 */
describe('cutover link on a generated portfolio', () => {
  let dir = '';
  let manifest: Manifest;
  let plan = '';
  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-link-');
    await generatePortfolio({ dossiers: 20, seed: 4, outDir: dir });
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
  }, 240_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses to evaluate before anything was linked (exit 2)', async () => {
    const early = await cli(['link', 'eval', '--plan', plan, '--truth', path.join(dir, 'manifest.json')]);
    expect(early.code, describeResult(early)).toBe(2);
    expect(early.stderr).toContain('run `cutover link` first');
  });

  it('links the clients across registry, CRM and books, with no false link, and measures itself', async () => {
    const link = await cli(['link', '--plan', plan, '--json']);
    expect(link.code, describeResult(link)).toBe(0);
    const summary = parseJsonStdout<LinkSummary>(link);
    expect(summary.records.registry).toBe(20);
    expect(summary.records.crm).toBe(manifest.counts.company! - 5); // the companies without a name are rejected
    expect(summary.clients).toBeGreaterThan(8);

    const evaluation = await cli([
      'link',
      'eval',
      '--plan',
      plan,
      '--truth',
      path.join(dir, 'manifest.json'),
      '--json',
    ]);
    expect(evaluation.code, describeResult(evaluation)).toBe(0);
    const figures = parseJsonStdout<LinkEvaluation>(evaluation);
    expect(figures.truthNotRead).toBe(0);
    expect(figures.actual).toBeGreaterThan(20);
    expect(figures.precision).toBeGreaterThanOrEqual(0.95);
    expect(figures.recall).toBeGreaterThanOrEqual(0.3);
    expect(figures.recallWithReview).toBeGreaterThanOrEqual(figures.recall);

    // Strong identifiers both ways: a record carrying a registry SIREN belongs to that dossier's client, and
    // no client holds two SIRENs.
    const state = await StateStore.open(defaultStatePath(dir));
    try {
      const members = await readLinkMembers(state);
      const dossierOfSiren = new Map(
        members
          .filter((member) => member.entity === 'dossier')
          .map((member) => [member.siren, member.dossierId]),
      );
      for (const member of members) {
        const dossier = member.siren === null ? undefined : dossierOfSiren.get(member.siren);
        if (dossier !== undefined) expect(member.clientId, member.sourceKey).toBe(`dossier:${dossier}`);
      }
      const sirensOf = new Map<string, Set<string>>();
      for (const member of members) {
        if (member.siren === null) continue;
        sirensOf.set(member.clientId, (sirensOf.get(member.clientId) ?? new Set()).add(member.siren));
      }
      expect([...sirensOf.values()].every((sirens) => sirens.size === 1)).toBe(true);
    } finally {
      await state.close();
    }

    const review = await cli(['review', '--plan', plan, '--entity', 'link', '--json']);
    expect(review.code, describeResult(review)).toBe(0);
    const queue = parseJsonStdout<{
      total: number;
      pairs: { fields: [string, unknown, unknown][]; reason: string }[];
    }>(review);
    expect(queue.total).toBe(summary.review.total);
    for (const pair of queue.pairs) expect(pair.fields.map(([field]) => field)).toContain('siren (checked)');
  }, 120_000);

  it('refuses a link section with a typo, naming the YAML line (exit 2)', async () => {
    const text = await readFile(plan, 'utf8');
    const wrong = path.join(dir, 'wrong.yaml');
    await writeFile(wrong, `${text}\nlink:\n  acrossDossier: true\n`);
    const result = await cli(['link', '--plan', wrong]);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toMatch(/wrong\.yaml:\d+ link\.acrossDossier: unknown field/);
  });
});
