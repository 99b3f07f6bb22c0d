import { statSync } from 'node:fs';
import { filesStamp } from './files-stamp.js';

/**
 * What a SQLite source's database is now, as filesStamp says of a file: the database file and, when it holds
 * something, its write-ahead log. A database in WAL mode takes a write into its `-wal` file, and into the database
 * file only at a checkpoint, so a row changed while its application keeps it open changes the log alone. An empty
 * log is left out: cutover's own read-only read leaves one where there was none (measured), and that must not count
 * as a change. The `-shm` index is left out for the same reason (any reader writes it).
 */
export const sqliteStamp = (file: string, shown: string): string => {
  let wal = false;
  try {
    wal = statSync(`${file}-wal`).size > 0;
  } catch {
    // No log: the database file is all there is.
  }
  return filesStamp([
    { path: file, relative: shown },
    ...(wal ? [{ path: `${file}-wal`, relative: `${shown}-wal` }] : []),
  ]);
};
