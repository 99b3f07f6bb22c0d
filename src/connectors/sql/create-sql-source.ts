import { CutoverError, ErrorCode, isCutoverError } from '../../core/errors.js';
import type { SqlSourceSpec } from '../../core/plan/plan-schema.js';
import type { ReadOptions, RecordSource, SourceNotice } from '../../core/record-source.js';
import type { SourceRecord } from '../../core/source-record.js';
import type { DeclaredEncoding } from '../files/text-encoding.js';
import { buildColumnsProbe, buildDistinct, buildSelect } from './build-select.js';
import type { SqlConnection, SqlDriver } from './sql-driver.js';
import { createSqlTextDecoding } from './sql-text-decoding.js';
import { toFieldValue } from './to-field-value.js';
import { isUndecodedText } from './undecoded-text.js';
import { wrapSqlError } from './wrap-sql-error.js';

export interface SqlSourceOptions {
  /** Directory that relative paths in the plan are resolved against (SQLite files). */
  readonly baseDir: string;
  /** The columns forming the source key: the default order, and `location.key`. */
  readonly keyColumns: readonly string[];
  /** Only the rows of one dossier: pushed down to the database as `WHERE column IN (values)`. */
  readonly filter?: SqlFilter;
  /** Where `${VAR}` in the URL is looked up; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The rows whose column holds one of `values`, as the database gave them (see SqlRecordSource.distinct; null reads
 * NULL), or the values a function finds when the read starts.
 */
export interface SqlFilter {
  readonly column: string;
  readonly values: readonly unknown[] | (() => Promise<readonly unknown[]>);
}

/** One distinct value of a column: as the database gave it (to filter on), and as a record's field holds it. */
export interface DistinctValue {
  readonly value: unknown;
  readonly field: unknown;
}

export interface SqlRecordSource extends RecordSource {
  /** The distinct values of one column of the whole table or query, NULL included, in no order. */
  distinct(column: string): Promise<DistinctValue[]>;
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

const filterValues = async (filter: SqlFilter): Promise<readonly unknown[]> =>
  typeof filter.values === 'function' ? await filter.values() : filter.values;

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
  options: Pick<SqlSourceOptions, 'keyColumns' | 'filter'> & {
    /** How text the driver gives as bytes that are not UTF-8 (see UndecodedText) is read: the plan's `encoding`. */
    readonly textEncoding?: DeclaredEncoding;
  },
): SqlRecordSource => {
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
  const filter = options.filter;
  const selectFor = (values: readonly unknown[] | undefined) =>
    buildSelect(driver.dialect, {
      table: spec.table,
      query: spec.query,
      orderBy,
      ...(filter === undefined || values === undefined ? {} : { filter: { column: filter.column, values } }),
    });
  const locationSource = spec.table ?? 'query';
  const described = describeSource(spec);
  let bytesRead = 0;
  const newTextDecoding = () => createSqlTextDecoding(options.textEncoding ?? 'auto', described);
  /** The read's text that is not UTF-8: its notices are the last read's. */
  let textDecoding = newTextDecoding();
  /** The result's columns, as the first row names them. */
  let columns: readonly string[] | undefined;
  /** Said when the whole table or query gave no row (one dossier's rows may well be none): a file says EMPTY_FILE. */
  let emptyNotice: SourceNotice | undefined;

  /** Every column the select names: the key, the order, the dossier filter. */
  const namedColumns = [
    ...new Set([...keyColumns, ...orderBy, ...(filter === undefined ? [] : [filter.column])]),
  ];
  /**
   * The columns the plan names that a row of the result lacks, as a plan error (exit 2, as for a mapped field's
   * column): the database's own words for it (`no such column`, from the wrapped query) do not say which
   * setting of the plan named it, nor what the result has instead.
   */
  const lackedColumns = (row: Readonly<Record<string, unknown>>): CutoverError | undefined => {
    const missing = namedColumns.filter((column) => !Object.hasOwn(row, column));
    if (missing.length === 0) return undefined;
    const readBy = (column: string) =>
      [
        keyColumns.includes(column) ? 'the key' : undefined,
        orderBy.includes(column) && orderBy !== keyColumns ? 'orderBy' : undefined,
        filter?.column === column ? 'the dossier column' : undefined,
      ]
        .filter((use) => use !== undefined)
        .join(', ');
    const quoted = (column: string) => JSON.stringify(column);
    return new CutoverError(
      ErrorCode.PLAN_INVALID,
      `${driver.dialect.label} ${driver.where} ${described} has no column ` +
        `${missing.map((column) => `${quoted(column)} (read by ${readBy(column)})`).join(', ')}; ` +
        `its columns are ${Object.keys(row).map(quoted).join(', ')}. Name the column as the source writes it in the plan`,
      { context: { dialect: driver.dialect.label, where: driver.where, source: described } },
    );
  };

  /** After the ordered select failed before any row: one unordered row tells whether a named column is lacking. */
  const probeColumns = async (): Promise<CutoverError | undefined> => {
    const probe = buildColumnsProbe(driver.dialect, spec);
    let connection: SqlConnection | undefined;
    try {
      connection = await driver.connect();
      const [row] = await connection.select(probe.sql, probe.params).read(1);
      return row === undefined ? undefined : lackedColumns(row);
    } catch {
      // The probe failing too says nothing more than the select's own error, which is reported.
      return undefined;
    } finally {
      await connection?.close();
    }
  };

  const toRecord = (row: Record<string, unknown>, record: number): SourceRecord => {
    /** Columns whose text was not UTF-8 (a SQLite database's), read by the plan's `encoding`. */
    let undecoded: string[] | undefined;
    // The row is the driver's fresh object: converting in place saves a copy per record.
    for (const column in row) {
      let read = row[column];
      if (isUndecodedText(read)) {
        (undecoded ??= []).push(column);
        read = column === filter?.column ? textDecoding.textAlone(read) : textDecoding.text(read, record);
      }
      const value = toFieldValue(read);
      row[column] = value;
      bytesRead += approximateSize(value);
    }
    const location =
      keyColumns.length === 0
        ? { source: locationSource, record }
        : { source: locationSource, record, key: keyColumns.map((column) => keyText(row[column])).join('|') };
    const problem = undecoded === undefined ? undefined : textDecoding.problemOf(undecoded, location);
    return problem === undefined ? { fields: row, location } : { fields: row, location, problem };
  };

  const connect = async (): Promise<SqlConnection> => {
    try {
      return await driver.connect();
    } catch (error) {
      throw wrapSqlError(error, { phase: 'connect', driver, source: described });
    }
  };

  async function* read(readOptions: ReadOptions = {}): AsyncGenerator<SourceRecord[], void, undefined> {
    const batchSize = readOptions.batchSize ?? defaultBatchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new CutoverError(ErrorCode.INTERNAL, `batchSize must be a positive integer, not ${batchSize}`);
    }
    const signal = readOptions.signal;
    signal?.throwIfAborted();
    bytesRead = 0;
    textDecoding = newTextDecoding();
    columns = undefined;
    emptyNotice = undefined;
    let recordNumber = 0;
    const values = filter === undefined ? undefined : await filterValues(filter);
    const select = selectFor(values);
    const connection = await connect();
    try {
      const cursor = connection.select(select.sql, select.params);
      for (;;) {
        const rows = await cursor.read(batchSize);
        const first = rows[0];
        if (first === undefined) {
          if (recordNumber === 0 && filter === undefined)
            emptyNotice = {
              code: 'EMPTY_SOURCE',
              message: `${driver.dialect.label} ${driver.where} ${described} has no rows: no records`,
            };
          return;
        }
        if (recordNumber === 0) {
          const lacked = lackedColumns(first);
          if (lacked !== undefined) throw lacked;
          columns = Object.keys(first);
        }
        yield rows.map((row) => toRecord(row, ++recordNumber));
        // A short batch is the last one: asking again would cost a round trip for nothing.
        if (rows.length < batchSize) return;
        signal?.throwIfAborted();
      }
    } catch (error) {
      if (signal?.aborted === true) throw error;
      const wrapped = wrapSqlError(error, { phase: 'read', driver, source: described });
      if (recordNumber > 0 || wrapped.code !== ErrorCode.SOURCE_FAILED || isCutoverError(error))
        throw wrapped;
      throw (await probeColumns()) ?? wrapped;
    } finally {
      await connection.close();
    }
  }

