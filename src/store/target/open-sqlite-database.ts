import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';

/** Opens the SQLite target file with the settings every connection to it uses (the target's and the writer thread's). */
export const openSqliteDatabase = (file: string): Database.Database => {
  let db: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (error) {
    throw new CutoverError(
      ErrorCode.TARGET_FAILED,
      `cannot open the SQLite target ${file}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  // WAL keeps readers (reconcile, dashboards, the target's own reads while the writer thread writes) off the
  // writer's back; NORMAL sync is durable across process crashes, which is what resume needs.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  // Two connections share the file: a writer that waits for the other's lock waits rather than failing at once.
  db.pragma('busy_timeout = 10000');
  return db;
};
