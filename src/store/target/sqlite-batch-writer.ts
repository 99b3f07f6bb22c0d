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
  // One string per row through a reused array, then the rows joined: cheaper than one array of every cell (the
  // same pattern as the PostgreSQL COPY text).
  const cells: string[] = [];
  const lines = new Array<string>(rows.length);
  let cell = 0;
  let line = 0;
  for (const row of rows) {
    kinds[cell++] = CellKind.TEXT;
    cells.length = 0;
    cells.push(row.sourceKey);
    const values = row.values;
    for (let column = 0; column < width; column++) {
      const value = values[column] ?? null;
      if (value === null) kinds[cell++] = CellKind.NULL;
      else if (typeof value === 'boolean') kinds[cell++] = value ? CellKind.TRUE : CellKind.FALSE;
      else if (typeof value === 'number') {
        kinds[cell++] = CellKind.NUMBER;
        cells.push(String(value));
      } else {
        kinds[cell++] = CellKind.TEXT;
        cells.push(value);
      }
    }
    lines[line++] = cells.join(separator);
  }
  return { ...header, count: rows.length, kinds, text: lines.join(separator), separator };
};

/** Thrown when a value held the cell separator: the caller writes that batch another way. */
export class UnsplittableRowsError extends Error {}

const isUniqueViolation = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE';

const checkpointSql = checkpointUpsertSql({ table: quoteIdentifier, parameter: () => '?' });

/**
 * Writes batches into one SQLite connection: `insert` opens the transaction and inserts the rows; with no duplicate
 * it writes the checkpoint and commits at once. Otherwise the transaction stays open while the caller records the
 * duplicates in the ledger, so that their fate is written before the commit that moves the checkpoint past them,
 * and `commit` ends it. Used on the writer thread and, where no thread can be started, on the caller's own.
 */
export const createSqliteBatchWriter = (db: Database.Database) => {
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let prepared = statements.get(sql);
    if (prepared === undefined) {
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };

  const insertSql = (entity: EntityName, mode: SqliteRows['mode']): string => {
    const names = [
      'dossier_id',
      'source_key',
      'run_id',
      ...targetColumns(entity).map((column) => column.name),
    ];
    const placeholders = names.map(() => '?').join(', ');
    let sql = `INSERT INTO ${quoteIdentifier(entity)} (${names.map(quoteIdentifier).join(', ')}) VALUES (${placeholders})`;
    if (mode === 'upsert') {
      // A row of an earlier run is updated; a row this run already wrote is a duplicate source key (no change).
      const updates = names
        .slice(2)
        .map((name) => `${quoteIdentifier(name)} = excluded.${quoteIdentifier(name)}`);
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
      const insert = statement(insertSql(rows.entity, rows.mode));
      const width = targetColumns(rows.entity).length;
      const { kinds, count } = rows;
      const texts = rows.text.split(rows.separator);
      let expected = 0;
      for (const kind of kinds) if (kind === CellKind.TEXT || kind === CellKind.NUMBER) expected++;
      if (texts.length !== expected && !(expected === 0 && texts.length === 1))
        throw new UnsplittableRowsError();
      const parameters = new Array<unknown>(width + 3);
      parameters[0] = rows.dossier;
      parameters[2] = rows.runId;
      const duplicates: number[] = [];
      let cell = 0;
      let next = 0;
      db.exec('BEGIN');
      try {
        for (let row = 0; row < count; row++) {
          for (let column = 0; column <= width; column++) {
            let value: string | number | null;
            switch (kinds[cell++]) {
              case CellKind.TEXT:
                value = texts[next++]!;
                break;
              case CellKind.NUMBER:
                value = Number(texts[next++]);
                break;
              // SQLite has no boolean type: flags are stored as 0/1.
              case CellKind.TRUE:
                value = 1;
                break;
              case CellKind.FALSE:
                value = 0;
                break;
              default:
                value = null;
            }
            // The key goes between the dossier and the run id.
            parameters[column === 0 ? 1 : column + 2] = value;
          }
          try {
            if (insert.run(parameters).changes === 0) duplicates.push(row);
          } catch (error) {
            if (!isUniqueViolation(error)) throw error;
            duplicates.push(row);
          }
        }
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
