import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSource } from '../../../src/connectors/sql/open-sql-source.js';
import { mysqlAvailable, mysqlUrl, uniqueName } from '../../support/services.js';
import { planUrl, readAll } from './read-source.js';

/**
 * MariaDB and MySQL send a FLOAT column's value as text with 6 significant digits: a price of 123456.78 (stored as
 * the single-precision 123456.78125) arrives as "123457", and 1234567.5 as "1234570". The source read that text, a
 * decimal field loaded 123457, and reconcile, which read the same text again, was green: 0.78 lost per record
 * without a trace. (DOUBLE and FLOAT(M,D) are sent in full.)
 */
describe.runIf(mysqlAvailable)('MariaDB source: a FLOAT column', () => {
  const database = uniqueName('h2_float');
  let admin: mysql.Connection;

  beforeAll(async () => {
    admin = await mysql.createConnection({ uri: mysqlUrl });
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
    await admin.query(`CREATE TABLE ${database}.prices (id INT PRIMARY KEY, price FLOAT)`);
    await admin.query(`INSERT INTO ${database}.prices VALUES (1, 123456.78), (2, 1234567.5), (3, 19.99)`);
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  });

  it('reads the value stored, not its 6-digit display', async () => {
    const url = new URL(mysqlUrl);
    url.pathname = `/${database}`;
    const { url: sourceUrl, env } = planUrl(url.href, 'CUTOVER_TEST_MYSQL_PASSWORD');
    const source = openSqlSource(
      { type: 'mysql', url: sourceUrl, table: 'prices' },
      { baseDir: '.', keyColumns: ['id'], env },
    );
    const prices = (await readAll(source)).flat().map((record) => String(record.fields.price));
    expect(prices).toEqual(['123456.78', '1234567.5', '19.99']);
  });
});
