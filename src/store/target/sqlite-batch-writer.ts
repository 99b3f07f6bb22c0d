import type Database from 'better-sqlite3';
import type { EntityName } from '../../core/model/canonical-model.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import { quoteIdentifier, targetColumns } from './target-ddl.js';
import { checkpointParameters, checkpointUpsertSql } from './target-sql.js';
import type { LoadCheckpoint } from './target-store.js';

/** What each cell of a batch holds: text and numbers travel in `text`, the others need no more than this code. */
export const CellKind = { TEXT: 0, NUMBER: 1, NULL: 2, TRUE: 3, FALSE: 4 } as const;

/** Separates the cells of `text`, unless a value holds it: the writer checks the count of cells. */
const CELL_SEPARATOR = '\u0000';

/**
 * The rows of one batch in the shape that crosses to the writer thread cheaply: per row its source key then one
 * cell per column of `targetColumns(entity)`. Text and numbers are joined into one string, and a byte per cell says
 * what it holds. Copying one string and one byte array costs postMessage a small part of what one array of
 * values costs (about 1.5 s per million contacts on each side, measured).
 */
export interface SqliteRows {
  readonly dossier: string;
  readonly entity: EntityName;
  readonly runId: string;
  readonly mode: 'insert' | 'upsert';
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly text: string;
  readonly separator: string;
}

type Rows = readonly { readonly sourceKey: string; readonly values: readonly CanonicalValue[] }[];

/** A separator that no value of these rows holds, for the rare batch whose text holds the usual one. */
export const unusedSeparator = (rows: Rows): string => {
  const all = rows.map((row) => `${row.sourceKey}${row.values.join('')}`).join('');
  for (let code = 1; code < 0xd800; code++) {
    const candidate = String.fromCharCode(code);
    if (!all.includes(candidate)) return candidate;
  }
  throw new Error('no character is left to separate the values of this batch');
};

/** Encodes rows (key, then values) for the writer. */
export const encodeSqliteRows = (
  header: Pick<SqliteRows, 'dossier' | 'entity' | 'runId' | 'mode'>,
  rows: Rows,
  separator = CELL_SEPARATOR,
): SqliteRows => {
  const width = targetColumns(header.entity).length;
  const kinds = new Uint8Array(rows.length * (width + 1));
  // Every text cell of the batch in one array, joined once: a string per row joined again per batch allocated
  // twice the text (a fifth of all the migrating thread allocated on 1M contacts).
  // Sized for every cell up front and cut to what was used: growing it cell by cell copied it again and again.
  const cells = new Array<string>(kinds.length);
  let used = 0;
  let cell = 0;
  for (const row of rows) {
    kinds[cell++] = CellKind.TEXT;
    cells[used++] = row.sourceKey;
    const values = row.values;
    for (let column = 0; column < width; column++) {
      const value = values[column] ?? null;
      if (value === null) kinds[cell++] = CellKind.NULL;
      else if (typeof value === 'boolean') kinds[cell++] = value ? CellKind.TRUE : CellKind.FALSE;
      else if (typeof value === 'number') {
        kinds[cell++] = CellKind.NUMBER;
        cells[used++] = String(value);
      } else {
        kinds[cell++] = CellKind.TEXT;
        cells[used++] = value;
      }
    }
  }
  cells.length = used;
  return { ...header, count: rows.length, kinds, text: cells.join(separator), separator };
};

/** Thrown when a value held the cell separator: the caller writes that batch another way. */
export class UnsplittableRowsError extends Error {}

const isUniqueViolation = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE';

const checkpointSql = checkpointUpsertSql({ table: quoteIdentifier, parameter: () => '?' });

/** Rows per INSERT statement when loading new rows: one call into SQLite per group instead of per row. */
const ROWS_PER_STATEMENT = 20;

/**
 * Writes batches into one SQLite connection: `insert` opens the transaction and inserts the rows; with no duplicate
 * it writes the checkpoint and commits at once. Otherwise the transaction stays open while the caller records the
 * duplicates in the ledger, so that their fate is written before the commit that moves the checkpoint past them,
 * and `commit` ends it. Used on the writer thread and, where no thread can be started, on the caller's own.
 *
 * Binding values is most of the cost of an insert from JavaScript, so each batch binds as few as it can: rows go
 * in groups of ROWS_PER_STATEMENT per statement, a column that is empty in every row of the batch is left out of
 * the statement (SQLite stores NULL), the dossier and run id are bound once per statement, and values are passed as
 * arguments rather than as an array (which the driver reads element by element through V8's slow path). Measured
 * on 1M contacts: 9.3 s for one bound row per statement, 5.0 s this way.
 */
