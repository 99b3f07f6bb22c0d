import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSource } from '../../../src/connectors/sql/open-sql-source.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { failureOf, firstBatch, readAll } from './read-source.js';
import { describeSqlSource, type SqlHarness } from './sql-source-suite.js';

/** SQLite cannot bind booleans; the suite's fixture uses them, as the other dialects can. */
const bindable = (value: unknown): unknown => (typeof value === 'boolean' ? Number(value) : value);

const withDatabase = (path: string, work: (database: Database.Database) => void): void => {
  const database = new Database(path);
  try {
    work(database);
  } finally {
    database.close();
  }
};

/** File descriptors this process holds on `path`: an open SQLite connection holds one. */
const descriptorsOn = (path: string): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  }).length;

const sqliteHarness: SqlHarness = {
  type: 'sqlite',
  columnTypes: {
    integer: 'INTEGER',
    text: 'TEXT',
    decimal: 'DECIMAL(16,2)',
    date: 'DATE',
    boolean: 'BOOLEAN',
    bigint: 'BIGINT',
    binary: 'BLOB',
    timestamp: 'TIMESTAMP',
  },
  quote: (name) => `"${name}"`,
  setup: () => {
    const baseDir = mkdtempSync(join(tmpdir(), 'cutover-sqlite-'));
    const path = join(baseDir, 'legacy.db');
    return Promise.resolve({
      url: 'legacy.db',
      baseDir,
      env: {},
      schema: undefined,
      // A connection per statement, so that none is left open to be counted as the source's.
      exec: (sql, params = []) => {
        withDatabase(path, (database) => database.prepare(sql).run(...params.map(bindable)));
        return Promise.resolve();
      },
      openConnections: () => Promise.resolve(descriptorsOn(path)),
      teardown: () => {
        rmSync(baseDir, { recursive: true, force: true });
        return Promise.resolve();
      },
    });
  },
};

describeSqlSource(sqliteHarness, true);

describe('SQLite source', () => {
  let baseDir: string;
  let path: string;

  beforeAll(() => {
    baseDir = mkdtempSync(join(tmpdir(), 'cutover-sqlite-'));
    path = join(baseDir, 'odd.db');
    withDatabase(path, (database) => {
      database.exec(`
        CREATE TABLE "order items" ("select" INTEGER, "quote""d" TEXT, huge INTEGER);
        INSERT INTO "order items" VALUES (2, 'b', 9007199254740993), (1, 'a', 7), (3, 'c', NULL);
      `);
    });
  });

  afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

  const open = (spec: { url?: string; table?: string; query?: string }, env: NodeJS.ProcessEnv = {}) =>
    openSqlSource({ type: 'sqlite', url: 'odd.db', ...spec }, { baseDir, keyColumns: ['select'], env });

  it('quotes table and column names, reserved words and quotes included', async () => {
    const records = (await readAll(open({ table: 'order items' }))).flat();
    expect(records.map((record) => record.fields)).toEqual([
      { select: 1, 'quote"d': 'a', huge: 7 },
      { select: 2, 'quote"d': 'b', huge: '9007199254740993' },
      { select: 3, 'quote"d': 'c', huge: null },
    ]);
    expect(records[0]?.location).toEqual({ source: 'order items', record: 1, key: '1' });
  });

  it('runs a query that ends with a semicolon', async () => {
    const records = (await readAll(open({ query: 'SELECT "select" FROM "order items";\n' }))).flat();
    expect(records.map((record) => record.fields.select)).toEqual([1, 2, 3]);
  });

  it('substitutes ${VAR} in the file path', async () => {
    const source = open({ url: '${CUTOVER_DATA}/odd.db', table: 'order items' }, { CUTOVER_DATA: baseDir });
    expect((await readAll(source)).flat()).toHaveLength(3);
  });

  it('fails with FILE_NOT_FOUND naming a missing database file', async () => {
    const error = await failureOf(() => readAll(open({ url: 'missing.db', table: 'order items' })));
    expect(error.code).toBe(ErrorCode.FILE_NOT_FOUND);
    expect(error.message).toContain(join(baseDir, 'missing.db'));
  });

  it('stops with the AbortError between batches when its signal is aborted, and closes the file', async () => {
    const controller = new AbortController();
    const read = async () => {
      for await (const _batch of open({ table: 'order items' }).read({
        batchSize: 1,
        signal: controller.signal,
      })) {
        controller.abort();
      }
    };
    await expect(read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(descriptorsOn(path)).toBe(0);
  });

  it('reports the bytes it has read, without a total', async () => {
    const source = open({ table: 'order items' });
    await firstBatch(source, { batchSize: 3 });
    expect(source.progress?.()).toEqual({ bytesRead: expect.any(Number) as number, bytesTotal: undefined });
    expect(source.progress?.().bytesRead).toBeGreaterThan(0);
  });
});
