import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSource } from '../../../src/connectors/sql/open-sql-source.js';
import type { SqliteSourceSpec } from '../../../src/core/plan/plan-schema.js';
import type { SourceRecord } from '../../../src/core/source-record.js';
import { readAll } from './read-source.js';

/**
 * SQLite does not check that TEXT is UTF-8: a legacy program may have written Windows-1252 bytes into it, which
 * better-sqlite3 reads with each invalid byte silently turned into U+FFFD. Such text is read by the source's
 * `encoding`, as a CSV file's lines are, and the rows read before it are neither lost nor read twice.
 */

const rowCount = 3000;
/** `Société` in Windows-1252: é is 0xE9, not UTF-8 on its own. */
const WINDOWS_1252_SOCIETE = "CAST(X'536f6369e974e9' AS TEXT)";
/** `Société` in IBM 850 (DOS), é is 0x82 there. */
const IBM_850_SOCIETE = "CAST(X'536f6369827482' AS TEXT)";

describe('SQLite text that is not UTF-8', () => {
  let baseDir: string;

  /** A `companies` table of clean rows, ids 1 to rowCount, whose rows `overrides` names get a name written as SQL. */
  const makeDatabase = (file: string, overrides: Readonly<Record<number, string>>): void => {
    const database = new Database(join(baseDir, file));
    try {
      database.exec(`CREATE TABLE companies (
        id INTEGER PRIMARY KEY, name TEXT, amount DECIMAL(16,2), logo BLOB, updated_at TIMESTAMP, note TEXT)`);
      const insert = database.prepare(
        `INSERT INTO companies VALUES (?, ?, ?, X'00ff', '2024-03-01 08:30:00', NULL)`,
      );
      database.transaction(() => {
        for (let id = 1; id <= rowCount; id += 1) insert.run(id, `name ${id}`, `${id}.25`);
      })();
      for (const [id, name] of Object.entries(overrides))
        database.exec(`UPDATE companies SET name = ${name} WHERE id = ${id}`);
    } finally {
      database.close();
    }
  };

  beforeAll(() => {
    baseDir = mkdtempSync(join(tmpdir(), 'cutover-sqlite-text-'));
    makeDatabase('windows-1252.db', { 1500: WINDOWS_1252_SOCIETE });
    makeDatabase('edges.db', {
      1: WINDOWS_1252_SOCIETE,
      1000: WINDOWS_1252_SOCIETE,
      3000: WINDOWS_1252_SOCIETE,
    });
    makeDatabase('dos.db', { 1500: IBM_850_SOCIETE });
    // U+FFFD written as a character (EF BF BD): text that had already lost a letter once, but valid UTF-8.
    makeDatabase('replacement-character.db', {
      1500: `'Soci${'\uFFFD'}t${'\uFFFD'}'`,
      2500: WINDOWS_1252_SOCIETE,
    });
  });

  afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

  const open = (url: string, spec: Partial<SqliteSourceSpec> = { table: 'companies' }) =>
    openSqlSource({ type: 'sqlite', url, ...spec }, { baseDir, keyColumns: ['id'] });

  const readRecords = async (source: ReturnType<typeof open>): Promise<SourceRecord[]> =>
    (await readAll(source, { batchSize: 1000 })).flat();

  const keys = (records: readonly SourceRecord[]) => records.map((record) => record.location.key);
  const allKeys = Array.from({ length: rowCount }, (_, index) => String(index + 1));
  const byKey = (records: readonly SourceRecord[], key: number) =>
    records.find((record) => record.location.key === String(key));

  it('reads a table value written in Windows-1252 as `Société`, with a notice naming the table and column', async () => {
    const source = open('windows-1252.db');
    const records = await readRecords(source);
    expect(keys(records)).toEqual(allKeys);
    expect(records.map((record) => record.location.record)).toEqual(allKeys.map(Number));
    expect(byKey(records, 1500)).toEqual({
      fields: {
        id: 1500,
        name: 'Société',
        amount: '1500.25',
        logo: 'AP8=',
        updated_at: '2024-03-01T08:30:00',
        note: null,
      },
      location: { source: 'companies', record: 1500, key: '1500' },
    });
    // Rows read as bytes after the switch keep the values, and their forms, of the rows before it.
    expect(byKey(records, 2000)?.fields).toEqual({
      id: 2000,
      name: 'name 2000',
      amount: '2000.25',
      logo: 'AP8=',
      updated_at: '2024-03-01T08:30:00',
      note: null,
    });
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(source.notices?.()).toEqual([
      {
        code: 'ENCODING_FALLBACK',
        message:
          'table companies, column "name": 1 value is not valid UTF-8 (key 1500, record 1500): read as ' +
          'Windows-1252 (the usual legacy code page: no byte reads as €, Š, š, ž, Œ, œ or Ÿ of ISO-8859-15 next ' +
          'to a letter or figure), its other values as UTF-8',
      },
    ]);
  });

  it('reads a query the same way, its notice naming the query', async () => {
    const source = open('windows-1252.db', {
      query: 'SELECT id, upper(name) AS shout, name FROM companies WHERE id > 10',
    });
    const records = await readRecords(source);
    expect(keys(records)).toEqual(allKeys.slice(10));
    expect(byKey(records, 1500)?.fields).toEqual({ id: 1500, shout: 'SOCIéTé', name: 'Société' });
    expect(byKey(records, 1500)?.location).toEqual({ source: 'query', record: 1490, key: '1500' });
    expect(source.notices?.().map((notice) => notice.message)).toEqual([
      expect.stringMatching(
        /^query "SELECT id, upper\(name\) AS shout, name FROM companies WHERE i…", column "shout": 1 value is not valid UTF-8 \(key 1500, record 1490\): read as Windows-1252/,
      ),
      expect.stringMatching(/, column "name": 1 value is not valid UTF-8 \(key 1500, record 1490\)/),
    ]);
  });

  it('neither loses nor repeats rows when the first, a batch-ending or the last row is not UTF-8', async () => {
    for (const batchSize of [1, 999, 1000, 5000]) {
      const source = open('edges.db');
      const records = (await readAll(source, { batchSize })).flat();
      expect(keys(records), `batch size ${batchSize}`).toEqual(allKeys);
      expect([1, 1000, 3000].map((key) => byKey(records, key)?.fields.name)).toEqual([
        'Société',
        'Société',
        'Société',
      ]);
      expect(source.notices?.().map((notice) => notice.message)).toEqual([
        expect.stringContaining('3 values are not valid UTF-8 (the first at key 1, record 1)'),
      ]);
    }
  });

  it('chooses the legacy code page as for files: IBM 850 when the bytes read as its letters', async () => {
    const source = open('dos.db');
    const records = await readRecords(source);
    expect(byKey(records, 1500)?.fields.name).toBe('Société');
    expect(source.notices?.()[0]?.message).toContain('read as IBM 850 (DOS) (byte 0x82 reads "Société"');
  });

  it('reads such text in a declared legacy code page, without a notice', async () => {
    const source = open('dos.db', { table: 'companies', encoding: 'ibm850' });
    expect(byKey(await readRecords(source), 1500)?.fields.name).toBe('Société');
    expect(source.notices?.()).toEqual([]);
    const windows = open('windows-1252.db', { table: 'companies', encoding: 'windows-1252' });
    expect(byKey(await readRecords(windows), 1500)?.fields.name).toBe('Société');
  });

  it('keeps U+FFFD stored as a character, with no notice, and reads the Windows-1252 text after it', async () => {
    const source = open('replacement-character.db');
    const records = await readRecords(source);
    expect(keys(records)).toEqual(allKeys);
    expect(byKey(records, 1500)?.fields.name).toBe('Soci\uFFFDt\uFFFD');
    expect(byKey(records, 2500)?.fields.name).toBe('Société');
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(source.notices?.().map((notice) => notice.message)).toEqual([
      expect.stringContaining('column "name": 1 value is not valid UTF-8 (key 2500, record 2500)'),
    ]);
  });

  it('with `encoding: utf-8`, rejects the record INVALID_ENCODING naming the column and reads on', async () => {
    const source = open('windows-1252.db', { table: 'companies', encoding: 'utf-8' });
    const records = await readRecords(source);
    expect(keys(records)).toEqual(allKeys);
    const rejected = records.filter((record) => record.problem !== undefined);
    expect(rejected).toEqual([
      {
        fields: expect.objectContaining({ id: 1500, name: 'Soci\uFFFDt\uFFFD' }) as unknown,
        location: { source: 'companies', record: 1500, key: '1500' },
        problem: {
          reason: 'INVALID_ENCODING',
          message: 'column "name" holds bytes that are not valid UTF-8 (shown as \uFFFD)',
          column: 'name',
        },
      },
    ]);
    expect(source.notices?.()).toEqual([]);
  });

  it('reads one snapshot when it reads on as bytes: a row the application commits meanwhile moves no row', async () => {
    // WAL: the application writes while the source reads. The select run again from the row that is not UTF-8 saw
    // the new row ahead of it, and its OFFSET fell a row early: row 1499 read twice. Deleted, row 1500 was never read.
    const file = 'written-meanwhile.db';
    makeDatabase(file, { 1500: WINDOWS_1252_SOCIETE });
    const application = new Database(join(baseDir, file));
    try {
      application.pragma('journal_mode = WAL');
      for (const change of [
        "INSERT INTO companies (id, name) VALUES (0, 'new')",
        'DELETE FROM companies WHERE id = 2',
      ]) {
        const records: SourceRecord[] = [];
        let written = false;
        for await (const batch of open(file).read({ batchSize: 1000 })) {
          records.push(...batch);
          if (!written) application.exec(change);
          written = true;
        }
        expect(keys(records)).toEqual(allKeys);
        expect(byKey(records, 1500)?.fields.name).toBe('Société');
        application.exec(
          "DELETE FROM companies WHERE id = 0; INSERT OR IGNORE INTO companies (id, name) VALUES (2, 'name 2')",
        );
      }
    } finally {
      application.close();
    }
  });

  it('reads the same values again on a second read, as reconcile does', async () => {
    const source = open('windows-1252.db');
    const first = await readRecords(source);
    const second = await readRecords(source);
    expect(byKey(second, 1500)?.fields.name).toBe('Société');
    expect(second).toEqual(first);
    expect(source.notices?.()).toHaveLength(1);
  });

  it("lists a dossier column's value that is not UTF-8 as its records read it, and its filter reads its rows", async () => {
    const values = await open('windows-1252.db').distinct('name');
    expect(values).toHaveLength(rowCount);
    const societe = values.find((value) => value.field === 'Société');
    expect(societe).toBeDefined();
    const source = openSqlSource(
      { type: 'sqlite', url: 'windows-1252.db', table: 'companies' },
      { baseDir, keyColumns: ['id'], filter: { column: 'name', values: [societe?.value, 'name 1', null] } },
    );
    const records = await readRecords(source);
    expect(records.map((record) => [record.location.key, record.fields.name])).toEqual([
      ['1', 'name 1'],
      ['1500', 'Société'],
    ]);
  });

  it('reads a dossier filter and such text together, the filter values bound before the skipped rows', async () => {
    const source = openSqlSource(
      { type: 'sqlite', url: 'windows-1252.db', table: 'companies' },
      {
        baseDir,
        keyColumns: ['id'],
        filter: { column: 'amount', values: ['1499.25', '1500.25', '1501.25'] },
      },
    );
    const records = await readRecords(source);
    expect(records.map((record) => [record.location.key, record.fields.name])).toEqual([
      ['1499', 'name 1499'],
      ['1500', 'Société'],
      ['1501', 'name 1501'],
    ]);
  });
});