export const createSqliteBatchWriter = (db: Database.Database) => {
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let prepared = statements.get(sql);
    if (prepared === undefined) {
      // Each entity, mode and set of empty columns has its statements: few per run, but bounded all the same.
      if (statements.size >= 256) statements.clear();
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };

  /** `columns`: indices into [source key, ...targetColumns(entity)] of the cells the statement binds. */
  const insertSql = (
    entity: EntityName,
    mode: SqliteRows['mode'],
    columns: readonly number[],
    rowCount: number,
  ): string => {
    const all = ['source_key', ...targetColumns(entity).map((column) => column.name)];
    const names = ['dossier_id', 'run_id', ...columns.map((index) => all[index]!)];
    const row = `(@dossier, @run, ${columns.map(() => '?').join(', ')})`;
    let sql = `INSERT INTO ${quoteIdentifier(entity)} (${names.map(quoteIdentifier).join(', ')}) VALUES ${new Array<string>(rowCount).fill(row).join(', ')}`;
    if (mode === 'upsert') {
      // A row of an earlier run is updated; a row this run already wrote is a duplicate source key (no change).
      // Every column is set, those left out of the statement too (NULL in `excluded`): the new row replaces the old.
      const updates = ['run_id', ...all.slice(1)].map(
        (name) => `${quoteIdentifier(name)} = excluded.${quoteIdentifier(name)}`,
      );
      sql += ` ON CONFLICT (dossier_id, source_key) DO UPDATE SET ${updates.join(', ')} WHERE run_id <> excluded.run_id`;
    }
    return sql;
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
     * Inserts the rows in a new transaction and returns the indices of rows refused as duplicate source keys. With
     * none, `checkpoint` is written and the transaction committed: no round trip to the caller in the usual case.
     */
    insert(rows: SqliteRows, checkpoint: LoadCheckpoint): number[] {
      const width = targetColumns(rows.entity).length + 1;
      const { kinds, count } = rows;
      const texts = rows.text.split(rows.separator);
      let expected = 0;
      for (const kind of kinds) if (kind === CellKind.TEXT || kind === CellKind.NUMBER) expected++;
      if (texts.length !== expected && !(expected === 0 && texts.length === 1))
        throw new UnsplittableRowsError();

      // The batch's cells as values, row after row, and the columns that hold a value in at least one row.
      const cells = new Array<string | number | null>(count * width);
      const filled = new Uint8Array(width);
      let next = 0;
      let cell = 0;
      for (let row = 0; row < count; row++) {
        for (let column = 0; column < width; column++, cell++) {
          const kind = kinds[cell];
          let value: string | number | null;
          if (kind === CellKind.TEXT) value = texts[next++]!;
          else if (kind === CellKind.NUMBER) value = Number(texts[next++]);
          // SQLite has no boolean type: flags are stored as 0/1.
          else if (kind === CellKind.TRUE) value = 1;
          else if (kind === CellKind.FALSE) value = 0;
          else value = null;
          cells[cell] = value;
          if (value !== null) filled[column] = 1;
        }
      }
      const columns: number[] = [];
      for (let column = 0; column < width; column++) if (filled[column] === 1) columns.push(column);

      const named = { dossier: rows.dossier, run: rows.runId };
      // A batch whose records were all rejected still moves the checkpoint: it has no statement to prepare.
      const single = count === 0 ? undefined : statement(insertSql(rows.entity, rows.mode, columns, 1));
      const parameters = new Array<string | number | null>(columns.length);
      const duplicates: number[] = [];
      /** Inserts one row; a duplicate source key is noted, not thrown. */
      const insertOne = (row: number): void => {
        const base = row * width;
        for (let index = 0; index < columns.length; index++)
          parameters[index] = cells[base + columns[index]!]!;
        try {
          if (single!.run(named, ...parameters).changes === 0) duplicates.push(row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          duplicates.push(row);
        }
      };

      db.exec('BEGIN');
      try {
        let row = 0;
        // Groups only for new rows: in upsert mode a row this run already wrote changes nothing, and a group could
        // not say which of its rows that was.
        if (rows.mode === 'insert' && count >= ROWS_PER_STATEMENT) {
          const group = statement(insertSql(rows.entity, rows.mode, columns, ROWS_PER_STATEMENT));
          const groupParameters = new Array<string | number | null>(columns.length * ROWS_PER_STATEMENT);
          for (; row + ROWS_PER_STATEMENT <= count; row += ROWS_PER_STATEMENT) {
            let at = 0;
            for (let member = row; member < row + ROWS_PER_STATEMENT; member++) {
              const base = member * width;
              for (const column of columns) groupParameters[at++] = cells[base + column]!;
            }
            try {
              group.run(named, ...groupParameters);
            } catch (error) {
              if (!isUniqueViolation(error)) throw error;
              // SQLite undid the whole statement: its rows go again one by one, to find which were duplicates.
              for (let member = row; member < row + ROWS_PER_STATEMENT; member++) insertOne(member);
            }
          }
        }
        for (; row < count; row++) insertOne(row);
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
      if (duplicates.length === 0) commit(rows.dossier, rows.entity, checkpoint);
      return duplicates;
    },
    commit,
    rollback(): void {
      if (db.inTransaction) db.exec('ROLLBACK');
    },
  };
};

export type SqliteBatchWriter = ReturnType<typeof createSqliteBatchWriter>;
