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
import type { WriterReply, WriterRequest } from './sqlite-writer-protocol.js';

const port = parentPort!;
const db = openSqliteDatabase((workerData as { file: string }).file);
const writer = createSqliteBatchWriter(db);

const reply = (message: WriterReply) => port.postMessage(message);

port.on('message', (request: WriterRequest) => {
  try {
    switch (request.type) {
      case 'insert':
        reply({ type: 'inserted', duplicates: writer.insert(request.rows, request.checkpoint) });
        break;
      case 'commit':
        writer.commit(request.dossier, request.entity, request.checkpoint);
        reply({ type: 'done' });
        break;
      case 'rollback':
        writer.rollback();
        reply({ type: 'done' });
        break;
      case 'close':
        writer.rollback();
        db.close();
        reply({ type: 'done' });
        port.close();
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
