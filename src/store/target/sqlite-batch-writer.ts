import type Database from 'better-sqlite3';
import type { EntityName } from '../../core/model/canonical-model.js';
import { CellKind, type SqliteRows } from './sqlite-rows.js';
import { statementCache } from './sqlite-statements.js';
import { quoteIdentifier, targetColumns } from './target-ddl.js';
import { checkpointParameters, checkpointUpsertSql, withChanges } from './target-sql.js';
import type { LoadCheckpoint } from './target-store.js';

/** What a batch's insert did: the indices of its rows refused as duplicates, and rows of earlier runs it found. */
export interface SqliteBatchWritten {
  readonly duplicates: number[];
  readonly updated: number;
  readonly unchanged: number;
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE';

const checkpointSql = checkpointUpsertSql({ table: quoteIdentifier, parameter: () => '?' });

/** Rows per INSERT statement when loading new rows: one call into SQLite per group instead of per row. */
const ROWS_PER_STATEMENT = 20;

/** How a column of a batch is bound: its cells' UTF-8 bytes sliced by SQLite, or one value per cell. */
interface BoundColumn {
  /** Index into [source key, ...targetColumns(entity)]. */
  readonly index: number;
  readonly bytes: boolean;
}

/** A text cell is a slice of the statement's bytes: 1-based start and length in bytes (NULL length: NULL). */
const TEXT_CELL = 'CAST(substr(@text, ?, ?) AS TEXT)';

/**
 * Writes batches into one SQLite connection: `insert` opens the transaction and inserts the rows; with no duplicate
 * it writes the checkpoint and commits at once. Otherwise the transaction stays open while the caller records the
 * duplicates in the ledger, so that their fate is written before the commit that moves the checkpoint past them,
 * and `commit` ends it. Used on the writer thread and, where no thread can be started, on the caller's own.
 *
 * Binding values is a large part of the cost of an insert from JavaScript, so each batch binds as little as it can:
 * rows go in groups of ROWS_PER_STATEMENT per statement, a column that is empty in every row of the batch is left
 * out of the statement (SQLite stores NULL), the dossier and run id are bound once per statement, values are passed
 * as arguments rather than as an array (which the driver reads element by element through V8's slow path), and
 * text is never made a JavaScript string here: each statement binds the UTF-8 bytes of its rows once, and each text
 * cell is the slice SQLite cuts from them at a start and length bound as integers.
 */
export const createSqliteBatchWriter = (db: Database.Database) => {
  // Each entity, mode and set of empty columns has its statements: few per run, but bounded all the same.
  const statement = statementCache(db);

  const insertSql = (entity: EntityName, columns: readonly BoundColumn[], rowCount: number): string => {
    const all = ['source_key', ...targetColumns(entity).map((column) => column.name)];
    const names = ['dossier_id', 'run_id', ...columns.map((column) => all[column.index]!)];
    const row = `(@dossier, @run, ${columns.map((column) => (column.bytes ? TEXT_CELL : '?')).join(', ')})`;
    return `INSERT INTO ${quoteIdentifier(entity)} (${names.map(quoteIdentifier).join(', ')}) VALUES ${new Array<string>(rowCount).fill(row).join(', ')}`;
  };

  /**
   * Upsert mode, first step: a row of an earlier run whose every column holds the new value already takes this
   * run's id alone (`unchanged`). Its parameters are the insert's, in the same order.
   */
  const unchangedSql = (entity: EntityName, columns: readonly BoundColumn[]): string => {
    const all = ['source_key', ...targetColumns(entity).map((column) => column.name)];
    const bound = new Set(columns.map((column) => column.index));
    const same = columns.map(
      (column) =>
        `${quoteIdentifier(all[column.index]!)} ${column.index === 0 ? '=' : 'IS'} ${column.bytes ? TEXT_CELL : '?'}`,
    );
    // A column left out of the statement is empty in every row of the batch: the stored row must be empty there too.
    for (let index = 1; index < all.length; index++)
      if (!bound.has(index)) same.push(`${quoteIdentifier(all[index]!)} IS NULL`);
    return `UPDATE ${quoteIdentifier(entity)} SET run_id = @run WHERE dossier_id = @dossier AND run_id <> @run AND ${same.join(' AND ')}`;
  };

  /**
   * Upsert mode, second step: a row of an earlier run whose content differs is replaced (`updated`), every column
   * set, those left out of the statement to NULL. Its parameters are the insert's with the source key's moved last.
   */
  const updateSql = (entity: EntityName, columns: readonly BoundColumn[]): string => {
    const all = ['source_key', ...targetColumns(entity).map((column) => column.name)];
    const cells = new Map(columns.map((column) => [column.index, column.bytes ? TEXT_CELL : '?']));
    const set = all.slice(1).map((name, at) => `${quoteIdentifier(name)} = ${cells.get(at + 1) ?? 'NULL'}`);
    return `UPDATE ${quoteIdentifier(entity)} SET run_id = @run, ${set.join(', ')} WHERE dossier_id = @dossier AND run_id <> @run AND source_key = ${TEXT_CELL}`;
  };

  /** Writes the checkpoint in the open transaction and commits. */
  const commit = (dossier: string, entity: EntityName, checkpoint: LoadCheckpoint): void => {
    try {
      statement(checkpointSql).run(checkpointParameters(dossier, entity, checkpoint));
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  };

  return {
    /**
     * Inserts the rows in a new transaction and returns the indices of rows refused as duplicate source keys, with
     * how many rows of an earlier run were updated or unchanged (upsert mode). With no duplicate, `checkpoint` (those
     * counts added) is written and the transaction committed: no round trip to the caller in the usual case.
     */
    insert(rows: SqliteRows, checkpoint: LoadCheckpoint): SqliteBatchWritten {
      const width = targetColumns(rows.entity).length + 1;
      const { kinds, ends, numbers, bytes, count } = rows;
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

      // The columns that hold a value in at least one row; a column whose values are all text is bound as bytes.
      // Another (numbers, flags, or text mixed with them, which the model never makes) is bound value by value.
      const seen = new Uint8Array(width);
      for (let cell = 0; cell < kinds.length; cell++) {
        const kind = kinds[cell];
        if (kind !== CellKind.NULL) seen[cell % width]! |= kind === CellKind.TEXT ? 1 : 2;
      }
      const columns: BoundColumn[] = [];
      for (let index = 0; index < width; index++)
        if (seen[index] !== 0) columns.push({ index, bytes: seen[index] === 1 });
      const valueOf = (cell: number): string | number | null => {
        switch (kinds[cell]) {
          case CellKind.NUMBER:
            return numbers[cell]!;
          // SQLite has no boolean type: flags are stored as 0/1.
          case CellKind.TRUE:
            return 1;
          case CellKind.FALSE:
            return 0;
          case CellKind.TEXT:
            return buffer.toString('utf8', cell === 0 ? 0 : ends[cell - 1], ends[cell]);
          default:
            return null;
        }
      };

      /** Fills `parameters` for rows [first, last) and returns the statement's named parameters. */
      const bind = (first: number, last: number, parameters: (string | number | null)[]) => {
        const start = first === 0 ? 0 : ends[first * width - 1]!;
        const end = last === 0 ? 0 : ends[last * width - 1]!;
        let at = 0;
        for (let row = first; row < last; row++) {
          const base = row * width;
          for (const column of columns) {
            const cell = base + column.index;
            if (!column.bytes) {
              parameters[at++] = valueOf(cell);
            } else if (kinds[cell] === CellKind.TEXT) {
              const from = cell === 0 ? 0 : ends[cell - 1]!;
              parameters[at++] = from - start + 1;
              parameters[at++] = ends[cell]! - from;
            } else {
              parameters[at++] = 1;
              parameters[at++] = null;
            }
          }
        }
        return {
          dossier: rows.dossier,
          run: rows.runId,
          text: buffer.subarray(start, end),
        };
      };
      const perRow = columns.reduce((total, column) => total + (column.bytes ? 2 : 1), 0);

      // A batch whose records were all rejected still moves the checkpoint: it has no statement to prepare.
      const single = count === 0 ? undefined : statement(insertSql(rows.entity, columns, 1));
      const parameters = new Array<string | number | null>(perRow);
      const duplicates: number[] = [];
      /** Inserts one row; a duplicate source key is noted, not thrown. */
      const insertOne = (row: number, named = bind(row, row + 1, parameters)): void => {
        try {
          if (single!.run(named, ...parameters).changes === 0) duplicates.push(row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          duplicates.push(row);
        }
      };
      let updated = 0;
      let unchanged = 0;
      // Upsert mode only (a re-run), one row at a time: a row of an earlier run is left as it is but for its run id,
      // or replaced, or the row is new. A row this run already wrote is none of these: a duplicate source key.
      const upsert =
        rows.mode === 'insert' || count === 0
          ? undefined
          : {
              unchanged: statement(unchangedSql(rows.entity, columns)),
              update: statement(updateSql(rows.entity, columns)),
            };
      const upsertOne = (row: number): void => {
        const named = bind(row, row + 1, parameters);
        if (upsert!.unchanged.run(named, ...parameters).changes > 0) unchanged++;
        // The source key is bound first (column 0, always text: a start and a length), and last in the update.
        else if (upsert!.update.run(named, ...parameters.slice(2), parameters[0], parameters[1]).changes > 0)
          updated++;
        else insertOne(row, named);
      };

      db.exec('BEGIN');
      try {
        let row = 0;
        // Groups on a first load only: in upsert mode each row is first looked for among an earlier run's (above).
        if (rows.mode === 'insert' && count >= ROWS_PER_STATEMENT) {
          const group = statement(insertSql(rows.entity, columns, ROWS_PER_STATEMENT));
          const groupParameters = new Array<string | number | null>(perRow * ROWS_PER_STATEMENT);
          for (; row + ROWS_PER_STATEMENT <= count; row += ROWS_PER_STATEMENT) {
            const named = bind(row, row + ROWS_PER_STATEMENT, groupParameters);
            try {
              group.run(named, ...groupParameters);
            } catch (error) {
              if (!isUniqueViolation(error)) throw error;
              // SQLite undid the whole statement: its rows go again one by one, to find which were duplicates.
              for (let member = row; member < row + ROWS_PER_STATEMENT; member++) insertOne(member);
            }
          }
        }
        if (upsert === undefined) for (; row < count; row++) insertOne(row);
        else for (; row < count; row++) upsertOne(row);
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
      const written = { duplicates, updated, unchanged };
      if (duplicates.length === 0) commit(rows.dossier, rows.entity, withChanges(checkpoint, written));
      return written;
    },
    commit,
    rollback(): void {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
};

export type SqliteBatchWriter = ReturnType<typeof createSqliteBatchWriter>;
