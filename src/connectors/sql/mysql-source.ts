import type { Readable } from 'node:stream';
import type { Connection, TypeCast } from 'mysql2';
import type { SqlSourceSpec } from '../../core/plan/plan-schema.js';
import { createSqlSource, type SqlRecordSource, type SqlSourceOptions } from './create-sql-source.js';
import { isoTimestamp } from './iso-timestamp.js';
import { jsonColumnValue } from './json-column-value.js';
import { quoteIdentifier } from './quote-identifier.js';
import { resolveConnection } from '../../core/connection-url.js';
import { serverAddress } from './server-address.js';
import type { SqlConnection, SqlDriver } from './sql-driver.js';

type Row = Record<string, unknown>;

/** Rows the driver may buffer ahead of the reader before it pauses the socket (backpressure). */
const rowsAhead = 1000;

const mapText = (text: string | null, convert: (text: string) => unknown): unknown =>
  text === null ? null : convert(text);

const tinyFlag = (text: string): boolean | number =>
  text === '0' ? false : text === '1' ? true : Number(text);

/**
 * `dateStrings` keeps DATE as the stored day; DATETIME and TIMESTAMP are rearranged into ISO 8601 here, where
 * the column type is known (after the fact, a VARCHAR holding the same text would be indistinguishable).
 * TIMESTAMP is an instant, rendered in the session's zone, which is UTC (see `connectMysql`). TINYINT(1) and
 * BIT(1) are how MySQL spells a boolean; but a TINYINT(1) holds -128..127, and only its 0 and 1 are read as false
 * and true: any other value stays the number it is, so a boolean field rejects it instead of loading true.
 * A JSON column keeps its numbers exact, as PostgreSQL's json does (mysql2 would JSON.parse it, through floats).
 */
const typeCast: TypeCast = (field, next) => {
  // MariaDB's JSON is a LONGTEXT that its column metadata marks as JSON; MySQL's is a type of its own, sent as binary.
  if (field.extendedFormat === 'json' || field.type === 'JSON')
    return mapText(field.string('utf8'), jsonColumnValue);
  switch (field.type) {
    case 'DATETIME':
      return mapText(field.string(), isoTimestamp);
    case 'TIMESTAMP':
      return mapText(field.string(), (text) => isoTimestamp(`${text}+00`));
    case 'TINY':
      return field.length === 1 ? mapText(field.string(), tinyFlag) : next();
    case 'BIT': {
      if (field.length !== 1) return next();
      const bits = field.buffer();
      return bits === null ? null : bits[0] === 1;
    }
    default:
      return next();
  }
};

const selectAll = 'SELECT * ';
/** mysql2's column type of FLOAT, and the decimals of a FLOAT declared without (M,D). */
const floatType = 4;
const notFixedDecimals = 31;
const floatAlias = (index: number): string => `cutover_float_${index}`;

/**
 * The FLOAT columns, declared without (M,D), of a select's result, asked with LIMIT 0 (no row is read). The server
 * sends their values as text of 6 significant digits: 123456.78, stored as the single-precision 123456.78125,
 * arrives as "123457", and a price loses its cents. As DOUBLE (`+ 0e0`) the stored value arrives whole.
 */
const floatColumnsOf = (connection: Connection, sql: string, params: readonly unknown[]): Promise<string[]> =>
  new Promise((resolve, reject) => {
    connection.query(
      { sql: `SELECT * FROM (\n${sql}\n) AS cutover_columns LIMIT 0`, values: [...params] },
      (error, _rows, fields) => {
        if (error !== null) reject(error);
        else
          resolve(
            (fields ?? [])
              .filter((field) => field.columnType === floatType && field.decimals === notFixedDecimals)
              .map((field) => field.name),
          );
      },
    );
  });

/**
 * A FLOAT's stored value (a double here) as the shortest decimal that is the same single-precision number:
 * 123456.78125 is 123456.78, what was written into the column.
 */
const singlePrecisionValue = (value: unknown): unknown => {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(value.toPrecision(digits));
    if (Math.fround(shortest) === value) return shortest;
  }
  return value;
};

const run = (connection: Connection, sql: string): Promise<void> =>
  new Promise((resolve, reject) => {
    connection.query(sql, (error) => (error === null ? resolve() : reject(error)));
  });

/** mysql2 marks the errors after which the connection is unusable (lost socket, protocol error) as fatal. */
const isConnectionLoss = (error: unknown): boolean => (error as { fatal?: unknown } | null)?.fatal === true;

