import pg, { type CustomTypesConfig } from 'pg';
import Cursor from 'pg-cursor';
import { jsonColumnValue } from './json-column-value.js';
import { isoTimestamp } from './iso-timestamp.js';
import type { SqlConnection } from './sql-driver.js';

type Row = Record<string, unknown>;
type TypeId = Parameters<typeof pg.types.getTypeParser>[0];

const asText = (text: string): string => text;
// text[]'s parser: any array as nested arrays of the items' exact text.
const textArray = pg.types.getTypeParser(1009 as TypeId) as (text: string) => unknown;

/** Applies `convert` to every text item of a (possibly nested) array, leaving NULL items null. */
const mapTextItems = (items: unknown, convert: (text: string) => string): unknown =>
  Array.isArray(items)
    ? items.map((item) => mapTextItems(item, convert))
    : typeof items === 'string'
      ? convert(items)
      : items;

/**
 * pg's defaults turn int8[] and numeric[] into floats, json's numbers too, and DATE into a JS Date at local midnight
 * (a day earlier once printed in UTC east of Greenwich). These keep the server's exact text instead; timestamps are only
 * rearranged into ISO 8601 (the session runs in UTC, see `sessionSetup`). Oids from pg_type.
 */
const textParsers: Readonly<Record<number, (text: string) => unknown>> = {
  20: asText, // int8
  790: asText, // money
  1082: asText, // date
  1114: isoTimestamp, // timestamp
  1184: isoTimestamp, // timestamptz
  1186: asText, // interval, ISO 8601 through IntervalStyle
  1700: asText, // numeric
  114: jsonColumnValue, // json
  3802: jsonColumnValue, // jsonb
  1016: textArray, // int8[]
  1182: textArray, // date[]
  1187: textArray, // interval[]
  1231: textArray, // numeric[]
  1115: (text) => mapTextItems(textArray(text), isoTimestamp), // timestamp[]
  1185: (text) => mapTextItems(textArray(text), isoTimestamp), // timestamptz[]
};

const typeParser = (oid: TypeId, format?: 'text' | 'binary'): unknown =>
  (format === 'binary' ? undefined : textParsers[oid]) ?? pg.types.getTypeParser(oid, format);

const types: CustomTypesConfig = { getTypeParser: typeParser as CustomTypesConfig['getTypeParser'] };

/**
 * The session is fixed so that values do not depend on the server's configuration: timestamptz in UTC, ISO
 * dates and intervals; and read-only, because a legacy database is evidence that cutover must never change.
 */
const sessionSetup = [
  "SET TIME ZONE 'UTC'",
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'iso_8601'",
  'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY',
].join('; ');

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash). */
export const isConnectionLoss = (error: unknown): boolean =>
  !(error instanceof pg.DatabaseError) || /^(08|57P)/.test(error.code ?? '');

/** SQLSTATE 42601, syntax_error. */
export const isSyntaxError = (error: unknown): boolean =>
  error instanceof pg.DatabaseError && error.code === '42601';

export const connectPostgres = async (url: string): Promise<SqlConnection> => {
  const client = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 10_000 });
  // An error on an idle connection is emitted as an event, which would crash the process without a listener;
  // a read in progress receives it as its own rejection.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    // Not awaited: after a failed connect the socket may already be gone, and ending must not hang the caller.
    void client.end().catch(() => undefined);
    throw error;
  }
  try {
    await client.query(sessionSetup);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  let cursor: Cursor<Row> | undefined;
  let failed = false;
  return {
    select: (sql, params) => {
      const opened = client.query(new Cursor<Row>(sql, [...params], { types }));
      cursor = opened;
      return {
        read: async (max) => {
          try {
            return await opened.read(max);
          } catch (error) {
            failed = true;
            throw error;
          }
        },
      };
    },
    close: async () => {
      // Closing the cursor first lets the connection end politely; after an error the cursor is already over.
      if (cursor !== undefined && !failed) await cursor.close().catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
};
