import path from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlAvailable, mysqlUrl, postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';

/**
 * A legacy database as the source: a `contacts` table in MariaDB and in PostgreSQL, with a few bad rows, migrated
 * into the embedded SQLite target. Bad rows are rejected with the table, the row's key and its record number as their
 * location (a table may hold a key twice, or NULL keys).
 */

const rows: [number, string, string | null, string, boolean, string, string][] = [
  [1, 'Anne', 'Martin', '1980-01-02', true, '2020-01-02 03:04:05.123456', '{}'], // microseconds, cut to milliseconds
  [2, 'Bruno', null, '1981-03-04', false, '2020-02-03 04:05:06', '{}'], // REQUIRED_MISSING (NULL)
  [
    3,
    'Chloé',
    'Durand',
    '31/02/1980',
    true,
    '2020-03-04 05:06:07',
    '{"fee": 1.10, "ref": 12345678901234567890}',
  ], // INVALID_DATE (text)
  [4, 'Dan', 'Roux', '1984-02-29', false, '2020-04-05 06:07:08', '{}'],
  [5, 'Eve', '', '1985-01-01', true, '2020-05-06 07:08:09', '{}'], // REQUIRED_MISSING (empty)
  [10, 'Zoë', 'Blanc', '2001-12-31', true, '2021-12-31 23:59:59', '{}'],
];

const plan = (source: string) => `version: 1
name: legacy-sql
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: ${source}
    dossier: { value: legacy }
    key: id
    fields:
      first_name: first_name
      last_name: { from: last_name, required: true }
      birth_date: { from: born, formats: [yyyy-MM-dd] }
      opt_in: active
      created_at: created
`;

/** Migrates with the CLI, reconciles, and checks the target rows and the ledger. */
const migrateAndCheck = async (planText: string, table: string) => {
  const dir = tempDir('cutover-e2e-sql-');
  writeFiles(dir, { 'cutover.yaml': planText });
  const planFile = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', planFile, '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  expect(parseJsonStdout<{ records: unknown }>(run).records).toEqual({
    read: 6,
    loaded: 3,
    merged: 0,
    skipped: 0,
    rejected: 3,
  });

  const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
  expect(reconciled.code, describeResult(reconciled)).toBe(0);
  const reconciliation = parseJsonStdout<{ ok: boolean; totals: Record<string, number> }>(reconciled);
  expect(reconciliation.ok).toBe(true);
  expect(reconciliation.totals).toMatchObject({
    source: 6,
    loaded: 3,
    skipped: 0,
    rejected: 3,
    unaccounted: 0,
    contentMismatches: 0,
  });

  const ledger = await readLedger(defaultStatePath(dir));
  expect(
    ledger.map((entry) => [
      entry.location,
      entry.source,
      entry.line,
      entry.sourceKey,
      entry.reason,
      entry.column,
    ]),
  ).toEqual([
    [`${table}#2@2`, table, null, '2', 'REQUIRED_MISSING', 'last_name'],
    [`${table}#3@3`, table, null, '3', 'INVALID_DATE', 'birth_date'],
    [`${table}#5@5`, table, null, '5', 'REQUIRED_MISSING', 'last_name'],
  ]);
  expect(ledger[1]!.message).toBe(
    'birth_date (source born): "31/02/1980" is not a date in format yyyy-MM-dd',
  );
  // The raw record is the row as the database gave it, a JSON column's numbers as written (no float, no quotes).
  expect(JSON.parse(ledger[1]!.raw)).toMatchObject({
    id: 3,
    first_name: 'Chloé',
    last_name: 'Durand',
    born: '31/02/1980',
  });
  expect(ledger[1]!.raw).toContain('"extra":{"fee":1.10,"ref":12345678901234567890}');

  expect(
    querySqlite(
      path.join(dir, 'target.db'),
      'SELECT source_key, first_name, last_name, birth_date, opt_in, created_at FROM contact ORDER BY id',
    ),
  ).toEqual([
    {
      source_key: '1',
      first_name: 'Anne',
      last_name: 'Martin',
      birth_date: '1980-01-02',
      opt_in: 1,
      created_at: '2020-01-02T03:04:05.123Z',
    },
    {
      source_key: '4',
      first_name: 'Dan',
      last_name: 'Roux',
      birth_date: '1984-02-29',
      opt_in: 0,
      created_at: '2020-04-05T06:07:08.000Z',
    },
    {
      source_key: '10',
      first_name: 'Zoë',
      last_name: 'Blanc',
      birth_date: '2001-12-31',
      opt_in: 1,
      created_at: '2021-12-31T23:59:59.000Z',
    },
  ]);
};

describe('legacy SQL tables as sources, end to end', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  describe.runIf(mysqlAvailable)('MariaDB (type: mysql)', () => {
    const database = uniqueName('e2e_legacy');
    const url = new URL(mysqlUrl);
    url.pathname = `/${database}`;

    beforeAll(async () => {
      const connection = await mysql.createConnection({ uri: mysqlUrl });
      try {
        await connection.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
        await connection.query(
          `CREATE TABLE \`${database}\`.contacts (id INT PRIMARY KEY, first_name VARCHAR(50), last_name VARCHAR(50) NULL,
           born VARCHAR(20), active TINYINT(1), created DATETIME(6), extra JSON) CHARACTER SET utf8mb4`,
        );
        // Inserted out of key order: the source reads in key order whatever the physical order.
        for (const row of [...rows].reverse()) {
          await connection.query(`INSERT INTO \`${database}\`.contacts VALUES (?, ?, ?, ?, ?, ?, ?)`, row);
        }
      } finally {
        await connection.end();
      }
    });

    afterAll(async () => {
      const connection = await mysql.createConnection({ uri: mysqlUrl });
      await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await connection.end();
    });

    it('migrates a MariaDB table into SQLite, rejects its bad rows at `contacts#key@record`, and reconciles', async () => {
      await migrateAndCheck(plan(`{ type: mysql, url: "${url.toString()}", table: contacts }`), 'contacts');
    });
  });

  describe.runIf(postgresAvailable)('PostgreSQL (type: postgres)', () => {
    const schema = uniqueName('e2e_legacy');

    beforeAll(async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA "${schema}"`);
        await client.query(
          `CREATE TABLE "${schema}".contacts (id integer PRIMARY KEY, first_name text, last_name text, born text, active boolean, created timestamp, extra jsonb)`,
        );
        for (const row of [...rows].reverse()) {
          await client.query(`INSERT INTO "${schema}".contacts VALUES ($1, $2, $3, $4, $5, $6, $7)`, row);
        }
      } finally {
        await client.end();
      }
    });

    afterAll(() => dropPostgresSchema(schema));

    it('migrates a PostgreSQL table into SQLite, rejects its bad rows at `schema.contacts#key@record`, and reconciles', async () => {
      await migrateAndCheck(
        plan(`{ type: postgres, url: "${postgresUrl}", table: ${schema}.contacts }`),
        `${schema}.contacts`,
      );
    });
  });
});
