import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll } from 'vitest';
import { StateStore } from '../../src/store/state/state-store.js';
import { PostgresTarget } from '../../src/store/target/postgres-target.js';
import { SqliteTarget } from '../../src/store/target/sqlite-target.js';
import type { TargetStore } from '../../src/store/target/target-store.js';
import { postgresAvailable, postgresUrl, uniqueName } from './services.js';

const madeDirs: string[] = [];
// Removed once the test file that made them is done: a run of the suite left some 200 folders in /tmp.
afterAll(() => {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system's temporary one, removed after the test file's tests. */
export const tempDir = (prefix = 'cutover-test-'): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
};

/** Runs one statement (or several, separated by semicolons) on the test PostgreSQL, on a connection of its own. */
export const executePostgres = async (sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

export const dropPostgresSchema = (schema: string): Promise<void> =>
  executePostgres(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);

/** The dialects every store suite runs on: SQLite always, PostgreSQL when reachable (always under CI). */
export const dialects = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: postgresAvailable },
] as const;

export const openStateStore = async (dialect: 'sqlite' | 'postgres') => {
  if (dialect === 'sqlite') {
    const store = await StateStore.open(join(tempDir(), 'state.db'));
    return { store, cleanup: () => store.close() };
  }
  const schema = uniqueName('state');
  const store = await StateStore.open(postgresUrl, { schema });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropPostgresSchema(schema);
    },
  };
};

export interface OpenedTarget {
  readonly target: TargetStore;
  readonly cleanup: () => Promise<void>;
  /** Makes the target look like one created by an older model, through a connection of its own. */
  readonly dropColumn: (table: string, column: string) => Promise<void>;
  readonly schema?: string;
}

/**
 * The SQLite target's writer thread runs compiled JavaScript: the suite runs over it when the build is there (`npm
 * test` builds first), and over the same-thread writer that running from the sources otherwise uses.
 */
const builtWriterThread = new URL('../../dist/store/target/sqlite-writer-thread.js', import.meta.url);
export const targetVariants = [
  ...dialects,
  { name: 'sqlite-writer-thread', available: existsSync(fileURLToPath(builtWriterThread)) },
] as const;

export const openTargetStore = async (
  dialect: (typeof targetVariants)[number]['name'],
): Promise<OpenedTarget> => {
  if (dialect === 'sqlite' || dialect === 'sqlite-writer-thread') {
    const file = join(tempDir(), 'target.db');
    const target = new SqliteTarget(
      file,
      dialect === 'sqlite-writer-thread' ? { writerScript: builtWriterThread } : {},
    );
    await target.ensureSchema();
    const dropColumn = (table: string, column: string) => {
      const db = new Database(file);
      db.exec(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
      db.close();
      return Promise.resolve();
    };
    return { target, cleanup: () => target.close(), dropColumn };
  }
  const schema = uniqueName('target');
  const target = await PostgresTarget.connect(postgresUrl, schema);
  await target.ensureSchema();
  const dropColumn = async (table: string, column: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`ALTER TABLE "${schema}"."${table}" DROP COLUMN "${column}"`);
    await client.end();
  };
  return {
    target,
    schema,
    dropColumn,
    cleanup: async () => {
      await target.close();
      await dropPostgresSchema(schema);
    },
  };
};
