import type Database from 'better-sqlite3';

/** How long a connection waits for another's lock, switching to WAL included. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Sets the busy timeout, then puts the file in WAL mode (readers off the writer's back). A new file's switch to WAL
 * needs the file alone, and SQLite does not wait for that lock: two processes opening the same new file at the
 * same instant (a `run` and a `ledger`, two `run`s refused by the run lock) made one of them fail at once with
 * "database is locked", whatever the busy timeout. The switch is retried, with short pauses, within the timeout; a
 * file already in WAL mode (every later open: the mode is kept in the file) needs no lock at all.
 */
export const useWriteAheadLog = (db: Database.Database): void => {
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
      if (!busy || Date.now() >= deadline) throw error;
      // Synchronous, as opening is: a few milliseconds, long enough for the other process to finish its switch.
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
};
