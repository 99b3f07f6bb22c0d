import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { CutoverError, ErrorCode } from '../../core/errors.js';

const busy = (where: string, holder: string) =>
  new CutoverError(
    ErrorCode.CONNECTION_FAILED,
    `another cutover run is using the state store ${where} (${holder}); wait for it to end: two runs at once would ` +
      'load the same records twice and fill the ledger with false duplicates',
    { context: { state: where } },
  );

/** Whether the process of a lock file is gone (a run killed with -9 leaves its file behind). */
const isStale = (content: string): boolean => {
  try {
    const { pid, host } = JSON.parse(content) as { pid?: number; host?: string };
    if (host !== hostname() || typeof pid !== 'number') return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' || error instanceof SyntaxError;
  }
};

/**
 * Runs `work` holding the store's run lock: one run (or replay) at a time per state store. For a SQLite file, a
 * lock file beside it, created exclusively and holding the pid (a file left by a killed run is taken over once its
 * process is gone); on PostgreSQL, a session advisory lock on one connection, which the server releases if the
 * process dies.
 */
export const withRunLock = async <T>(
  store: { readonly db: Kysely<never>; readonly dialect: 'sqlite' | 'postgres'; readonly location: string },
  where: string,
  scope: string,
  work: () => Promise<T>,
): Promise<T> => {
  if (store.dialect === 'postgres') {
    return store.db.connection().execute(async (connection) => {
      const key = `cutover-run:${scope}`;
      const { rows } = await sql<{
        ok: boolean;
      }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(connection);
      if (rows[0]?.ok !== true) throw busy(where, 'held by another process');
      try {
        return await work();
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(connection).catch(() => undefined);
      }
    });
  }
  if (store.location === ':memory:') return work();
  const file = `${store.location}.lock`;
  const take = (): boolean => {
    try {
      const descriptor = openSync(file, 'wx');
      writeSync(
        descriptor,
        JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
      );
      closeSync(descriptor);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return false;
    }
  };
  if (!take()) {
    let content = '';
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      // Released between the two calls.
    }
    if (content !== '' && !isStale(content)) throw busy(where, `lock ${file}: ${content}`);
    unlinkSync(file);
    if (!take()) throw busy(where, `lock ${file}`);
  }
  try {
    return await work();
  } finally {
    try {
      unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  }
};
