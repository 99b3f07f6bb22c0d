import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSource } from '../../../src/connectors/sql/open-sql-source.js';
import { CutoverError, ErrorCode } from '../../../src/core/errors.js';
import { mysqlAvailable, mysqlUrl, uniqueName } from '../../support/services.js';
import { planUrl } from './read-source.js';

/**
 * A MariaDB connection that the server ends in the middle of a streamed read (an administrator's `KILL`, a server
 * restart, `net_write_timeout`): the read must fail with a connection error. mysql2 reports the loss of a connection
 * to the running query only through a callback, which a streamed query has none of: the error went to the
 * connection's 'error' listener, which swallowed it, and the stream neither failed nor ended. `cutover run` then hung
 * until its thread had nothing left to wait for and stopped "without a result (exit code 13)", exit 1.
 */
const rowCount = 1_000_000;

describe.runIf(mysqlAvailable)('MariaDB source: the connection killed during a read', () => {
  const database = uniqueName('h2_killed');
  let admin: mysql.Connection;

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: mysqlUrl });
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
    await admin.query(`CREATE TABLE ${database}.big (id INT PRIMARY KEY, name VARCHAR(40))`);
    // A million rows (about 20 MB): far more than the socket buffers hold, so the kill lands mid-result.
    await admin.query(`CREATE TABLE ${database}.digit (d INT)`);
    await admin.query(
      `INSERT INTO ${database}.digit VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)`,
    );
    await admin.query(
      `INSERT INTO ${database}.big
       SELECT n, CONCAT('name ', n) FROM (
         SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n
         FROM ${database}.digit a, ${database}.digit b, ${database}.digit c, ${database}.digit e,
              ${database}.digit f, ${database}.digit g) numbers`,
    );
  }, 60_000);

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  });

  it('fails the read with CONNECTION_FAILED instead of hanging', async () => {
    const url = new URL(mysqlUrl);
    url.pathname = `/${database}`;
    const { url: sourceUrl, env } = planUrl(url.href, 'CUTOVER_TEST_MYSQL_PASSWORD');
    const source = openSqlSource(
      { type: 'mysql', url: sourceUrl, table: 'big' },
      { baseDir: '.', keyColumns: ['id'], env },
    );
    let read = 0;
    const outcome = (async () => {
      try {
        for await (const batch of source.read({ batchSize: 1000 })) {
          read += batch.length;
          if (read === 1000) {
            const [rows] = await admin.query<mysql.RowDataPacket[]>(
              'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
              [database],
            );
            expect(rows).toHaveLength(1);
            await admin.query(`KILL ${Number(rows[0]!.id)}`);
          }
        }
        return 'ended';
      } catch (error) {
        return error;
      }
    })();
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve('hung'), 15_000).unref());
    const result = await Promise.race([outcome, hung]);
    expect(result).toBeInstanceOf(CutoverError);
    expect((result as CutoverError).code).toBe(ErrorCode.CONNECTION_FAILED);
    expect((result as CutoverError).message).toMatch(
      /^lost the connection to MySQL at .* while reading table big: /,
    );
    expect(read).toBeLessThan(rowCount);
  }, 30_000);
});