const connectMysql = async (url: string): Promise<SqlConnection> => {
  // Loaded here, not with the module: a plan without a MySQL source does not pay for the driver.
  const { default: mysql } = await import('mysql2');
  const connection = mysql.createConnection({
    uri: url,
    // Exact numbers and days: DECIMAL and BIGINT as text, dates as the stored text, never through JS floats/Dates.
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    typeCast,
    connectTimeout: 10_000,
  });
  /** The result being streamed, if any. */
  let streaming: Readable | undefined;
  // An error between commands is emitted as an event, which would crash the process without a listener. A lost
  // connection (KILL, a server restart, net_write_timeout) is also reported here only, not to the query: mysql2 tells
  // a running query through its callback, which a streamed query has none of. Without passing it on, the stream
  // neither failed nor ended and the read waited forever.
  connection.on('error', (error: Error) => streaming?.destroy(error));
  try {
    await new Promise<void>((resolve, reject) => {
      connection.connect((error) => (error === null ? resolve() : reject(error)));
    });
    await run(connection, "SET time_zone = '+00:00'");
    // A legacy database is evidence: cutover must never change it.
    await run(connection, 'SET SESSION TRANSACTION READ ONLY');
  } catch (error) {
    connection.destroy();
    throw error;
  }
  let started = false;
  let finished = false;
  /** Starts streaming a select; its FLOAT columns are read in full (see floatColumnsOf). */
  const open = async (sql: string, params: readonly unknown[]): Promise<AsyncIterator<Row, undefined>> => {
    const floats = sql.startsWith(selectAll) ? await floatColumnsOf(connection, sql, params) : [];
    const text =
      floats.length === 0
        ? sql
        : `SELECT *, ${floats.map((name, index) => `${quoteIdentifier(name, '`')} + 0e0 AS ${floatAlias(index)}`).join(', ')} ${sql.slice(selectAll.length)}`;
    // The non-promise connection streams: the promise API would buffer the whole result.
    const stream = connection.query({ sql: text, values: [...params] }).stream({ highWaterMark: rowsAhead });
    streaming = stream;
    const rows = stream[Symbol.asyncIterator]() as AsyncIterator<Row, undefined>;
    if (floats.length === 0) return rows;
    return {
      next: async () => {
        const next = await rows.next();
        if (next.done !== true) {
          const row = next.value;
          floats.forEach((name, index) => {
            const alias = floatAlias(index);
            row[name] = singlePrecisionValue(row[alias]);
            delete row[alias];
          });
        }
        return next;
      },
    };
  };
  return {
    select: (sql, params) => {
      started = true;
      let rows: Promise<AsyncIterator<Row, undefined>> | undefined;
      return {
        read: async (max) => {
          rows ??= open(sql, params);
          const iterator = await rows;
          const batch: Row[] = [];
          while (batch.length < max) {
            const next = await iterator.next();
            if (next.done === true) {
              finished = true;
              break;
            }
            batch.push(next.value);
          }
          return batch;
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        // `end` queues a polite QUIT behind the running query, which waits for every remaining row of a
        // result nobody reads any more: mid-result (early stop, error) the socket is closed instead.
        if (started && !finished) {
          connection.destroy();
          resolve();
        } else {
          connection.end(() => resolve());
        }
      }),
  };
};

/** A MySQL or MariaDB table or query, streamed with mysql2's `.stream()` under backpressure. */
export const openMysqlSource = (spec: SqlSourceSpec, options: SqlSourceOptions): SqlRecordSource => {
  const resolved = resolveConnection(spec.url, options.env ?? process.env);
  const url = resolved.url;
  const server = serverAddress(resolved, {
    label: 'MySQL',
    protocols: ['mysql:', 'mariadb:'],
    defaultPort: 3306,
  });
  const driver: SqlDriver = {
    dialect: {
      label: 'MySQL',
      quoteIdentifier: (name) => quoteIdentifier(name, '`'),
      placeholder: () => '?',
      exactValue: (column) => `CAST(${column} AS BINARY)`,
    },
    where: server.where,
    scrub: resolved.scrub,
    connect: () => connectMysql(url),
    isConnectionLoss,
    // MySQL and MariaDB's error 1064.
    isSyntaxError: (error) => (error as { code?: unknown } | null)?.code === 'ER_PARSE_ERROR',
  };
  return createSqlSource(driver, spec, options);
};
