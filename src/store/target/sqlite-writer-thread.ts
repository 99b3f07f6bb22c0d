/**
 * The writer thread of the SQLite target: runs the inserts of every batch on its own connection, so that reading,
 * parsing and mapping the next batch on the thread that migrates (`cutover run`'s migration thread, the main thread
 * of other commands) overlap with SQLite's own work on the other core.
 * Started by SqliteWriterHandle; one request at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../../core/errors.js';
import { createSqliteBatchWriter } from './sqlite-batch-writer.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { startCheckpoints } from './sqlite-checkpoints.js';
import type { SqliteWriterThreadData, WriterReply, WriterRequest } from './sqlite-writer-protocol.js';

const port = parentPort!;
const { file, walRestartFrames, checkpointScript } = workerData as SqliteWriterThreadData;
const db = openSqliteDatabase(file);
const writer = createSqliteBatchWriter(db);

// The log is copied into the file by a thread of its own (see sqlite-checkpoint-thread.ts), not by this one's
// commits; past a length, this thread starts it over between batches when that one asks.
const checkpoints = startCheckpoints(db, {
  file,
  restartFrames: walRestartFrames,
  ...(checkpointScript === undefined ? {} : { script: checkpointScript }),
});

const reply = (message: WriterReply) => port.postMessage(message);

port.on('message', (request: WriterRequest) => {
  try {
    switch (request.type) {
      case 'insert':
        reply({ type: 'inserted', ...writer.insert(request.rows, request.checkpoint) });
        // After the reply: the next batch is being prepared meanwhile.
        checkpoints.restartLogIfWanted();
        break;
      case 'commit':
        writer.commit(request.dossier, request.entity, request.checkpoint);
        reply({ type: 'done' });
        checkpoints.restartLogIfWanted();
        break;
      case 'rollback':
        writer.rollback();
        reply({ type: 'done' });
        break;
      case 'close':
        writer.rollback();
        // Checkpoints stop first: the last connection to close folds what is left of the log into the file.
        void checkpoints.stop().then(() => {
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
