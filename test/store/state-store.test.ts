import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry, StateStore } from '../../src/store/state/state-store.js';
import { dialects, openStateStore } from '../support/stores.js';

const entry = (location: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  dossierId: 'D1',
  entity: 'contact',
  location,
  runId: 'r1',
  fate: 'rejected',
  reason: 'INVALID_DATE',
  rule: null,
  message: 'birth_date: "31/02/1980" is not a date',
  column: 'birth_date',
  sourceKey: 'K1',
  source: 'contacts.csv',
  line: 12,
  record: 11,
  raw: '7;Zoé;Durand;31/02/1980',
  ...overrides,
});

for (const dialect of dialects) {
  describe.runIf(dialect.available)(`state store on ${dialect.name}`, () => {
    let store: StateStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await openStateStore(dialect.name));
    });
    afterEach(async () => cleanup());

    it('migrates a new store and opens it again without migrating twice', async () => {
      await store.savePlanVersion('abc', 'demo', 'version: 1');
      await store.savePlanVersion('abc', 'demo', 'version: 1');
      const run = await store.createRun('abc', 'run');
      expect(await store.unfinishedRun('run')).toMatchObject({
        id: run.id,
        planHash: 'abc',
        status: 'running',
      });
      await store.finishRun(run.id, 'succeeded', { records: 3 });
      expect(await store.unfinishedRun('run')).toBeUndefined();
      expect(await store.latestRun()).toMatchObject({
        id: run.id,
        status: 'succeeded',
        summary: { records: 3 },
      });
    });

    it('keeps one ledger entry per record however often a unit writes it, with the raw record as read', async () => {
      await store.writeLedger([
        entry('contacts.csv:12'),
        entry('contacts.csv:13', { fate: 'skipped', reason: null, rule: 'test-records' }),
      ]);
      await store.writeLedger([entry('contacts.csv:12', { runId: 'r2' })]);
      const entries = await store.ledgerEntries({ dossierId: 'D1' });
      expect(entries).toHaveLength(2);
      expect(entries[0]).toMatchObject({
        location: 'contacts.csv:12',
        runId: 'r2',
        raw: '7;Zoé;Durand;31/02/1980',
        line: 12,
        record: 11,
      });
      expect(await store.ledgerCounts()).toEqual(
        expect.arrayContaining([
          { dossierId: 'D1', entity: 'contact', fate: 'rejected', count: 1 },
          { dossierId: 'D1', entity: 'contact', fate: 'skipped', count: 1 },
        ]),
      );
      await store.clearLedger('D1', 'contact');
      expect(await store.ledgerEntries()).toHaveLength(0);
    });

    it('stores dossiers with attributes and run steps with their counts', async () => {
      await store.upsertDossiers([{ id: 'D2', name: 'Boulangerie', attributes: { siren: '732829320' } }]);
      await store.upsertDossiers([
        { id: 'D2', name: 'Boulangerie Martin', attributes: { siren: '732829320' } },
      ]);
      expect(await store.listDossiers()).toEqual([
        { id: 'D2', name: 'Boulangerie Martin', attributes: { siren: '732829320' } },
      ]);
      await store.saveStep('r1', 'D2', 'entry_line', 'done', {
        recordsRead: 10,
        loaded: 8,
        skipped: 1,
        rejected: 1,
        repeats: 0,
      });
      expect(await store.steps('r1')).toEqual([
        {
          dossierId: 'D2',
          entity: 'entry_line',
          status: 'done',
          recordsRead: 10,
          loaded: 8,
          skipped: 1,
          rejected: 1,
          repeats: 0,
        },
      ]);
    });
  });
}
