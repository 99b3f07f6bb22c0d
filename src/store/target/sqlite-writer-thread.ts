/**
 * The writer thread of the SQLite target: runs the inserts of every batch on its own connection, so that reading,
 * parsing and mapping the next batch on the thread that migrates (`cutover run`'s migration thread, the main thread
 * of other commands) overlap with SQLite's own work on the other core.
 * Started by SqliteWriterHandle; one request at a time.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { messageOf } from '../../core/errors.js';
import { createSqliteBatchWriter } from './sqlite-batch-writer.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import type { CheckpointThreadData } from './sqlite-checkpoint-thread.js';
import type { SqliteWriterThreadData, WriterReply, WriterRequest } from './sqlite-writer-protocol.js';

const port = parentPort!;
const { file, walRestartFrames, checkpointScript } = workerData as SqliteWriterThreadData;
const db = openSqliteDatabase(file);
const writer = createSqliteBatchWriter(db);

// The log is copied into the file by a thread of its own (see sqlite-checkpoint-thread.ts), not by this one's
// commits. That thread raises `restartWanted` once the log is long; this one then starts it over between batches.
const restartWanted = new Int32Array(new SharedArrayBuffer(4));
let checkpointerRunning = false;
// Should the checkpoint thread fail or stop, this connection's commits checkpoint again, as SQLite does by default.
const checkpointerGone = () => {
  if (!checkpointerRunning) return;
  checkpointerRunning = false;
  if (db.open) db.pragma('wal_autocheckpoint = 1000');
};
const startCheckpointer = (): Worker | undefined => {
  try {
    const worker = new Worker(new URL(checkpointScript ?? './sqlite-checkpoint-thread.js', import.meta.url), {
      workerData: {
        file,
        every: 20,
        restartFrames: walRestartFrames,
        restartWanted,
      } satisfies CheckpointThreadData,
    });
    worker.unref();
    worker.on('error', checkpointerGone);
    worker.on('exit', checkpointerGone);
    db.pragma('wal_autocheckpoint = 0');
    checkpointerRunning = true;
    return worker;
  } catch {
    // No checkpoint thread: the commits checkpoint, as SQLite does by default.
    return undefined;
  }
};
const checkpointer = startCheckpointer();

/**
 * Starts the log over when the checkpoint thread asks: called with no transaction open, so the RESTART checkpoint
 * has no writer to wait for, and only the few frames the other thread has not copied yet are left to copy. It does
 * not wait for readers either (busy timeout 0): with a reader still on the log it returns busy and is asked again.
 */
const restartLogIfWanted = () => {
  if (Atomics.load(restartWanted, 0) === 0 || db.inTransaction) return;
  Atomics.store(restartWanted, 0, 0);
  // It runs after the request's reply: it must not throw, or the error would reach the caller as the answer to its
  // next request. A restart that fails (an I/O error) leaves a longer log, which the next request to restart
  // (or the last connection's close) takes care of.
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
};
const stopCheckpoints = () =>
  new Promise<void>((stopped) => {
    if (checkpointer === undefined || !checkpointerRunning) return stopped();
    checkpointerRunning = false;
    checkpointer.once('message', () => stopped());
    checkpointer.once('exit', () => stopped());
    checkpointer.postMessage('stop');
  });

const reply = (message: WriterReply) => port.postMessage(message);

port.on('message', (request: WriterRequest) => {
  try {
    switch (request.type) {
      case 'insert':
        reply({ type: 'inserted', duplicates: writer.insert(request.rows, request.checkpoint) });
        // After the reply: the next batch is being prepared meanwhile.
        restartLogIfWanted();
        break;
      case 'commit':
        writer.commit(request.dossier, request.entity, request.checkpoint);
        reply({ type: 'done' });
        restartLogIfWanted();
        break;
      case 'rollback':
        writer.rollback();
        reply({ type: 'done' });
        break;
      case 'close':
        writer.rollback();
        // Checkpoints stop first: the last connection to close folds what is left of the log into the file.
        void stopCheckpoints().then(() => {
          try {
            db.close();
            reply({ type: 'done' });
          } catch (error) {
            reply({ type: 'failed', message: messageOf(error) });
          }
          port.close();
        });
        break;
    }
  } catch (error) {
    try {
      writer.rollback();
    } catch {
      // The error being reported matters more than one from the rollback.
    }
    reply({ type: 'failed', message: messageOf(error) });
  }
});
