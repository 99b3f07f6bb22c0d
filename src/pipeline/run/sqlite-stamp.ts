import { realpathSync, statSync } from 'node:fs';
import { filesStamp } from './files-stamp.js';

/** The file a path names once its symlinks are followed, as SQLite follows them; the path itself if it is missing. */
const followed = (file: string): string => {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
};

/**
 * What a SQLite source's database is now, as filesStamp says of a file: the database file and, when it holds
 * something, its write-ahead log. A database in WAL mode takes a write into its `-wal` file, and into the database
 * file only at a checkpoint, so a row changed while its application keeps it open changes the log alone. An empty
 * log is left out: cutover's own read-only read leaves one where there was none (measured), and that must not count
 * as a change. The `-shm` index is left out for the same reason (any reader writes it). The log is looked for beside
 * the file a symlink leads to, where SQLite keeps it, not beside the link (measured: `link.db` to `real.db` writes
 * `real.db-wal`).
 */
export const sqliteStamp = (file: string, shown: string): string => {
  const log = `${followed(file)}-wal`;
  let wal = false;
  try {
    wal = statSync(log).size > 0;
  } catch {
    // No log: the database file is all there is.
  }
  return filesStamp([
    { path: file, relative: shown },
    ...(wal ? [{ path: log, relative: `${shown}-wal` }] : []),
  ]);
};
