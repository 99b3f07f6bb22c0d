import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { tempDir } from '../support/stores.js';
import { writeFiles } from './support/helpers.js';
import { withStores } from './support/portfolio.js';

const plan = `version: 1
name: ids
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: id
    fields:
      last_name: name
`;

/**
 * A target id is the new system's id of a record: once given, it is never given to another record. SQLite's plain
 * INTEGER PRIMARY KEY takes the largest id in the table plus one, so the id of a row removed from the end of the
 * table (its record gone from the source) went to the next record loaded; PostgreSQL's identity never does that.
 */
describe('the SQLite target', () => {
  it('never gives the id of a removed row to another record', async () => {
    const dir = tempDir('cutover-e2e-ids-');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': 'id,name\n1,Ada\n2,Bo\n3,Cy\n' });
    const run = () =>
      withStores(
        path.join(dir, 'cutover.yaml'),
        path.join(dir, 'state.db'),
        undefined,
        (loaded, state, target) => runMigration({ loaded, state, target }),
      );
    const ids = () => {
      const db = new Database(path.join(dir, 'target.db'), { readonly: true });
      try {
        return db.prepare('SELECT source_key, id FROM contact ORDER BY id').all() as {
          source_key: string;
          id: number;
        }[];
      } finally {
        db.close();
      }
    };
    await run();
    const first = ids();
    const idOf3 = first.find((row) => row.source_key === '3')!.id;

    writeFiles(dir, { 'contacts.csv': 'id,name\n1,Ada\n2,Bo\n' });
    await run();
    expect(ids().map((row) => row.source_key)).toEqual(['1', '2']);

    writeFiles(dir, { 'contacts.csv': 'id,name\n1,Ada\n2,Bo\n4,Di\n' });
    await run();
    const last = ids();
    expect(last.filter((row) => row.source_key !== '4')).toEqual(
      first.filter((row) => row.source_key !== '3'),
    );
    expect(last.find((row) => row.source_key === '4')!.id).toBeGreaterThan(idOf3);
  });
});
