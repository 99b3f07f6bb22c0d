import { isUtf8 } from 'node:buffer';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import type { SqliteSourceSpec } from '../../core/plan/plan-schema.js';
import { createSqlSource, type SqlRecordSource, type SqlSourceOptions } from './create-sql-source.js';
import { isoTimestamp } from './iso-timestamp.js';
import { quoteIdentifier } from './quote-identifier.js';
import { sqliteDatabasePath } from './sqlite-database-path.js';
import type { SqlConnection, SqlCursor, SqlDriver } from './sql-driver.js';
import { textAsBytesSelect } from './sqlite-text-as-bytes.js';
import { undecodedText, type UndecodedText } from './undecoded-text.js';

/**
 * SQLite keeps each value in its own storage class whatever the column declares, so only the declared type
 * tells a boolean from an integer or a decimal from a float. It is read the way SQLite itself reads it
 * (by substrings), so that `BIGINT`, `DECIMAL(16,2)` and `BOOLEAN` give the same values as in the other dialects.
 */
type ColumnKind = 'boolean' | 'bigint' | 'decimal' | 'timestamp' | 'other';

const kindOf = (declared: string | null): ColumnKind => {
  const type = (declared ?? '').toUpperCase();
  if (type.includes('BOOL')) return 'boolean';
  if (type.includes('BIGINT') || type.includes('INT8')) return 'bigint';
  if (type.includes('DEC') || type.includes('NUM') || type.includes('MONEY')) return 'decimal';
  if (type.includes('TIMESTAMP') || type.includes('DATETIME')) return 'timestamp';
  return 'other';
};

const minSafe = BigInt(Number.MIN_SAFE_INTEGER);
const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** Integers arrive as bigint (safeIntegers), so that none is rounded on the way. */
const sqliteValue = (value: unknown, kind: ColumnKind): unknown => {
  if (typeof value === 'bigint') {
    if (kind === 'boolean' && (value === 0n || value === 1n)) return value === 1n;
    if (kind === 'bigint' || kind === 'decimal') return value.toString();
    return value >= minSafe && value <= maxSafe ? Number(value) : value.toString();
  }
  // A DECIMAL column's value SQLite chose to store as REAL: its shortest text is the number that was written.
  if (typeof value === 'number' && kind === 'decimal') return String(value);
  if (typeof value === 'string' && kind === 'timestamp') return isoTimestamp(value);
  return value;
};

const openDatabase = (path: string): Database.Database => {
  const notFound = (detail: string, cause?: unknown) =>
    new CutoverError(ErrorCode.FILE_NOT_FOUND, `SQLite database ${path} ${detail}`, {
      cause,
      context: { path },
    });
  if (!existsSync(path)) throw notFound('does not exist');
  try {
    // Read-only: a legacy database is evidence, and cutover must never change it.
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw notFound(`cannot be opened: ${messageOf(error)}`, error);
  }
};

/** What better-sqlite3 gives for each byte of TEXT that is not UTF-8 (and for U+FFFD stored as a character). */
const REPLACEMENT_CHARACTER = '\uFFFD';

/** A text value's bytes: text when they are UTF-8 (a stored U+FFFD stays one), else for the source to decode. */
const textOfBytes = (bytes: Buffer): string | UndecodedText =>
  isUtf8(bytes) ? bytes.toString('utf8') : undecodedText(bytes);

/** One row as the statement gives it, in cutover's form; undefined to read the rest as bytes. */
type RowReader = (values: unknown) => Record<string, unknown> | undefined;

