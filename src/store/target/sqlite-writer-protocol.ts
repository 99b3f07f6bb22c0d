import type { EntityName } from '../../core/model/canonical-model.js';
import type { SqliteBatchWritten } from './sqlite-batch-writer.js';
import type { SqliteRows } from './sqlite-rows.js';
import type { LoadCheckpoint } from './target-store.js';

/** What the writer thread is started with. */
export interface SqliteWriterThreadData {
  readonly file: string;
  /** Frames of write-ahead log past which the log starts over (see sqlite-checkpoint-thread.ts). */
  readonly walRestartFrames: number;
  /** Where the checkpoint thread's script is, when not beside the writer thread's (tests give a failing one). */
  readonly checkpointScript?: string;
}

/** What the SQLite target asks its writer thread. */
export type WriterRequest =
  /** Commits at once when no row is a duplicate; `checkpoint` is the one to write then. */
  | { readonly type: 'insert'; readonly rows: SqliteRows; readonly checkpoint: LoadCheckpoint }
  | {
      readonly type: 'commit';
      readonly dossier: string;
      readonly entity: EntityName;
      readonly checkpoint: LoadCheckpoint;
    }
  | { readonly type: 'rollback' }
  | { readonly type: 'close' };

/** The writer thread's answer to each request, in order. */
export type WriterReply =
  /** No duplicate: committed. Otherwise the transaction waits for `commit` or `rollback`. */
  | ({ readonly type: 'inserted' } & SqliteBatchWritten)
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string };
