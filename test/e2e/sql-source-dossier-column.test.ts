import path from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlAvailable, mysqlUrl, postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { querySqlite, writeFiles } from './support/helpers.js';
import { migrateAndReconcile } from './support/portfolio.js';

/**
 * A database source grouped by a dossier column (`dossier: { field: d }`), with the values a legacy table holds:
 * the same id in another case, with spaces around it, NULL and empty. Before, the dossiers of such a source were
 * never found by reading it (0 records read and a reconcile that proved 0 = 0), and with a registry each dossier's
 * read asked the database for `d = 'D1'`: NULL, ' D1' and unlisted dossiers had no fate at all, and MariaDB's
 * case-insensitive collation put `d1` into D1. Every row now has one fate, as for the same rows in a CSV.
 */
const rows: [string, string, string | null][] = [
  ['1', 'Anne', 'D1'],
  ['2', 'Bruno', 'd1'],
  ['3', 'Chloé', 'D1 '],
  ['4', 'Dan', ' D1'],
  ['5', 'Eve', 'D2'],
  ['6', 'Fanny', null],
  ['7', 'Gus', 'D3'],
  ['8', 'Hugo', ''],
];

const plan = (source: string, registry: boolean) => `version: 1
name: sql-dossier-column
target: { type: sqlite, url: target.db }
${registry ? 'dossiers:\n  registry: { source: { type: csv, path: registry.csv }, id: id, name: name }\n' : ''}entities:
  company:
    source: ${source}
    dossier: { field: d }
    key: id
    fields:
      name: name
`;

const migrate = async (source: string, registry: boolean) => {
  const dir = tempDir('cutover-e2e-sql-dossier-column-');
  writeFiles(dir, { 'cutover.yaml': plan(source, registry), 'registry.csv': 'id,name\nD1,One\nD2,Two\n' });
  return {
    dir,
    migrated: await migrateAndReconcile(path.join(dir, 'cutover.yaml'), path.join(dir, 'state.db')),
  };
};

/** Every row in one dossier by its trimmed value, case kept; NULL and empty rejected NO_DOSSIER. */
const expectEveryRowAccounted = async (source: string) => {
  for (const registry of [false, true]) {
    const { dir, migrated } = await migrate(source, registry);
    expect(migrated.summary.records).toMatchObject({ read: 8, loaded: 6, rejected: 2 });
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        'SELECT dossier_id, source_key FROM company ORDER BY dossier_id, source_key',
      ),
    ).toEqual([
      { dossier_id: 'D1', source_key: '1' },
      { dossier_id: 'D1', source_key: '3' },
      { dossier_id: 'D1', source_key: '4' },
      { dossier_id: 'D2', source_key: '5' },
      { dossier_id: 'D3', source_key: '7' },
      { dossier_id: 'd1', source_key: '2' },
    ]);
    expect(migrated.ledger.map((entry) => [entry.reason, entry.sourceKey ?? entry.location])).toEqual([
      ['NO_DOSSIER', expect.stringContaining('#6@')],
      ['NO_DOSSIER', expect.stringContaining('#8@')],
    ]);
    expect(migrated.reconciliation.ok).toBe(true);
    expect(migrated.reconciliation.totals).toMatchObject({
      source: 8,
      loaded: 6,
      rejected: 2,
      unaccounted: 0,
    });
  }
};

describe('a database source whose dossier is a column', () => {
  it('SQLite, the column COLLATE NOCASE: every row has one fate, in the dossier its value names', async () => {
    const dir = tempDir('cutover-e2e-sql-dossier-column-db-');
    const file = path.join(dir, 'legacy.db');
    const legacy = new Database(file);
    legacy.exec('CREATE TABLE companies (id TEXT PRIMARY KEY, name TEXT, d TEXT COLLATE NOCASE)');
    const insert = legacy.prepare('INSERT INTO companies VALUES (?, ?, ?)');
    for (const row of rows) insert.run(...row);
    legacy.close();
    await expectEveryRowAccounted(`{ type: sqlite, url: "${file}", table: companies }`);
  });

  describe.runIf(postgresAvailable)('PostgreSQL', () => {
    const schema = uniqueName('e2e_dossier_column');
    afterAll(() => dropPostgresSchema(schema));

    it('every row has one fate, in the dossier its value names, in a case-insensitive citext column', async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${schema}"`);
        // citext, which takes D1 and d1 as equal (a DISTINCT folded them, and d1's row had no fate).
        await client.query('CREATE EXTENSION IF NOT EXISTS citext');
        await client.query(`CREATE TABLE "${schema}".companies (id text PRIMARY KEY, name text, d citext)`);
        for (const row of rows)
          await client.query(`INSERT INTO "${schema}".companies VALUES ($1, $2, $3)`, row);
      } finally {
        await client.end();
      }
      await expectEveryRowAccounted(`{ type: postgres, url: "${postgresUrl}", table: ${schema}.companies }`);
    });
  });

  describe.runIf(mysqlAvailable)('MariaDB, case-insensitive collation', () => {
    const table = uniqueName('e2e_dossier_column');
    afterAll(async () => {
      const connection = await mysql.createConnection({ uri: mysqlUrl });
      await connection.query(`DROP TABLE IF EXISTS \`${table}\``);
      await connection.end();
    });

    it('every row has one fate, in the dossier its value names (`d1` is not D1)', async () => {
      const connection = await mysql.createConnection({ uri: mysqlUrl });
      try {
        await connection.query(
          `CREATE TABLE \`${table}\` (id VARCHAR(10) PRIMARY KEY, name VARCHAR(20), d VARCHAR(10))
           CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`,
        );
        for (const row of rows) await connection.query(`INSERT INTO \`${table}\` VALUES (?, ?, ?)`, row);
      } finally {
        await connection.end();
      }
      await expectEveryRowAccounted(`{ type: mysql, url: "${mysqlUrl}", table: ${table} }`);
    });
  });
});
