/**
 * The checkpoint thread of the SQLite target, started by its writer thread: copies the write-ahead log into the
 * database file while the writer goes on writing, so that the writer's commits only append to the log.
 *
 * A commit that crosses SQLite's automatic checkpoint threshold does that copy itself, with its syncs to disk: on
 * 1M contacts, 40% of the writer thread's time was its COMMITs (1.5-1.8 s of 4.4 s), and a writer with this thread
 * beside it commits in a third of that. Checkpoints never change what a reader or a crash recovery sees, so this
 * thread changes no guarantee; it stops when asked, and SQLite folds what is left into the file when the last
 * connection closes.
 *
 * PASSIVE checkpoints never wait for the writer, but they never catch up with a writer that commits all the time
 * either, and the log would grow by the whole load. Past `restartFrames` frames this thread asks the writer thread
 * to start the log over between two batches (a RESTART checkpoint there copies the little left), rather than run a
 * RESTART itself: that one has to wait for the writer's lock, which a writer that commits batch after batch frees
 * only for moments its retries miss (seen in the tests: the log still grew to twice the threshold and more).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase } from './open-sqlite-database.js';

export interface CheckpointThreadData {
  readonly file: string;
  /** Milliseconds between two checkpoints. */
  readonly every: number;
  /** Log frames (pages) beyond which the writer is asked to start the log over. */
  readonly restartFrames: number;
  /** Set to 1 to ask the writer thread to start the log over (it clears it). */
  readonly restartWanted: Int32Array;
}

const port = parentPort!;
const { file, every, restartFrames, restartWanted } = workerData as CheckpointThreadData;
const db = openSqliteDatabase(file);
// A checkpoint that finds the file busy gives up at once: the next tick tries again.
db.pragma('busy_timeout = 0');

interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

let timer: NodeJS.Timeout | undefined;
const checkpoint = () => {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
    if (passive !== undefined && passive.log > restartFrames) Atomics.store(restartWanted, 0, 1);
  } catch {
    // A checkpoint that failed (a busy file only reports busy) is retried at the next tick; the writer's own commits
    // never depend on it.
  }
  timer = setTimeout(checkpoint, every);
};
timer = setTimeout(checkpoint, every);

port.on('message', () => {
  clearTimeout(timer);
  db.close();
  port.postMessage('stopped');
  port.close();
});
