import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointThreadData } from './sqlite-checkpoint-thread.js';

/** The writer's handle on its checkpoint thread. */
export interface Checkpoints {
  /** Starts the log over if the checkpoint thread asked; call it between batches. Never throws. */
  restartLogIfWanted(): void;
  /** Stops the checkpoint thread (at once if it is gone already). */
  stop(): Promise<void>;
}

/**
 * Starts the checkpoint thread (sqlite-checkpoint-thread.ts) beside the writer's connection `db`, and turns the
 * connection's own automatic checkpoints off while it runs. Should the thread fail to start, fail or stop, the
 * connection's commits checkpoint again, as SQLite does by default.
 *
 * `script`: where the thread's script is, when not beside this module (tests give a failing one).
 */
export const startCheckpoints = (
  db: Database.Database,
  options: { readonly file: string; readonly restartFrames: number; readonly script?: string },
): Checkpoints => {
  const restartWanted = new Int32Array(new SharedArrayBuffer(4));
  let running = false;
  const gone = () => {
    if (!running) return;
    running = false;
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  let thread: Worker | undefined;
  try {
    thread = new Worker(new URL(options.script ?? './sqlite-checkpoint-thread.js', import.meta.url), {
      workerData: {
        file: options.file,
        every: 20,
        restartFrames: options.restartFrames,
        restartWanted,
      } satisfies CheckpointThreadData,
    });
    thread.unref();
    thread.on('error', gone);
    thread.on('exit', gone);
    db.pragma('wal_autocheckpoint = 0');
    running = true;
  } catch {
    // No checkpoint thread: the commits checkpoint, as SQLite does by default.
  }

  return {
    /**
     * Called with no transaction open, so the RESTART checkpoint has no writer to wait for, and only the few frames
     * the other thread has not copied yet are left to copy. It does not wait for readers either (busy timeout 0):
     * with a reader still on the log it returns busy and is asked again. It runs after a request's reply, so it
     * must not throw (the error would reach the caller as the answer to its next request): a restart that fails
     * leaves a longer log, which the next request to restart (or the last connection's close) takes care of.
     */
    restartLogIfWanted(): void {
      if (Atomics.load(restartWanted, 0) === 0 || db.inTransaction) return;
      Atomics.store(restartWanted, 0, 0);
      try {
        db.pragma('busy_timeout = 0');
        db.pragma('wal_checkpoint(RESTART)');
      } catch {
        // Left to the next request, as above.
      } finally {
        try {
          db.pragma('busy_timeout = 10000');
        } catch {
          // The connection is unusable: the next request fails with its own error.
        }
      }
    },
    stop: () =>
      new Promise<void>((stopped) => {
        if (thread === undefined || !running) return stopped();
        running = false;
        thread.once('message', () => stopped());
        thread.once('exit', () => stopped());
        thread.postMessage('stop');
      }),
  };
};
