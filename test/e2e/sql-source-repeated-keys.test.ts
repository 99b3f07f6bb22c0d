import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/pipeline/reconcile/reconcile.js';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { writeFiles } from './support/helpers.js';
import { withStores } from './support/portfolio.js';

/**
 * A legacy table whose "key" is not unique: the same id three times, NULL ids. Each row is a record with its own
 * fate and its own ledger entry (the location adds the record number to the key), so that nothing vanishes and
 * reconcile adds up; before, the rows sharing a key shared one ledger entry, and on a PostgreSQL state store the
 * run failed on its own ledger write.
 */
const plan = `version: 1
name: repeated-keys
target: { type: sqlite, url: target.db }
thresholds: { maxRejectedRatio: 1 }
entities:
  contact:
    source: { type: sqlite, url: legacy.db, table: t }
    dossier: { value: crm }
    key: id
    fields:
      last_name: name
`;

const migrate = async (stateLocation: string, stateSchema?: string) => {
  const dir = tempDir('cutover-e2e-sql-keys-');
  writeFiles(dir, { 'cutover.yaml': plan });
  const legacy = new Database(path.join(dir, 'legacy.db'));
  legacy.exec(`CREATE TABLE t (id TEXT, name TEXT);
    INSERT INTO t VALUES ('1', 'a'), ('1', 'b'), ('1', 'c'), (NULL, 'n1'), (NULL, 'n2'), ('2', 'ok');`);
  legacy.close();
  return withStores(
    path.join(dir, 'cutover.yaml'),
    stateLocation,
    stateSchema,
    async (loaded, state, target) => ({
      summary: await runMigration({ loaded, state, target }),
      reconciliation: await reconcile({ loaded, state, target }),
      ledger: await state.ledgerEntries(),
    }),
  );
};

const expectEveryRowAccountedFor = (migrated: Awaited<ReturnType<typeof migrate>>) => {
  expect(migrated.summary.records).toMatchObject({ read: 6, loaded: 2, rejected: 4 });
  expect(migrated.reconciliation.totals.unaccounted).toBe(0);
  expect(migrated.reconciliation.ok).toBe(true);
  expect(
    migrated.ledger.map((entry) => [entry.location, entry.record, entry.sourceKey, entry.reason]).sort(),
  ).toEqual([
    // Read in key order: SQLite puts NULL first, so rows 1 and 2 are the NULL ids, 3 to 5 the id 1.
    ['t#1@4', 4, '1', 'DUPLICATE_SOURCE_KEY'],
    ['t#1@5', 5, '1', 'DUPLICATE_SOURCE_KEY'],
    ['t#@1', 1, null, 'MISSING_SOURCE_KEY'],
    ['t#@2', 2, null, 'MISSING_SOURCE_KEY'],
  ]);
};

describe('a SQL source whose key repeats or is NULL', () => {
  it('gives each row its own ledger entry and fate (SQLite state store)', async () => {
    expectEveryRowAccountedFor(await migrate(path.join(tempDir('cutover-e2e-sql-keys-state-'), 'state.db')));
  });

  describe.runIf(postgresAvailable)('on a PostgreSQL state store', () => {
    const schema = uniqueName('e2e_sql_keys_state');
    afterAll(() => dropPostgresSchema(schema));

    it('gives each row its own ledger entry and fate, where the run used to fail on its own ledger', async () => {
      expectEveryRowAccountedFor(await migrate(postgresUrl, schema));
    });
  });
});
