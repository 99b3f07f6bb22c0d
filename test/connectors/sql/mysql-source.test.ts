import mysql from 'mysql2/promise';
import { jsonText } from '../../../src/core/json-text.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSource } from '../../../src/connectors/sql/open-sql-source.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { mysqlAvailable, mysqlUrl, uniqueName } from '../../support/services.js';
import { failureOf, planUrl, readAll } from './read-source.js';
import { describeSqlSource, type SqlHarness } from './sql-source-suite.js';

/** The test server's URL pointing at another database. */
const urlOf = (database: string): string => {
  const url = new URL(mysqlUrl);
  url.pathname = `/${database}`;
  return url.href;
};

const mysqlHarness: SqlHarness = {
  type: 'mysql',
  columnTypes: {
    integer: 'INT',
    text: 'VARCHAR(200)',
    decimal: 'DECIMAL(16,2)',
    date: 'DATE',
    boolean: 'BOOLEAN',
    bigint: 'BIGINT',
    binary: 'BLOB',
    timestamp: 'DATETIME',
  },
  quote: (name) => `\`${name}\``,
  setup: async () => {
    const database = uniqueName('cutover_sql');
    // The admin connection stays on the server's default database: connections to `database` are the source's.
    const admin = await mysql.createConnection({ uri: mysqlUrl });
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
    const { url, env } = planUrl(urlOf(database), 'CUTOVER_TEST_MYSQL_PASSWORD');
    return {
      url,
      baseDir: '.',
      env,
      schema: database,
      exec: async (sql, params = []) => {
        await admin.query(sql, [...params]);
      },
      openConnections: async () => {
        const [rows] = await admin.query<mysql.RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ?',
          [database],
        );
        return Number(rows[0]?.n);
      },
      teardown: async () => {
        await admin.query(`DROP DATABASE ${database}`);
        await admin.end();
      },
    };
  },
};

describeSqlSource(mysqlHarness, mysqlAvailable);

describe('MySQL source', () => {
  const open = (url: string, spec: { table?: string; query?: string }, env: NodeJS.ProcessEnv = {}) =>
    openSqlSource({ type: 'mysql', url, ...spec }, { baseDir: '.', keyColumns: ['id'], env });

  describe.skipIf(!mysqlAvailable)('on the test server', () => {
    const database = uniqueName('cutover_sql');
    const server = planUrl(urlOf(database), 'CUTOVER_TEST_MYSQL_PASSWORD');
    let admin: mysql.Connection;

    beforeAll(async () => {
      admin = await mysql.createConnection({ uri: mysqlUrl });
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.query(
        `CREATE TABLE ${database}.events (id INT, at TIMESTAMP(6), flag BIT(1), level TINYINT(4), ratio DOUBLE, active TINYINT(1))`,
      );
      // The admin session is in Paris: the source must still read the instant in UTC.
      await admin.query("SET time_zone = '+01:00'");
      await admin.query(
        `INSERT INTO ${database}.events VALUES (1, '2024-03-01 08:30:00.250000', b'1', 7, 0.5, 1), (2, NULL, b'0', -3, NULL, 0), (3, NULL, NULL, NULL, NULL, 2)`,
      );
    });

    afterAll(async () => {
      await admin.query(`DROP DATABASE ${database}`);
      await admin.end();
    });

    it('fails with CONNECTION_FAILED for an unknown database', async () => {
      const { url, env } = planUrl(urlOf('cutover_no_such_database'), 'CUTOVER_TEST_MYSQL_PASSWORD');
      const error = await failureOf(() => readAll(open(url, { table: 'contacts' }, env)));
      expect(error.code).toBe(ErrorCode.CONNECTION_FAILED);
      expect(error.message).toContain('/cutover_no_such_database');
    });

    it('connects with the user taken from ${VAR}', async () => {
      const user = decodeURIComponent(new URL(mysqlUrl).username);
      const url = server.url.replace(`//${new URL(mysqlUrl).username}`, '//${CUTOVER_USER}');
      const records = (
        await readAll(
          open(
            url,
            { query: 'SELECT 1 AS id, CURRENT_USER() AS who' },
            { ...server.env, CUTOVER_USER: user },
          ),
        )
      ).flat();
      expect(records[0]?.fields.who).toMatch(new RegExp(`^${user}@`));
    });

    it('reads TIMESTAMP as a UTC instant, BIT(1) and a 0/1 TINYINT(1) as booleans, other TINYINTs and doubles as numbers', async () => {
      const records = (await readAll(open(server.url, { table: 'events' }, server.env))).flat();
      expect(records.map((record) => record.fields)).toEqual([
        { id: 1, at: '2024-03-01T07:30:00.250000Z', flag: true, level: 7, ratio: 0.5, active: true },
        { id: 2, at: null, flag: false, level: -3, ratio: null, active: false },
        // TINYINT(1) is MySQL's BOOLEAN, but it holds -128..127: a 2 is kept, not turned into true.
        { id: 3, at: null, flag: null, level: null, ratio: null, active: 2 },
      ]);
    });

    it('reads a JSON column with its numbers exactly as stored, never through a float', async () => {
      await admin.query(`CREATE TABLE ${database}.docs (id INT, place JSON, money JSON, scalar JSON)`);
      await admin.query(
        `INSERT INTO ${database}.docs VALUES (1, '{"zip":75001,"lat":48.850,"ids":[12345678901234567890],"city":"Paris"}', '{"amount": 1.10}', '12345678901234567.89')`,
      );
      const [record] = (await readAll(open(server.url, { table: 'docs' }, server.env))).flat();
      const fields = record?.fields ?? {};
      expect(jsonText(fields.place)).toBe(
        '{"zip":75001,"lat":48.850,"ids":[12345678901234567890],"city":"Paris"}',
      );
      expect(jsonText(fields.money)).toBe('{"amount":1.10}');
      // A number at the top of the value is its text, as a DECIMAL column's is.
      expect(fields.scalar).toBe('12345678901234567.89');
    });

    it('opens the session read-only, so a query cannot change the legacy database', async () => {
      // A function that writes, called from the select: the only way a read can try to change the database.
      await admin.query(
        `CREATE FUNCTION ${database}.touch() RETURNS INT MODIFIES SQL DATA
         BEGIN INSERT INTO ${database}.events (id) VALUES (99); RETURN 1; END`,
      );
      const query = `SELECT ${database}.touch() AS id`;
      const error = await failureOf(() => readAll(open(server.url, { query }, server.env)));
      expect(error.code).toBe(ErrorCode.SOURCE_FAILED);
      expect(error.message).toContain('READ ONLY');
      const [rows] = await admin.query<mysql.RowDataPacket[]>(
        `SELECT id FROM ${database}.events WHERE id = 99`,
      );
      expect(rows).toEqual([]);
    });
  });
});
