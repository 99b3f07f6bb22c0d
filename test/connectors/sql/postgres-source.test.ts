import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSource } from '../../../src/connectors/sql/open-sql-source.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { jsonText } from '../../../src/core/json-text.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../../support/services.js';
import { failureOf, planUrl, readAll } from './read-source.js';
import { describeSqlSource, type SqlHarness } from './sql-source-suite.js';

const placeholders = (sql: string): string => {
  let index = 0;
  return sql.replaceAll('?', () => `$${++index}`);
};

const postgresHarness: SqlHarness = {
  type: 'postgres',
  columnTypes: {
    integer: 'INTEGER',
    text: 'TEXT',
    decimal: 'NUMERIC(16,2)',
    date: 'DATE',
    boolean: 'BOOLEAN',
    bigint: 'BIGINT',
    binary: 'BYTEA',
    timestamp: 'TIMESTAMP',
  },
  quote: (name) => `"${name}"`,
  setup: async () => {
    const schema = uniqueName('cutover_sql');
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    // The source's connections carry the schema name, so they can be counted apart from everyone else's.
    const sourceUrl = new URL(postgresUrl);
    sourceUrl.searchParams.set('application_name', schema);
    const { url, env } = planUrl(sourceUrl.href, 'CUTOVER_TEST_PG_PASSWORD');
    return {
      url,
      baseDir: '.',
      env,
      schema,
      exec: async (sql, params = []) => {
        await admin.query(placeholders(sql), [...params]);
      },
      openConnections: async () => {
        const result = await admin.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [schema],
        );
        return result.rows[0]?.n ?? 0;
      },
      teardown: async () => {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  },
};

describeSqlSource(postgresHarness, postgresAvailable);

describe('PostgreSQL source', () => {
  const open = (url: string, query: string, env: NodeJS.ProcessEnv = {}) =>
    openSqlSource({ type: 'postgres', url, query }, { baseDir: '.', keyColumns: ['id'], env });

  describe.skipIf(!postgresAvailable)('on the test server', () => {
    const server = planUrl(postgresUrl, 'CUTOVER_TEST_PG_PASSWORD');
    const schema = uniqueName('cutover_sql');
    const admin = new pg.Client({ connectionString: postgresUrl });

    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}; CREATE SEQUENCE ${schema}.counter`);
    });

    afterAll(async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    });

    it('fails with CONNECTION_FAILED for an unknown database', async () => {
      const unknown = new URL(postgresUrl);
      unknown.pathname = '/cutover_no_such_database';
      const { url, env } = planUrl(unknown.href, 'CUTOVER_TEST_PG_PASSWORD');
      const error = await failureOf(() => readAll(open(url, 'SELECT 1 AS id', env)));
      expect(error.code).toBe(ErrorCode.CONNECTION_FAILED);
      expect(error.message).toContain('/cutover_no_such_database');
    });

    it('connects with the user and password taken from ${VAR}, URL-encoded', async () => {
      const parsed = new URL(postgresUrl);
      const user = decodeURIComponent(parsed.username);
      // Under trust authentication the server never asks for the password, so one full of URL delimiters
      // proves the encoding: unencoded, it would move the host.
      const password = parsed.password === '' ? 'p@ss:w/rd?#' : decodeURIComponent(parsed.password);
      const url = `postgres://\${CUTOVER_USER}:\${CUTOVER_PW}@${parsed.host}${parsed.pathname}`;
      const env = { CUTOVER_USER: user, CUTOVER_PW: password };
      const records = (await readAll(open(url, 'SELECT 1 AS id, current_user AS who', env))).flat();
      expect(records[0]?.fields).toEqual({ id: 1, who: user });
    });

    it('reads timestamptz as a UTC instant, intervals in ISO 8601, and exact numeric, int8 and date arrays', async () => {
      const query = `SELECT 1 AS id,
        TIMESTAMPTZ '2024-03-01 08:30:00.123456+01' AS at,
        INTERVAL '1 day 2 hours' AS span,
        ARRAY[1.10, 12345678901234.56]::numeric[] AS amounts,
        ARRAY[9007199254740993]::int8[] AS bigs,
        ARRAY[DATE '1987-03-01', NULL] AS days,
        ARRAY[TIMESTAMP '2024-03-01 08:30:00'] AS stamps`;
      const records = (await readAll(open(server.url, query, server.env))).flat();
      expect(records[0]?.fields).toEqual({
        id: 1,
        at: '2024-03-01T07:30:00.123456Z',
        span: 'P1DT2H',
        amounts: ['1.10', '12345678901234.56'],
        bigs: ['9007199254740993'],
        days: ['1987-03-01', null],
        stamps: ['2024-03-01T08:30:00'],
      });
    });

    it('reads json and jsonb with their numbers exactly as the server writes them, never through a float', async () => {
      const query = `SELECT 1 AS id,
        '{"zip":75001,"lat":48.850,"ids":[12345678901234567890],"city":"Paris"}'::json AS place,
        '{"amount": 1.10}'::jsonb AS money,
        '12345678901234567.89'::jsonb AS scalar,
        '"75001"'::jsonb AS text`;
      const [record] = (await readAll(open(server.url, query, server.env))).flat();
      const fields = record?.fields ?? {};
      expect(jsonText(fields.place)).toBe(
        '{"zip":75001,"lat":48.850,"ids":[12345678901234567890],"city":"Paris"}',
      );
      expect(jsonText(fields.money)).toBe('{"amount":1.10}');
      // A number or a string at the top of the value is its text, as a numeric column's is.
      expect(fields.scalar).toBe('12345678901234567.89');
      expect(fields.text).toBe('75001');
    });

    it('opens the session read-only, so a query cannot change the legacy database', async () => {
      const query = `SELECT nextval('${schema}.counter') AS id`;
      const error = await failureOf(() => readAll(open(server.url, query, server.env)));
      expect(error.code).toBe(ErrorCode.SOURCE_FAILED);
      expect(error.message).toContain('read-only transaction');
    });
  });
});