const sqliteConnection = (database: Database.Database): SqlConnection => {
  // One snapshot for the connection's reads: a select read on as text as bytes (readTextAsBytes) is run again, and
  // outside a transaction that second statement saw what the application committed meanwhile (a database in WAL
  // mode takes writes during a read), so its OFFSET fell on other rows: a row read twice, or one never read.
  // Deferred, the snapshot is taken by the first read; closing the database ends it.
  database.exec('BEGIN');
  let rows: Iterator<unknown> | undefined;
  // TEXT's bytes are UTF-8 only in a UTF-8 database: a UTF-16 one converts what it is given on the way in.
  const storesUtf8 = String(database.pragma('encoding', { simple: true })) === 'UTF-8';
  const select = (sql: string, params: readonly unknown[]): SqlCursor => {
    const statement = database.prepare<unknown[], Record<string, unknown>>(sql).safeIntegers(true);
    const columns = statement.columns();
    const kinds = columns.map((column) => [column.name, kindOf(column.type)] as const);
    /** Rows taken from the database so far: handed out, or in the batch being filled. */
    let taken = 0;
    let iterator: Iterator<unknown> = statement.iterate(...params);
    rows = iterator;

    /**
     * Text as the driver decodes it, at no cost for clean data. A value holding U+FFFD is either an invalid byte
     * the driver replaced or U+FFFD stored as a character: the rest is read as bytes to tell which.
     */
    const textRow: RowReader = (values) => {
      const row = values as Record<string, unknown>;
      for (const [name, kind] of kinds) {
        const value = row[name];
        if (storesUtf8 && typeof value === 'string' && value.includes(REPLACEMENT_CHARACTER))
          return undefined;
        row[name] = sqliteValue(value, kind);
      }
      return row;
    };
    /** A row of textAsBytesSelect: its values, then which of them were text. */
    const bytesRow: RowReader = (values) => {
      const row = values as unknown[];
      const textFlags = row[kinds.length] as string;
      const named: Record<string, unknown> = {};
      kinds.forEach(([name, kind], index) => {
        const value = row[index];
        const read = textFlags[index] === '1' && Buffer.isBuffer(value) ? textOfBytes(value) : value;
        named[name] = sqliteValue(read, kind);
      });
      return named;
    };
    let readRow = textRow;
    /** The same select again, text as bytes, from the row that held U+FFFD to the end (see textAsBytesSelect). */
    const readTextAsBytes = () => {
      iterator.return?.();
      const names = columns.map((column) => column.name);
      const again = database.prepare<unknown[], unknown[]>(textAsBytesSelect(sql, names));
      iterator = again
        .safeIntegers(true)
        .raw(true)
        .iterate(...params, taken);
      rows = iterator;
      readRow = bytesRow;
    };
    const take = (max: number) => {
      const batch: Record<string, unknown>[] = [];
      while (batch.length < max) {
        const next = iterator.next();
        if (next.done === true) break;
        const row = readRow(next.value);
        if (row === undefined) {
          readTextAsBytes();
          continue;
        }
        taken += 1;
        batch.push(row);
      }
      return batch;
    };
    return { read: (max) => new Promise((resolveRows) => resolveRows(take(max))) };
  };
  return {
    select,
    close: () => {
      try {
        // An open iterator keeps the connection busy, and a busy connection refuses to close.
        rows?.return?.();
        database.close();
      } catch {
        // Closing is best effort: the error worth reporting, if any, is already on its way.
      }
      return Promise.resolve();
    },
  };
};

/** A SQLite database file (path relative to the plan), read-only, streamed row by row with `.iterate()`. */
export const openSqliteSource = (spec: SqliteSourceSpec, options: SqlSourceOptions): SqlRecordSource => {
  const path = sqliteDatabasePath(spec, options.baseDir, options.env ?? process.env);
  const driver: SqlDriver = {
    dialect: {
      label: 'SQLite',
      quoteIdentifier: (name) => quoteIdentifier(name, '"'),
      placeholder: () => '?',
      // A column declared COLLATE NOCASE or RTRIM.
      exactValue: (column) => `CAST(${column} AS BLOB)`,
    },
    where: path,
    connect: () =>
      new Promise((resolveConnection) => resolveConnection(sqliteConnection(openDatabase(path)))),
    // One process, one file: there is no connection to lose once the file is open.
    isConnectionLoss: () => false,
    isSyntaxError: (error) =>
      error instanceof Database.SqliteError &&
      /syntax error|incomplete input|unrecognized token/.test(error.message),
  };
  return createSqlSource(driver, spec, { ...options, textEncoding: spec.encoding ?? 'auto' });
};
