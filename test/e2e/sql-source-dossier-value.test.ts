import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { querySqlite, writeFiles } from './support/helpers.js';
import { migrateAndReconcile } from './support/portfolio.js';

/**
 * A database source grouped into one dossier (`dossier: { value: X }`) beside an entity of another dossier. Before,
 * the table was read for every dossier of the run: its records landed in both dossiers, and reconcile, counting the
 * same way, found nothing wrong.
 */
const plan = `version: 1
name: sql-dossier-value
target: { type: sqlite, url: target.db }
entities:
  user:
    source: { type: csv, path: users.csv }
    dossier: { value: team }
    key: id
    fields:
      name: name
  contact:
    source: { type: sqlite, url: legacy.db, table: contacts }
    dossier: { value: legacy }
    key: id
    fields:
      last_name: name
`;

describe('a database source with `dossier: { value: X }`', () => {
  it('is read for dossier X only, and reconcile counts it there only', async () => {
    const dir = tempDir('cutover-e2e-sql-dossier-');
    writeFiles(dir, { 'cutover.yaml': plan, 'users.csv': 'id,name\nu1,Ada\nu2,Bob\n' });
    const legacy = new Database(path.join(dir, 'legacy.db'));
    legacy.exec(`CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT);
      INSERT INTO contacts VALUES (1, 'Martin'), (2, 'Durand'), (3, 'Roux');`);
    legacy.close();

    const migrated = await migrateAndReconcile(path.join(dir, 'cutover.yaml'), path.join(dir, 'state.db'));

    expect(migrated.summary.records).toMatchObject({ read: 5, loaded: 5, rejected: 0 });
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        'SELECT dossier_id, count(*) AS n FROM contact GROUP BY dossier_id',
      ),
    ).toEqual([{ dossier_id: 'legacy', n: 3 }]);
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        'SELECT dossier_id, count(*) AS n FROM user GROUP BY dossier_id',
      ),
    ).toEqual([{ dossier_id: 'team', n: 2 }]);
    expect(migrated.reconciliation.ok).toBe(true);
    expect(migrated.reconciliation.totals).toMatchObject({ source: 5, loaded: 5, unaccounted: 0 });
  });
});
