import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { tempDir } from '../support/stores.js';
import { writeFiles } from './support/helpers.js';
import { withStores } from './support/portfolio.js';

/**
 * `cutover run --dossier X` after a complete run was interrupted resumes that run for X alone: the run stays
 * unfinished while it had worked on other dossiers, so that the next complete command resumes it. Before, it was
 * finished as succeeded (a run of every dossier, most never done), and the next run started afresh.
 */
const plan = `version: 1
name: resume-selection
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { field: office }
    key: contact_id
    fields: { last_name: last_name }
`;

const counts = { recordsRead: 1, loaded: 1, skipped: 0, rejected: 0, repeats: 0 };

const setUp = () => {
  const dir = tempDir('cutover-e2e-resume-selection-');
  writeFiles(dir, {
    'cutover.yaml': plan,
    'contacts.csv': 'contact_id,office,last_name\nC1,D1,Lee\nC2,D2,Ray\nC3,D3,Doe\n',
  });
  return { planFile: path.join(dir, 'cutover.yaml'), state: path.join(dir, 'state.db') };
};

describe('run --dossier while a complete run is unfinished', () => {
  it('leaves the complete run unfinished when it had worked on other dossiers, and the next run resumes it', async () => {
    const { planFile, state } = setUp();
    await withStores(planFile, state, undefined, async (loaded, store, target) => {
      // A complete run interrupted after dossier D1.
      await store.savePlanVersion(loaded.hash, loaded.plan.name, loaded.text);
      const interrupted = await store.createRun(loaded.hash, 'run');
      await store.saveStep(interrupted.id, 'D1', 'contact', 'done', counts);

      const selection = await runMigration({ loaded, state: store, target, dossiers: ['D2'] });
      expect(selection).toMatchObject({ runId: interrupted.id, resumed: true, status: 'succeeded' });
      expect((await store.unfinishedRun('run'))?.id).toBe(interrupted.id);

      const complete = await runMigration({ loaded, state: store, target });
      expect(complete).toMatchObject({
        runId: interrupted.id,
        resumed: true,
        dossiers: { total: 3, done: 3 },
      });
      expect(await store.unfinishedRun('run')).toBeUndefined();
    });
  });

  it('finishes a resumed run that had worked on the selected dossiers only (a pilot interrupted)', async () => {
    const { planFile, state } = setUp();
    await withStores(planFile, state, undefined, async (loaded, store, target) => {
      await store.savePlanVersion(loaded.hash, loaded.plan.name, loaded.text);
      const pilot = await store.createRun(loaded.hash, 'run');
      await store.saveStep(pilot.id, 'D2', 'contact', 'done', counts);
      const resumed = await runMigration({ loaded, state: store, target, dossiers: ['D2'] });
      expect(resumed).toMatchObject({ runId: pilot.id, resumed: true, status: 'succeeded' });
      expect(await store.unfinishedRun('run')).toBeUndefined();
    });
  });
});
