import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';

/**
 * A legacy SQLite database whose program wrote one name in Windows-1252 (`M\xFCller`), which SQLite stores as TEXT
 * without checking: the run reads it as `Müller` and says so, reconcile (reading the source the same way) is green,
 * and goes red when the target's text differs from it. Declared `utf-8`, the row is rejected, the others loaded.
 */

const contactCount = 50;
const legacyId = 20;

const plan = (encoding: string, dossier = '{ value: legacy }') => `version: 1
name: legacy-sqlite-text
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: sqlite, url: legacy.db, table: contacts${encoding === '' ? '' : `, encoding: ${encoding}`} }
    dossier: ${dossier}
    key: id
    fields:
      first_name: first_name
      last_name: last_name
`;

/** A plan beside a legacy database of contactCount contacts, one of whose last names is Windows-1252. */
const legacyMigration = (encoding: string, dossier?: string): string => {
  const dir = tempDir('cutover-e2e-sqlite-text-');
  writeFiles(dir, { 'cutover.yaml': plan(encoding, dossier) });
  const database = new Database(path.join(dir, 'legacy.db'));
  try {
    database.exec('CREATE TABLE contacts (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT)');
    const insert = database.prepare('INSERT INTO contacts VALUES (?, ?, ?)');
    for (let id = 1; id <= contactCount; id += 1) insert.run(id, `Anne ${id}`, `Martin ${id}`);
    database.exec(`UPDATE contacts SET last_name = CAST(X'4dfc6c6c6572' AS TEXT) WHERE id = ${legacyId}`);
    if (dossier !== undefined) {
      // Two dossiers by a column, one of them named in Windows-1252 (`É`): `dossier: { field: initial }`.
      database.exec('ALTER TABLE contacts ADD COLUMN initial TEXT');
      database.exec(
        `UPDATE contacts SET initial = CASE WHEN id % 2 = 0 THEN CAST(X'c9' AS TEXT) ELSE 'M' END`,
      );
    }
  } finally {
    database.close();
  }
  return path.join(dir, 'cutover.yaml');
};

interface RunJson {
  readonly records: Record<string, number>;
  readonly notices: readonly { code: string; message: string; source: string }[];
}

interface ReconcileJson {
  readonly ok: boolean;
  readonly totals: Record<string, number>;
}

describe('SQLite text that is not UTF-8, end to end', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('loads Windows-1252 text as written, with a notice; reconcile is green, and red once the target differs', async () => {
    const planFile = legacyMigration('');
    const dir = path.dirname(planFile);
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const summary = parseJsonStdout<RunJson>(run);
    expect(summary.records).toMatchObject({ read: contactCount, loaded: contactCount, rejected: 0 });
    expect(summary.notices.map((notice) => [notice.code, notice.message])).toEqual([
      [
        'ENCODING_FALLBACK',
        expect.stringContaining(
          `table contacts, column "last_name": 1 value is not valid UTF-8 (key ${legacyId}, record ${legacyId}): read as Windows-1252`,
        ),
      ],
    ]);
    const target = path.join(dir, 'target.db');
    const names = querySqlite<{ source_key: string; last_name: string }>(
      target,
      'SELECT source_key, last_name FROM contact ORDER BY CAST(source_key AS INTEGER)',
    );
    expect(names.map((row) => row.source_key)).toEqual(
      Array.from({ length: contactCount }, (_, index) => String(index + 1)),
    );
    expect(names[legacyId - 1]?.last_name).toBe('Müller');

    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<ReconcileJson>(reconciled)).toMatchObject({
      ok: true,
      totals: { source: contactCount, loaded: contactCount, unaccounted: 0, contentMismatches: 0 },
    });

    // The target as the driver alone would have loaded it: each invalid byte U+FFFD.
    const database = new Database(target);
    try {
      const tamper = database.prepare('UPDATE contact SET last_name = ? WHERE source_key = ?');
      expect(tamper.run('M\uFFFDller', String(legacyId)).changes).toBe(1);
    } finally {
      database.close();
    }
    const red = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(red.code, describeResult(red)).toBe(5);
    expect(parseJsonStdout<ReconcileJson>(red)).toMatchObject({
      ok: false,
      totals: { contentMismatches: 1 },
    });
  }, 120_000);

  it('with `encoding: utf-8`, rejects the row INVALID_ENCODING with its raw record, loads the others, and reconciles', async () => {
    const planFile = legacyMigration('utf-8');
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(parseJsonStdout<RunJson>(run).records).toMatchObject({
      read: contactCount,
      loaded: contactCount - 1,
      rejected: 1,
    });
    const ledger = await readLedger(defaultStatePath(path.dirname(planFile)));
    expect(ledger.map((entry) => [entry.location, entry.reason, entry.column, entry.message])).toEqual([
      [
        `contacts#${legacyId}@${legacyId}`,
        'INVALID_ENCODING',
        'last_name',
        'column "last_name" holds bytes that are not valid UTF-8 (shown as \uFFFD)',
      ],
    ]);
    expect(JSON.parse(ledger[0]!.raw)).toEqual({
      id: legacyId,
      first_name: `Anne ${legacyId}`,
      last_name: 'M\uFFFDller',
    });

    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<ReconcileJson>(reconciled)).toMatchObject({
      ok: true,
      totals: { source: contactCount, loaded: contactCount - 1, rejected: 1, unaccounted: 0 },
    });
  }, 120_000);

  it('groups by a dossier column holding Windows-1252 text, every row read once, and reconciles', async () => {
    const planFile = legacyMigration('', '{ field: initial }');
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(parseJsonStdout<RunJson>(run).records).toMatchObject({ read: contactCount, loaded: contactCount });
    const dossiers = querySqlite<{ dossier_id: string; count: number }>(
      path.join(path.dirname(planFile), 'target.db'),
      'SELECT dossier_id, count(*) AS count FROM contact GROUP BY dossier_id ORDER BY dossier_id',
    );
    expect(dossiers).toEqual([
      { dossier_id: 'M', count: contactCount / 2 },
      { dossier_id: 'É', count: contactCount / 2 },
    ]);
    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<ReconcileJson>(reconciled)).toMatchObject({
      ok: true,
      totals: { source: contactCount, loaded: contactCount, unaccounted: 0 },
    });
  }, 120_000);
});
