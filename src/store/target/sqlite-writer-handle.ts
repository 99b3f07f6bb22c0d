import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EntityName } from '../../core/model/canonical-model.js';
import type { SqliteBatchWritten } from './sqlite-batch-writer.js';
import { sqliteRowsTransfer, type SqliteRows } from './sqlite-rows.js';
import type { SqliteWriterThreadData, WriterReply, WriterRequest } from './sqlite-writer-protocol.js';
import type { LoadCheckpoint } from './target-store.js';

/** 4,096 frames: 16 MB of write-ahead log at SQLite's default page size. */
const DEFAULT_WAL_RESTART_FRAMES = 4096;

/** Where the writer thread's scripts are and how it keeps its log; tests change them. */
export interface SqliteWriterOptions {
  /** The writer thread's compiled script (tests running from the sources name it). */
  readonly writerScript?: URL;
  /** Write-ahead log frames past which the writer thread's log starts over (tests make it small). */
  readonly walRestartFrames?: number;
  /** The writer thread's checkpoint thread script, when not the built one (tests give a failing one). */
  readonly checkpointScript?: URL;
}

/** The thread's compiled script, beside this file once built. */
export const writerThreadScript = new URL('./sqlite-writer-thread.js', import.meta.url);

/**
 * The migrating thread's side of the SQLite writer thread: the same insert / commit / rollback steps as
 * createSqliteBatchWriter, each one a message answered in order. The thread keeps the process alive only while a
 * request waits for its answer, so a command that forgets to close the target still ends.
 */
export class SqliteWriterHandle {
  private readonly worker: Worker;
  private readonly waiting: ((reply: WriterReply) => void)[] = [];
  private failure: Error | undefined;

  /**
   * Whether a writer thread can run from `script`: it must be compiled JavaScript, so running from the TypeScript
   * sources (the unit tests) writes on the caller's thread instead.
   */
  static canRun(script: URL): boolean {
    return existsSync(fileURLToPath(script));
  }

  constructor(file: string, options: SqliteWriterOptions = {}) {
    const { checkpointScript } = options;
    const data: SqliteWriterThreadData = {
      file,
      walRestartFrames: options.walRestartFrames ?? DEFAULT_WAL_RESTART_FRAMES,
      ...(checkpointScript === undefined ? {} : { checkpointScript: checkpointScript.href }),
    };
    this.worker = new Worker(options.writerScript ?? writerThreadScript, { workerData: data });
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => {
      const answer = this.waiting.shift();
      if (this.waiting.length === 0) this.worker.unref();
      answer?.(reply);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const answer of this.waiting.splice(0)) answer({ type: 'failed', message: error.message });
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the SQLite writer thread stopped (exit code ${code})`)));
  }

  /** `transfer`: memory handed over to the thread with the request, not copied. */
  private async request(
    request: WriterRequest,
    transfer: ArrayBuffer[] = [],
  ): Promise<WriterReply & { type: 'inserted' | 'done' }> {
    if (this.failure !== undefined) throw this.failure;
    this.worker.ref();
    const reply = await new Promise<WriterReply>((resolve) => {
      this.waiting.push(resolve);
      this.worker.postMessage(request, transfer);
    });
    if (reply.type === 'failed') throw new Error(reply.message);
    return reply;
  }

  async insert(rows: SqliteRows, checkpoint: LoadCheckpoint): Promise<SqliteBatchWritten> {
    const reply = await this.request({ type: 'insert', rows, checkpoint }, sqliteRowsTransfer(rows));
    return reply.type === 'inserted'
      ? { duplicates: reply.duplicates, updated: reply.updated, unchanged: reply.unchanged }
      : { duplicates: [], updated: 0, unchanged: 0 };
  }

  async commit(dossier: string, entity: EntityName, checkpoint: LoadCheckpoint): Promise<void> {
    await this.request({ type: 'commit', dossier, entity, checkpoint });
  }

  async rollback(): Promise<void> {
    await this.request({ type: 'rollback' });
  }

  async close(): Promise<void> {
    if (this.failure === undefined) await this.request({ type: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}
