import { mkdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';
import { contactCheckpoint, killedInContacts } from './support/kill-in-contacts.js';

/**
 * A resume skips the records its checkpoint counts, by position, unless the source's stamp changed. A SQLite source
 * had none: its table changed between a kill and the resume (a row added before the checkpoint, one gone) was resumed
 * by position, the new row given no fate, the gone one left in the target. Its database file is now stamped like a
 * CSV, and so is its write-ahead log, where a database in WAL mode takes a change first.
 */

const CONTACTS = 300_000;
const key = (i: number) => `P${String(i).padStart(6, '0')}`;

const plan = `version: 1
name: resume-source-changed-sqlite
target: { type: sqlite, url: target.db }
batchSize: 200
entities:
  contact:
    source: { type: sqlite, url: legacy.db, table: contacts }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
`;

/** The legacy database, in rollback-journal or WAL mode, closed. */
const legacyDatabase = (file: string, wal: boolean) => {
  const db = new Database(file);
  try {
    if (wal) db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE contacts (contact_id TEXT PRIMARY KEY, last_name TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO contacts VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= CONTACTS; i++) insert.run(key(i), `L${i}`);
    })();
  } finally {
    db.close();
  }
};

/**
 * A run killed in its contacts, the legacy database left as `legacyDatabase` made it; `symlinked`: the plan's
 * legacy.db is a symlink to data/legacy.db.
 */
const killedRun = async (wal: boolean, symlinked = false) => {
  const dir = tempDir('cutover-e2e-resume-sqlite-');
  writeFiles(dir, { 'cutover.yaml': plan });
  if (symlinked) {
    mkdirSync(path.join(dir, 'data'));
    legacyDatabase(path.join(dir, 'data', 'legacy.db'), wal);
    symlinkSync(path.join(dir, 'data', 'legacy.db'), path.join(dir, 'legacy.db'));
  } else legacyDatabase(path.join(dir, 'legacy.db'), wal);
  const planFile = path.join(dir, 'cutover.yaml');
  const targetFile = path.join(dir, 'target.db');
  const killed = await killedInContacts(['run', '--plan', planFile, '--json'], targetFile);
  expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
  expect(contactCheckpoint(targetFile)?.done).toBe(0);
  return { dir, planFile, targetFile };
};

/** The application's change: P000000 added before the checkpoint, P000002 gone. */
const change = (db: Database.Database) => {
  db.prepare("INSERT INTO contacts VALUES (?, 'New')").run(key(0));
  db.prepare('DELETE FROM contacts WHERE contact_id = ?').run(key(2));
};

interface Summary {
  resumed: boolean;
  records: { loaded: number; rejected: number };
  notices: { code: string; message: string }[];
}

/** Resumes, and checks that the target and ledger are those of a run never interrupted on the changed table. */
const resumedOnNewRows = async ({ dir, planFile, targetFile }: Awaited<ReturnType<typeof killedRun>>) => {
  const resumed = await cli(['run', '--plan', planFile, '--json']);
  expect(resumed.code, describeResult(resumed)).toBe(0);
  const summary = parseJsonStdout<Summary>(resumed);
  expect(summary.resumed).toBe(true);
  expect(summary.notices.map((notice) => [notice.code, notice.message])).toEqual([
    [
      'SOURCE_CHANGED_ON_RESUME',
      `the files of contact changed since this run began loading them (SQLite ${path.join(dir, 'legacy.db')} table contacts): read again from the start, not resumed by position`,
    ],
  ]);
  expect(summary.records).toMatchObject({ loaded: CONTACTS, rejected: 0 });
  expect(
    querySqlite(
      targetFile,
      'SELECT source_key, last_name FROM contact WHERE source_key IN (?, ?, ?) ORDER BY source_key',
      key(0),
      key(1),
      key(2),
    ),
  ).toEqual([
    { source_key: key(0), last_name: 'New' },
    { source_key: key(1), last_name: 'L1' },
  ]);
  expect(querySqlite(targetFile, 'SELECT count(*) AS n FROM contact')).toEqual([{ n: CONTACTS }]);
  expect(await readLedger(defaultStatePath(dir))).toEqual([]);
  const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
  expect(reconciled.code, describeResult(reconciled)).toBe(0);
};

describe('a run killed, its SQLite source changed, then resumed', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('reads the table again from its start when the database file changed', async () => {
    const killed = await killedRun(false);
    const db = new Database(path.join(killed.dir, 'legacy.db'));
    try {
      change(db);
    } finally {
      db.close();
    }
    await resumedOnNewRows(killed);
  }, 120_000);

  it('reads it again when the change is still in the write-ahead log of a database kept open', async () => {
    const killed = await killedRun(true);
    // The application keeps its connection open: its change is in legacy.db-wal, the database file is as it was.
    const file = path.join(killed.dir, 'legacy.db');
    const before = statSync(file, { bigint: true });
    const db = new Database(file);
    try {
      change(db);
      const after = statSync(file, { bigint: true });
      expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
      await resumedOnNewRows(killed);
    } finally {
      db.close();
    }
  }, 120_000);

  it('reads it again when the database is reached through a symlink and the change is in the log beside its file', async () => {
    const killed = await killedRun(true, true);
    // SQLite keeps the log beside the file the link leads to (data/legacy.db-wal), not beside the link.
    const file = path.join(killed.dir, 'data', 'legacy.db');
    const db = new Database(file);
    try {
      change(db);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
      await resumedOnNewRows(killed);
    } finally {
      db.close();
    }
  }, 120_000);

  it('resumes by position a WAL database that did not change, though the killed read left an empty log beside it', async () => {
    const { dir, planFile, targetFile } = await killedRun(true);
    expect(statSync(path.join(dir, 'legacy.db-wal')).size).toBe(0);
    const resumed = await cli(['run', '--plan', planFile, '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const summary = parseJsonStdout<Summary>(resumed);
    expect(summary.resumed).toBe(true);
    expect(summary.notices).toEqual([]);
    expect(querySqlite(targetFile, 'SELECT count(*) AS n FROM contact')).toEqual([{ n: CONTACTS }]);
    expect(await readLedger(defaultStatePath(dir))).toEqual([]);
  }, 120_000);
});
