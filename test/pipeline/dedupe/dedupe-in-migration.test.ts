import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dedupeEntity } from '../../../src/pipeline/dedupe/dedupe-entity.js';
import { undoMerge } from '../../../src/pipeline/dedupe/undo-merge.js';
import { loadPlanFile, type LoadedPlan } from '../../../src/pipeline/plan/load-plan-file.js';
import { reconcile } from '../../../src/pipeline/reconcile/reconcile.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { runMigration } from '../../../src/pipeline/run/run-migration.js';
import type { StateStore } from '../../../src/store/state/state-store.js';
import { dedupeContactsCsv, dedupePlan } from '../../e2e/support/dedupe-fixture.js';
import { readTargetRows, writeFiles } from '../../e2e/support/helpers.js';
import { dialects, openStateStore, tempDir } from '../../support/stores.js';

/** The dedupe step, the load and reconcile in-process, with the state store on each dialect. */
for (const dialect of dialects) {
  describe.runIf(dialect.available)(`dedupe in a migration, state on ${dialect.name}`, () => {
    let dir: string;
    let loaded: LoadedPlan;
    let state: StateStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      dir = tempDir('cutover-dedupe-pipeline-');
      writeFiles(dir, { 'cutover.yaml': dedupePlan, 'contacts.csv': dedupeContactsCsv() });
      loaded = await loadPlanFile(path.join(dir, 'cutover.yaml'));
      ({ store: state, cleanup } = await openStateStore(dialect.name));
    });
    afterEach(async () => {
      await cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    const migrate = async () => {
      const target = await openTarget(loaded);
      try {
        const summary = await runMigration({ loaded, state, target });
        const reconciliation = await reconcile({ loaded, state, target });
        const north = new Map(
          (await readTargetRows(target, 'contact', 'north')).map((row) => [row.sourceKey, row.values]),
        );
        return { summary, reconciliation, north };
      } finally {
        await target.close();
      }
    };

    it('applies a decision taken between two dedupes, merges, undoes, and reconciles at every step', async () => {
      const first = await dedupeEntity({ loaded, state, entity: 'contact' });
      const [pair] = await state.reviewPairs({ pending: true });
      expect(pair).toBeDefined();
      expect(await state.decideReviewPair(pair!.pairId, 'same')).toBe(true);
      const second = await dedupeEntity({ loaded, state, entity: 'contact' });
      expect(second.decisionsApplied.same).toBe(1);
      expect(second.merged).toBe(first.merged + 1);

      const merged = await migrate();
      expect(merged.summary.records.merged).toBe(second.merged);
      expect(merged.reconciliation).toMatchObject({
        ok: true,
        totals: { merged: second.merged, unaccounted: 0 },
      });
      expect(merged.north.get('A1')).toMatchObject({ phone: '+33612345678' });
      expect(merged.north.has('A2')).toBe(false);

      expect(
        (await undoMerge(state, { entity: 'contact', survivorKey: 'A1' })).map((m) => m.absorbedKey),
      ).toEqual(['A2']);
      const restored = await migrate();
      expect(restored.summary.records.merged).toBe(second.merged - 1);
      expect(restored.reconciliation.ok).toBe(true);
      expect(restored.north.get('A2')).toMatchObject({ phone: '+33612345678' });
      expect(restored.north.get('A1')).toMatchObject({ phone: null });
      expect(await state.ledgerEntries({ fate: 'merged' })).toHaveLength(second.merged - 1);
    }, 60_000);

    it('refuses to change merges while a run is unfinished, and allows it once the run is done', async () => {
      await dedupeEntity({ loaded, state, entity: 'contact' });
      const run = await state.createRun(loaded.hash, 'run');
      await expect(dedupeEntity({ loaded, state, entity: 'contact' })).rejects.toThrow(/unfinished/);
      await expect(undoMerge(state, { entity: 'contact', survivorKey: 'A1' })).rejects.toThrow(/unfinished/);
      await state.finishRun(run.id, 'succeeded', {});
      expect((await undoMerge(state, { entity: 'contact', survivorKey: 'A1' })).length).toBe(1);
    }, 60_000);

    it('refuses to undo a survivor without an active merge', async () => {
      await dedupeEntity({ loaded, state, entity: 'contact' });
      await expect(undoMerge(state, { entity: 'contact', survivorKey: 'NOPE' })).rejects.toThrow(
        'no active merge of contact with survivor NOPE',
      );
      await expect(undoMerge(state, { entity: 'contact' })).rejects.toThrow('--survivor KEY or --cluster ID');
    }, 60_000);
  });
}
