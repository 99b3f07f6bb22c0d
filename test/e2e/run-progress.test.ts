import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePortfolio } from '../../src/generator/generate-portfolio.js';
import { portfolioPlan } from '../../src/generator/portfolio-plan.js';
import { runMigration, type RunProgress } from '../../src/pipeline/run/run-migration.js';
import { tempDir } from '../support/stores.js';
import { withStores } from './support/portfolio.js';

/**
 * The progress a terminal shows counts records as the summary does: a FEC line is read by five entities (journal,
 * account, third party, entry, line), and the four derived ones see it again, which is no new record. Before, the
 * progress ended at about 3.4 times the summary's count, and its rate with it.
 */
describe('run progress', () => {
  const dir = tempDir('cutover-e2e-progress-');
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ends at the records the summary reads, dossier after dossier', async () => {
    await generatePortfolio({ dossiers: 3, seed: 5, outDir: dir, crm: false });
    await writeFile(path.join(dir, 'cutover.yaml'), portfolioPlan({ crm: false }));
    const events: RunProgress[] = [];
    const summary = await withStores(
      path.join(dir, 'cutover.yaml'),
      path.join(dir, 'state.db'),
      undefined,
      (loaded, state, target) =>
        runMigration({ loaded, state, target, onProgress: (event) => events.push(event) }),
    );
    const last = events.at(-1)!;
    expect(last.dossiersDone).toBe(3);
    expect(last.records).toBe(summary.records.read);
    const perDossier = events.filter((event) => event.entity === undefined).map((event) => event.records);
    expect(perDossier).toEqual([...perDossier].sort((a, b) => a - b));
    // An ETA from the bytes read, before the first dossier is done (the share of dossiers done gives none then),
    // and none left at the end.
    const early = events.filter((event) => event.dossiersDone === 0 && event.entity !== undefined);
    expect(early.length).toBeGreaterThan(0);
    expect(
      early.every((event) => event.etaMs !== undefined && Number.isFinite(event.etaMs) && event.etaMs >= 0),
    ).toBe(true);
    expect(last.etaMs).toBe(0);
  });
});
