import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigration, type RunProgress } from '../../src/pipeline/run/run-migration.js';
import { mysqlAvailable, mysqlUrl, postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, executePostgres, tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';
import { contactCheckpoint, killedInContacts } from './support/kill-in-contacts.js';
import { withStores } from './support/portfolio.js';

/**
 * A PostgreSQL or MariaDB table has no stamp a resume could trust (README, How it stays correct), so a row added to
 * the records a killed run had read (or removed from them, or given another key) shifted the positions a resume skips
 * by: the new row was never loaded, the gone one stayed in the target, and only reconcile noticed. The resume now
 * checks the records it replays against the rows and ledger entries the killed run wrote, and starts the unit over
 * (SOURCE_CHANGED_ON_RESUME) when they are not the same: it ends as a run never interrupted would on the new rows.
 */

const CONTACTS = 30_000;

/** A legacy database server holding `contacts` tables: one per test, each test's change its own. */
interface Legacy {
  readonly source: (table: string) => string;
  /** Every tenth contact without a last name (rejected), unless `clean`. */
  readonly create: (table: string, clean?: boolean) => Promise<void>;
  readonly execute: (sql: string) => Promise<void>;
  /** The statement that lets a table hold a key twice. */
  readonly dropPrimaryKey: (table: string) => string;
}

const postgresLegacy = (schema: string): Legacy => {
  const execute = executePostgres;
  return {
    source: (table) => `{ type: postgres, url: "${postgresUrl}", table: ${schema}.${table} }`,
    create: async (table, clean = false) => {
      await execute(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      // Every tenth contact has no last name: rejected, its fate in the ledger, not in the target.
      await execute(
        `CREATE TABLE "${schema}".${table} AS SELECT 'P' || lpad(i::text, 6, '0') AS contact_id,
           CASE WHEN i % 10 = 0 AND NOT ${clean} THEN NULL ELSE 'L' || i END AS last_name FROM generate_series(1, ${CONTACTS}) AS i`,
      );
      await execute(`ALTER TABLE "${schema}".${table} ADD PRIMARY KEY (contact_id)`);
    },
    execute: (sql) => execute(sql.replaceAll('{schema}', `"${schema}"`)),
    dropPrimaryKey: (table) => `ALTER TABLE {schema}.${table} DROP CONSTRAINT ${table}_pkey`,
  };
};

const mysqlLegacy = (database: string): Legacy => {
  const url = new URL(mysqlUrl);
  url.pathname = `/${database}`;
  const execute = async (sql: string) => {
    const connection = await mysql.createConnection({ uri: mysqlUrl });
    try {
      await connection.query(sql);
    } finally {
      await connection.end();
    }
  };
  return {
    source: (table) => `{ type: mysql, url: "${url.toString()}", table: ${table} }`,
    create: async (table, clean = false) => {
      await execute(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
      await execute(
        `CREATE TABLE \`${database}\`.${table} (contact_id VARCHAR(10) PRIMARY KEY, last_name VARCHAR(20) NULL)`,
      );
      await execute(
        `INSERT INTO \`${database}\`.${table} SELECT CONCAT('P', LPAD(seq, 6, '0')),
           CASE WHEN seq % 10 = 0 AND NOT ${clean} THEN NULL ELSE CONCAT('L', seq) END FROM seq_1_to_${CONTACTS}`,
      );
    },
    execute: (sql) => execute(sql.replaceAll('{schema}', `\`${database}\``)),
    dropPrimaryKey: (table) => `ALTER TABLE {schema}.${table} DROP PRIMARY KEY`,
  };
};

/** Batches of 201 records: the last of a batch (201) and the first of the next (202) are both loaded rows. */
const plan = (source: string) => `version: 1
name: resume-sql-source-changed
target: { type: sqlite, url: target.db }
batchSize: 201
entities:
  contact:
    source: ${source}
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
`;

interface Summary {
  resumed: boolean;
  records: { loaded: number; rejected: number };
  notices: { code: string; message: string }[];
}

/** What a run leaves, ids and run ids aside: the target's rows and the ledger's entries. */
const outcome = async (dir: string) => ({
  rows: querySqlite(
    path.join(dir, 'target.db'),
    'SELECT source_key, last_name FROM contact ORDER BY source_key',
  ),
  ledger: (await readLedger(defaultStatePath(dir))).map((entry) => [
    entry.location,
    entry.fate,
    entry.reason,
    entry.sourceKey,
    entry.raw,
  ]),
});

/** A run killed once its contacts' checkpoint passed 2,000 records, on a table of its own. */
const killedRun = async (legacy: Legacy, table: string, clean = false) => {
  await legacy.create(table, clean);
  const dir = tempDir('cutover-e2e-resume-sql-');
  writeFiles(dir, { 'cutover.yaml': plan(legacy.source(table)) });
  const planFile = path.join(dir, 'cutover.yaml');
  const targetFile = path.join(dir, 'target.db');
  const killed = await killedInContacts(['run', '--plan', planFile, '--json'], targetFile);
  expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
  const checkpoint = contactCheckpoint(targetFile);
  expect(checkpoint?.done).toBe(0);
  expect(checkpoint!.read).toBeLessThan(CONTACTS);
  return { dir, planFile };
};

/** The same plan run whole, never interrupted, on the table as it is now. */
const uninterrupted = async (legacy: Legacy, table: string) => {
  const dir = tempDir('cutover-e2e-resume-sql-whole-');
  writeFiles(dir, { 'cutover.yaml': plan(legacy.source(table)) });
  const run = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  return outcome(dir);
};

const resume = async (planFile: string): Promise<Summary> => {
  const resumed = await cli(['run', '--plan', planFile, '--json']);
  expect(resumed.code, describeResult(resumed)).toBe(0);
  const summary = parseJsonStdout<Summary>(resumed);
  expect(summary.resumed).toBe(true);
  return summary;
};

/** The changes an application makes to the rows the killed run had read, and what the resume must say of each. */
const changes: {
  name: string;
  sql: (table: string, legacy: Legacy) => string[];
  found: RegExp;
  /** A table without rejected rows: the ledger holds none of the records replayed, and is not asked. */
  clean?: true;
}[] = [
  {
    name: 'a row added before the checkpoint',
    sql: (table) => [`INSERT INTO {schema}.${table} VALUES ('P000000', 'New')`],
    found: /key P000000 \(record 1\) is not a record this run had read there before it stopped/,
  },
  {
    name: 'a row added before the checkpoint of a table without rejected rows',
    sql: (table) => [`INSERT INTO {schema}.${table} VALUES ('P000000', 'New')`],
    found: /key P000000 \(record 1\) is not a record this run had read there before it stopped/,
    clean: true,
  },
  {
    name: 'a row removed before the checkpoint',
    sql: (table) => [`DELETE FROM {schema}.${table} WHERE contact_id = 'P000002'`],
    // Every record after it moved up one place: the first rejected one (P000010) is no longer where it was.
    found: /key P000010 \(record 9\) is not a record this run had read there/,
  },
  {
    name: 'a row given another key before the checkpoint',
    sql: (table) => [`UPDATE {schema}.${table} SET contact_id = 'P000001x' WHERE contact_id = 'P000005'`],
    found: /key P000001x \(record 2\) is not a record this run had read there/,
  },
  {
    // The records before it are the same: only the source's end, short of the checkpoint, tells.
    name: 'the rows after the first thousand removed',
    sql: (table) => [`DELETE FROM {schema}.${table} WHERE contact_id > 'P001000'`],
    found: /it now holds 1,000 records, where this run had read [\d,]+ before it stopped/,
  },
  {
    // Records 201 and 202 now both say P000201, in two batches: each is one of the rows the killed run wrote, but
    // the same one, and P000202's row is found by none (only the rows' count and ids added up tell).
    name: 'a row given the key of the row before it, in the batch before',
    sql: (table, legacy) => [
      legacy.dropPrimaryKey(table),
      `UPDATE {schema}.${table} SET contact_id = 'P000201', last_name = 'L201' WHERE contact_id = 'P000202'`,
    ],
    found: /its first [\d,]+ records are no longer those this run had read before it stopped/,
  },
];

/**
 * Companies (finished before the kill) and their contacts, of one dossier, from tables `companies_SUFFIX` and
 * `contacts_SUFFIX`.
 */
const companiesPlan = (legacy: Legacy, suffix: string) => `version: 1
name: resume-sql-source-changed-dossier
target: { type: sqlite, url: target.db }
batchSize: 201
entities:
  company:
    source: ${legacy.source(`companies_${suffix}`)}
    dossier: { value: crm }
    key: company_id
    fields:
      name: { from: name, required: true }
  contact:
    source: ${legacy.source(`contacts_${suffix}`)}
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
      company_id: company_id
`;

/**
 * A run of companiesPlan killed in its contacts (its two companies loaded), then a company added with a contact of its
 * own, before the checkpoint: the contact is loaded only if the companies are read again too (else it is rejected, its
 * company unknown).
 */
const killedInDossier = async (db: Legacy, suffix: string) => {
  await db.create(`contacts_${suffix}`);
  for (const sql of [
    `CREATE TABLE {schema}.companies_${suffix} (company_id VARCHAR(10) PRIMARY KEY, name VARCHAR(20))`,
    `INSERT INTO {schema}.companies_${suffix} VALUES ('C001', 'Acme'), ('C002', 'Bolt')`,
    `ALTER TABLE {schema}.contacts_${suffix} ADD COLUMN company_id VARCHAR(10)`,
    `UPDATE {schema}.contacts_${suffix} SET company_id = 'C001'`,
  ])
    await db.execute(sql);
  const dir = tempDir('cutover-e2e-resume-sql-dossier-');
  writeFiles(dir, { 'cutover.yaml': companiesPlan(db, suffix) });
  const planFile = path.join(dir, 'cutover.yaml');
  const killed = await killedInContacts(['run', '--plan', planFile, '--json'], path.join(dir, 'target.db'));
  expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
  for (const sql of [
    `INSERT INTO {schema}.companies_${suffix} VALUES ('C000', 'New')`,
    `INSERT INTO {schema}.contacts_${suffix} VALUES ('P000000', 'New', 'C000')`,
  ])
    await db.execute(sql);
  return { dir, planFile };
};

const scenarios = (legacy: () => Legacy) => {
  for (const change of changes)
    it(`starts the unit over when ${change.name}, and ends as a run never interrupted on the new rows`, async () => {
      const table = `contacts_${changes.indexOf(change)}`;
      const { dir, planFile } = await killedRun(legacy(), table, change.clean);
      for (const sql of change.sql(table, legacy())) await legacy().execute(sql);
      const summary = await resume(planFile);
      expect(summary.notices.map((notice) => notice.code)).toEqual(['SOURCE_CHANGED_ON_RESUME']);
      expect(summary.notices[0]!.message).toMatch(
        /^the rows of contact changed since this run began loading them \(.+\): .+; read again from the start, not resumed by position$/,
      );
      expect(summary.notices[0]!.message).toMatch(change.found);
      expect(await outcome(dir)).toEqual(await uninterrupted(legacy(), table));
      const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
      expect(reconciled.code, describeResult(reconciled)).toBe(0);
    }, 180_000);

  it("starts the dossier's finished units over with the unit whose rows changed, counting each record once", async () => {
    const db = legacy();
    const { dir, planFile } = await killedInDossier(db, 'd');
    const summary = await resume(planFile);
    expect(summary.notices.map((notice) => [notice.code, notice.message])).toEqual([
      [
        'SOURCE_CHANGED_ON_RESUME',
        'company read again from the start with the rest of dossier crm, whose rows changed since this run began loading them',
      ],
      [
        'SOURCE_CHANGED_ON_RESUME',
        expect.stringMatching(/^the rows of contact changed .+ key P000000 \(record 1\)/),
      ],
    ]);
    const whole = tempDir('cutover-e2e-resume-sql-dossier-whole-');
    writeFiles(whole, { 'cutover.yaml': companiesPlan(db, 'd') });
    const run = await cli(['run', '--plan', path.join(whole, 'cutover.yaml'), '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(summary.records).toEqual(parseJsonStdout<Summary>(run).records);
    expect(summary.records).toMatchObject({ loaded: 3 + CONTACTS * 0.9 + 1 });
    const rows = (at: string) =>
      querySqlite(
        path.join(at, 'target.db'),
        'SELECT c.source_key, c.last_name, p.source_key AS company FROM contact c JOIN company p ON p.id = c.company_id ORDER BY c.source_key',
      );
    expect(rows(dir)).toEqual(rows(whole));
    expect((await outcome(dir)).ledger).toEqual((await outcome(whole)).ledger);
  }, 180_000);

  // The live progress (records, rate, ETA) counts the records this process reads. The dossier's first attempt, which
  // finds the rows changed, counts none: the units before the resumed one were done before the kill and are not read
  // again, and the replay check throws before the resumed unit's first commit. Only the attempt that starts over is
  // counted, each record once, as the summary counts them.
  it('counts in its live progress each record of the dossier it starts over once, as its summary does', async () => {
    const { dir, planFile } = await killedInDossier(legacy(), 'p');
    const events: RunProgress[] = [];
    const summary = await withStores(planFile, defaultStatePath(dir), undefined, (loaded, state, target) =>
      runMigration({ loaded, state, target, onProgress: (event) => events.push(event) }),
    );
    expect(summary.resumed).toBe(true);
    expect(summary.notices.map((notice) => notice.code)).toEqual([
      'SOURCE_CHANGED_ON_RESUME',
      'SOURCE_CHANGED_ON_RESUME',
    ]);
    // Three companies and every contact, the new one too, each read once.
    expect(summary.records.read).toBe(3 + CONTACTS + 1);
    expect(events.at(-1)).toMatchObject({ dossiersDone: 1, records: summary.records.read, etaMs: 0 });
    expect(Math.max(...events.map((event) => event.records))).toBe(summary.records.read);
  }, 180_000);

  it('resumes by position, saying nothing, when the rows did not change', async () => {
    const { dir, planFile } = await killedRun(legacy(), 'contacts_same');
    const summary = await resume(planFile);
    expect(summary.notices).toEqual([]);
    expect(summary.records).toEqual(
      expect.objectContaining({ loaded: CONTACTS * 0.9, rejected: CONTACTS * 0.1 }),
    );
    expect(await outcome(dir)).toEqual(await uninterrupted(legacy(), 'contacts_same'));
  }, 180_000);
};

describe('a run killed, its database source changed, then resumed', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  describe.runIf(postgresAvailable)('PostgreSQL (type: postgres)', () => {
    const schema = uniqueName('e2e_resume');
    afterAll(() => dropPostgresSchema(schema));
    scenarios(() => postgresLegacy(schema));
  });

  describe.runIf(mysqlAvailable)('MariaDB (type: mysql)', () => {
    const database = uniqueName('e2e_resume');
    afterAll(async () => {
      const connection = await mysql.createConnection({ uri: mysqlUrl });
      await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await connection.end();
    });
    scenarios(() => mysqlLegacy(database));
  });
});
