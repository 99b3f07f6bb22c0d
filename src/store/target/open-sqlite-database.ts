import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { useWriteAheadLog } from '../sqlite-write-ahead-log.js';

/** Opens the SQLite target file with the settings every connection to it uses (the target's and the writer thread's). */
export const openSqliteDatabase = (file: string): Database.Database => {
  let db: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    // WAL keeps readers (reconcile, dashboards, the target's own reads while the writer thread writes) off the
    // writer's back. Two connections share the file: one that needs the other's lock waits (the busy timeout) rather
    // than failing at once.
    useWriteAheadLog(db);
  } catch (error) {
    throw new CutoverError(
      ErrorCode.TARGET_FAILED,
      `cannot open the SQLite target ${file}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  // NORMAL sync is durable across process crashes (WAL), which is what resume needs.
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  return db;
};
