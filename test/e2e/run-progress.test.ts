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
    // An ETA from the bytes read while dossiers remain, once a hundredth of them is read (before, the time elapsed
    // is mostly the start: a first line said "ETA 25 min" for a run of seconds), on every event after it, and none
    // left at the end.
    const running = events.filter((event) => event.dossiersDone < 3);
    const firstTold = running.findIndex((event) => event.etaMs !== undefined);
    expect(firstTold).toBeGreaterThanOrEqual(0);
    expect(
      running
        .slice(firstTold)
        .every((event) => event.etaMs !== undefined && Number.isFinite(event.etaMs) && event.etaMs > 0),
    ).toBe(true);
    expect(last.etaMs).toBe(0);
  });

  it('tells the time left of one large export from its bytes read, long before its one dossier is done', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `P${i},Name ${i},name${i}@mail.fr`);
    await writeFile(path.join(dir, 'contacts.csv'), `id,name,email\n${rows.join('\n')}\n`);
    await writeFile(
      path.join(dir, 'one.yaml'),
      `version: 1
name: one-export
target: { type: sqlite, url: one.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    key: id
    fields:
      last_name: name
      email: email
`,
    );
    const events: RunProgress[] = [];
    await withStores(
      path.join(dir, 'one.yaml'),
      path.join(dir, 'one-state.db'),
      undefined,
      (loaded, state, target) =>
        runMigration({ loaded, state, target, onProgress: (event) => events.push(event) }),
    );
    const running = events.filter((event) => event.dossiersDone === 0);
    const told = running.filter((event) => event.etaMs !== undefined && event.etaMs > 0);
    expect(told.length).toBeGreaterThan(0);
    // Once told, on every later event.
    const firstTold = running.indexOf(told[0]!);
    expect(running.slice(firstTold)).toEqual(told);
  });
});