  async function distinct(column: string): Promise<DistinctValue[]> {
    const query = buildDistinct(driver.dialect, spec, column);
    const connection = await connect();
    try {
      const cursor = connection.select(query.sql, query.params);
      const found: DistinctValue[] = [];
      for (;;) {
        const rows = await cursor.read(defaultBatchSize);
        for (const row of rows) {
          // Text that is not UTF-8 stays bytes to filter on (see buildSelect), and reads as a record's field will.
          const value = row[column];
          const field = isUndecodedText(value) ? textDecoding.textAlone(value) : toFieldValue(value);
          found.push({ value, field });
        }
        if (rows.length < defaultBatchSize) return found;
      }
    } catch (error) {
      const wrapped = wrapSqlError(error, { phase: 'read', driver, source: described });
      if (wrapped.code !== ErrorCode.SOURCE_FAILED || isCutoverError(error)) throw wrapped;
      throw (await probeColumns()) ?? wrapped;
    } finally {
      await connection.close();
    }
  }

  return {
    name: `${driver.dialect.label} ${driver.where} ${described}`,
    read,
    distinct,
    // A database does not say cheaply how much is left; bytes read give throughput, not an ETA.
    progress: () => ({ bytesRead, bytesTotal: undefined }),
    columns: () => columns,
    notices: (): readonly SourceNotice[] =>
      emptyNotice === undefined ? textDecoding.notices() : [emptyNotice, ...textDecoding.notices()],
  };
};
