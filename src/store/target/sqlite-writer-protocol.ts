import type { EntityName } from '../../core/model/canonical-model.js';
import type { SqliteRows } from './sqlite-batch-writer.js';
import type { LoadCheckpoint } from './target-store.js';

/** What the SQLite target asks its writer thread. */
export type WriterRequest =
  | { readonly type: 'insert'; readonly rows: SqliteRows }
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
  | { readonly type: 'inserted'; readonly duplicates: number[] }
  | { readonly type: 'done' }
  /** A value held the separator of the batch's text: nothing was written. */
  | { readonly type: 'unsplittable' }
  | { readonly type: 'failed'; readonly message: string };
