import type { EntityName } from '../../core/model/canonical-model.js';
import { quoteIdentifier, targetColumns } from './target-ddl.js';
import type { LoadCheckpoint } from './target-store.js';

/**
 * SQL the SQLite and PostgreSQL targets share. `table` qualifies a table name for the dialect; `parameter(n)` writes
 * the n-th (1-based) placeholder (`?` or `$n`).
 */
export interface SqlShape {
  readonly table: (name: string) => string;
  readonly parameter: (position: number) => string;
}

export const checkpointUpsertSql = ({ table, parameter }: SqlShape): string =>
  `INSERT INTO ${table('_cutover_checkpoint')}
    (dossier_id, entity, run_id, records_read, loaded, skipped, rejected, repeats, mode, done, updated, unchanged)
    VALUES (${Array.from({ length: 12 }, (_, index) => parameter(index + 1)).join(', ')})
    ON CONFLICT (dossier_id, entity) DO UPDATE SET run_id = excluded.run_id, records_read = excluded.records_read,
      loaded = excluded.loaded, skipped = excluded.skipped, rejected = excluded.rejected, repeats = excluded.repeats,
      mode = excluded.mode, done = excluded.done, updated = excluded.updated, unchanged = excluded.unchanged`;

export const checkpointParameters = (
  dossier: string,
  entity: EntityName,
  checkpoint: LoadCheckpoint,
): unknown[] => [
  dossier,
  entity,
  checkpoint.runId,
  checkpoint.recordsRead,
  checkpoint.loaded,
  checkpoint.skipped,
  checkpoint.rejected,
  checkpoint.repeats,
  checkpoint.mode,
  checkpoint.done ? 1 : 0,
  checkpoint.updated ?? 0,
  checkpoint.unchanged ?? 0,
];

/** The checkpoint after a batch, the rows of earlier runs it updated or found unchanged added to those before. */
export const withChanges = (
  checkpoint: LoadCheckpoint,
  batch: { readonly updated: number; readonly unchanged: number },
): LoadCheckpoint =>
  batch.updated === 0 && batch.unchanged === 0
    ? checkpoint
    : {
        ...checkpoint,
        updated: (checkpoint.updated ?? 0) + batch.updated,
        unchanged: (checkpoint.unchanged ?? 0) + batch.unchanged,
      };

/**
 * The checkpoint a batch written through the duplicate-naming path leaves: its duplicates moved from loaded to
 * rejected, the rows of earlier runs it updated or found unchanged added (both targets write it so).
 */
export const checkpointWithDuplicates = (
  checkpoint: LoadCheckpoint,
  written: { readonly duplicates: number; readonly updated: number; readonly unchanged: number },
): LoadCheckpoint =>
  withChanges(
    {
      ...checkpoint,
      loaded: checkpoint.loaded - written.duplicates,
      rejected: checkpoint.rejected + written.duplicates,
    },
    written,
  );

/** A checkpoint row as a driver returns it (bigints may come back as text). */
export const checkpointFromRow = (row: Readonly<Record<string, unknown>>): LoadCheckpoint => ({
  runId: String(row.run_id),
  recordsRead: Number(row.records_read),
  loaded: Number(row.loaded),
  skipped: Number(row.skipped),
  rejected: Number(row.rejected),
  repeats: Number(row.repeats),
  mode: row.mode === 'upsert' ? 'upsert' : 'insert',
  done: Number(row.done) === 1,
  updated: Number(row.updated ?? 0),
  unchanged: Number(row.unchanged ?? 0),
});

/** The checkpoint of a load begun (beginLoad): nothing read yet. */
export const begunCheckpoint = (runId: string, mode: LoadCheckpoint['mode']): LoadCheckpoint => ({
  runId,
  recordsRead: 0,
  loaded: 0,
  skipped: 0,
  rejected: 0,
  repeats: 0,
  mode,
  done: false,
});

/** The checkpoint of a load started over (restartLoad): nothing read yet, rows to upsert. */
export const restartedCheckpoint = (runId: string): LoadCheckpoint => begunCheckpoint(runId, 'upsert');

/** What a restarted load's rows are marked with: written by this run, but not by the read that will finish it. */
export const restartedRunId = (runId: string): string => `${runId}~restarted`;

/**
 * A reference read back to a parent row of another dossier than the row's own: its dossier and source key, the
 * dossier's length first so that no two pairs read alike. Only a survivor of `cutover dedupe` with `acrossDossiers`
 * is loaded so (reconcile compares such a reference in this form); any other is a row attached to another client's
 * record, which a key alone would not tell from the parent of the same key in its own dossier.
 */
export const crossDossierReference = (dossier: string, key: string): string =>
  `#dossier ${[...dossier].length}:${dossier}/${key}`;

/**
 * Rows of one dossier read back with references turned into the parent's source key (`#orphan:ID` when the parent
 * row is gone, crossDossierReference when it is another dossier's), ordered by source key. Columns come back as c0,
 * c1... in target column order.
 */
export const readBackSql = ({ table, parameter }: SqlShape, entity: EntityName, order: string): string => {
  const columns = targetColumns(entity);
  const select = columns.map((column, index) => {
    const value = `t.${quoteIdentifier(column.name)}`;
    const parent = `p${index}`;
    const expression =
      column.references === undefined
        ? value
        : `CASE WHEN ${value} IS NULL THEN NULL WHEN ${parent}.id IS NULL THEN '#orphan:' || ${value}
            WHEN ${parent}.dossier_id = t.dossier_id THEN ${parent}.source_key
            ELSE '#dossier ' || length(${parent}.dossier_id) || ':' || ${parent}.dossier_id || '/' || ${parent}.source_key END`;
    return `${expression} AS c${index}`;
  });
  const joins = columns.flatMap((column, index) =>
    column.references === undefined
      ? []
      : [
          `LEFT JOIN ${table(column.references)} p${index} ON p${index}.id = t.${quoteIdentifier(column.name)}`,
        ],
  );
  return `SELECT t.id, t.source_key, t.run_id, ${select.join(', ')}
    FROM ${table(entity)} t ${joins.join(' ')} WHERE t.dossier_id = ${parameter(1)} ORDER BY ${order}`;
};

/** Counts rows of one dossier whose reference points to no row; undefined when the entity has no reference. */
export const orphanCountSql = ({ table, parameter }: SqlShape, entity: EntityName): string | undefined => {
  const references = targetColumns(entity).filter((column) => column.references !== undefined);
  if (references.length === 0) return undefined;
  const conditions = references.map((column) => {
    const value = `t.${quoteIdentifier(column.name)}`;
    return `(${value} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${table(column.references!)} p WHERE p.id = ${value}))`;
  });
  return `SELECT count(*) AS n FROM ${table(entity)} t WHERE t.dossier_id = ${parameter(1)} AND (${conditions.join(' OR ')})`;
};
