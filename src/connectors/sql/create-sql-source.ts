import { CutoverError, ErrorCode } from '../../core/errors.js';
import type { SqlSourceSpec } from '../../core/plan/plan-schema.js';
import type { ReadOptions, RecordSource } from '../../core/record-source.js';
import type { SourceRecord } from '../../core/source-record.js';
import { buildSelect } from './build-select.js';
import type { SqlConnection, SqlDriver } from './sql-driver.js';
import { toFieldValue } from './to-field-value.js';
import { wrapSqlError } from './wrap-sql-error.js';

export interface SqlSourceOptions {
  /** Directory that relative paths in the plan are resolved against (SQLite files). */
  readonly baseDir: string;
  /** The columns forming the source key: the default order, and `location.key`. */
  readonly keyColumns: readonly string[];
  /** Only the rows of one dossier: pushed down to the database as `WHERE column = value`. */
  readonly filter?: { readonly column: string; readonly value: string };
  /** Where `${VAR}` in the URL is looked up; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

const defaultBatchSize = 5000;

const planInvalid = (message: string) => new CutoverError(ErrorCode.PLAN_INVALID, message);

const keyText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};

/** Text length as a stand-in for bytes: exact enough for throughput, and free compared with the driver's work. */
const approximateSize = (value: unknown): number =>
  typeof value === 'string' ? value.length : value === null ? 0 : 8;

const describeSource = (spec: SqlSourceSpec): string => {
  if (spec.table !== undefined) return `table ${spec.table}`;
  const query = (spec.query ?? '').replace(/\s+/g, ' ').trim();
  return `query "${query.length > 60 ? `${query.slice(0, 60)}…` : query}"`;
};

/**
 * A RecordSource over one database driver. Each `read` opens its own connection and closes it when the reader
 * finishes, fails, or stops early (a `break` runs the generator's `finally`), so a source can be read again
 * (resume) and never leaks a connection. Rows are read in `ORDER BY orderBy ?? keyColumns`, the same order on
 * every read.
 */
export const createSqlSource = (
  driver: SqlDriver,
  spec: SqlSourceSpec,
  options: Pick<SqlSourceOptions, 'keyColumns' | 'filter'>,
): RecordSource => {
  if ((spec.table === undefined) === (spec.query === undefined)) {
    throw planInvalid(`a ${spec.type} source needs exactly one of \`table\` or \`query\``);
  }
  const keyColumns = options.keyColumns;
  const orderBy = spec.orderBy ?? keyColumns;
  if (orderBy.length === 0) {
    throw planInvalid(
      `a ${spec.type} source needs key columns or \`orderBy\`: without an order, a resumed read could skip or repeat rows`,
    );
  }
  const select = buildSelect(driver.dialect, {
    table: spec.table,
    query: spec.query,
    orderBy,
    filter: options.filter,
  });
  const locationSource = spec.table ?? 'query';
  const described = describeSource(spec);
  let bytesRead = 0;
  /** The result's columns, as the first row names them. */
  let columns: readonly string[] | undefined;

  const requireKeyColumns = (row: Readonly<Record<string, unknown>>) => {
    const missing = keyColumns.filter((column) => !Object.hasOwn(row, column));
    if (missing.length === 0) return;
    throw new CutoverError(
      ErrorCode.SOURCE_FAILED,
      `${described} has no column ${missing.join(', ')} (key columns ${keyColumns.join(', ')}); ` +
        `its columns are ${Object.keys(row).join(', ')}`,
      { context: { dialect: driver.dialect.label, where: driver.where, source: described } },
    );
  };

  const toRecord = (row: Record<string, unknown>, record: number): SourceRecord => {
    // The row is the driver's fresh object: converting in place saves a copy per record.
    for (const column in row) {
      const value = toFieldValue(row[column]);
      row[column] = value;
      bytesRead += approximateSize(value);
    }
    if (keyColumns.length === 0) return { fields: row, location: { source: locationSource, record } };
    const key = keyColumns.map((column) => keyText(row[column])).join('|');
    return { fields: row, location: { source: locationSource, record, key } };
  };

  async function* read(readOptions: ReadOptions = {}): AsyncGenerator<SourceRecord[], void, undefined> {
    const batchSize = readOptions.batchSize ?? defaultBatchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new CutoverError(ErrorCode.INTERNAL, `batchSize must be a positive integer, not ${batchSize}`);
    }
    const signal = readOptions.signal;
    signal?.throwIfAborted();
    bytesRead = 0;
    columns = undefined;
    let connection: SqlConnection;
    try {
      connection = await driver.connect();
    } catch (error) {
      throw wrapSqlError(error, { phase: 'connect', driver, source: described });
    }
    try {
      const cursor = connection.select(select.sql, select.params);
      let recordNumber = 0;
      for (;;) {
        const rows = await cursor.read(batchSize);
        const first = rows[0];
        if (first === undefined) return;
        if (recordNumber === 0) {
          requireKeyColumns(first);
          columns = Object.keys(first);
        }
        yield rows.map((row) => toRecord(row, ++recordNumber));
        // A short batch is the last one: asking again would cost a round trip for nothing.
        if (rows.length < batchSize) return;
        signal?.throwIfAborted();
      }
    } catch (error) {
      throw signal?.aborted ? error : wrapSqlError(error, { phase: 'read', driver, source: described });
    } finally {
      await connection.close();
    }
  }

  return {
    name: `${driver.dialect.label} ${driver.where} ${described}`,
    read,
    // A database does not say cheaply how much is left; bytes read give throughput, not an ETA.
    progress: () => ({ bytesRead, bytesTotal: undefined }),
    columns: () => columns,
  };
};
