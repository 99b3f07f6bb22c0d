import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Dialect, type Migration } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { TransactionalSqliteDialect } from '../../src/store/state/transactional-sqlite-dialect.js';
import { tempDir } from '../support/stores.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** Two migrations; the second dies half way, as a process killed between two of its statements would. */
const migrations = (secondFails: boolean): Record<string, Migration> => ({
  '001-first': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('first').addColumn('id', 'integer').execute();
    },
  },
  '002-second': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('second').addColumn('id', 'integer').execute();
      await db.schema.alterTable('first').addColumn('more', 'text').execute();
      if (secondFails) throw new Error('killed half way');
    },
  },
});

const migrate = async (file: string, dialectOf: (database: Database.Database) => Dialect, fails: boolean) => {
  const database = new Database(file);
  const db = new Kysely<unknown>({ dialect: dialectOf(database) });
  try {
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(migrations(fails)) },
    }).migrateToLatest();
    const tables = (
      database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'kysely%'")
        .all() as {
        name: string;
      }[]
    ).map((row) => row.name);
    return { error, tables: tables.sort() };
  } finally {
    await db.destroy();
  }
};

describe('TransactionalSqliteDialect', () => {
  it('applies pending migrations all or none, so a store interrupted while migrating opens again', async () => {
    const folder = tempDir('cutover-ddl-');
    folders.push(folder);

    // Kysely's own SQLite dialect keeps what ran before the failure: the next attempt cannot create `second`.
    const plain = path.join(folder, 'plain.db');
    expect(await migrate(plain, (database) => new SqliteDialect({ database }), true)).toMatchObject({
      tables: ['first', 'second'],
    });
    expect((await migrate(plain, (database) => new SqliteDialect({ database }), false)).error).toBeDefined();

    const atomic = path.join(folder, 'atomic.db');
    const failed = await migrate(atomic, (database) => new TransactionalSqliteDialect({ database }), true);
    expect(failed.error).toBeDefined();
    expect(failed.tables).toEqual([]);
    const retried = await migrate(atomic, (database) => new TransactionalSqliteDialect({ database }), false);
    expect(retried).toEqual({ error: undefined, tables: ['first', 'second'] });
  });
});
