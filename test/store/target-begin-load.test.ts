import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { targetColumns } from '../../src/store/target/target-ddl.js';
import type { TargetRow, TargetStore } from '../../src/store/target/target-store.js';
import { openTargetStore, targetVariants } from '../support/stores.js';

const companyColumns = targetColumns('company').map((column) => column.name);
const company = (sourceKey: string, name: string): TargetRow => ({
  sourceKey,
  values: companyColumns.map((column) => (column === 'name' ? name : null)),
});

/**
 * A load's ledger is cleared when it begins, and replay finds the units to run again among the rejects of the
 * ledger and the loads the target lists unfinished: a load must be listed from the moment it begins, not from its
 * first commit (see test/e2e/replay-killed-before-first-commit.test.ts).
 */
for (const dialect of targetVariants) {
  describe.runIf(dialect.available)(`beginLoad on ${dialect.name}`, () => {
    let target: TargetStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ target, cleanup } = await openTargetStore(dialect.name));
    });
    afterEach(async () => cleanup());

    it('marks a load begun over the earlier run’s finished one: unfinished, nothing read, in the mode given', async () => {
      const done = { runId: 'r1', recordsRead: 1, loaded: 1, skipped: 0, rejected: 0, repeats: 0 };
      await target.writeBatch({
        dossier: 'D1',
        entity: 'company',
        runId: 'r1',
        mode: 'insert',
        rows: [company('C1', 'Acme')],
        checkpoint: { ...done, mode: 'insert', done: false },
        onDuplicates: () => Promise.resolve(),
      });
      await target.finishLoad('D1', 'company', { ...done, mode: 'insert', done: true });
      expect(await target.unfinishedLoads()).toEqual([]);

      await target.beginLoad('D1', 'company', 'r2', 'upsert');
      expect(await target.checkpoint('D1', 'company')).toEqual({
        runId: 'r2',
        recordsRead: 0,
        loaded: 0,
        skipped: 0,
        rejected: 0,
        repeats: 0,
        mode: 'upsert',
        done: false,
        updated: 0,
        unchanged: 0,
      });
      expect(await target.unfinishedLoads()).toEqual([{ dossier: 'D1', entity: 'company' }]);
      // The earlier run's rows are untouched until the load writes or finishes.
      expect(await target.resolveKeys('company', 'D1', ['C1'], 'r1')).toEqual(
        new Map([['C1', expect.any(Number) as number]]),
      );
    });
  });
}
