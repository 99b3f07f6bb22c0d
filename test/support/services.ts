import pg from 'pg';
import mysql from 'mysql2/promise';

/**
 * Integration tests talk to real PostgreSQL and MariaDB. On a newcomer's machine without them the tests skip
 * with a visible message; under CI (CI set) a missing service is a failure, never a skip.
 */
export const postgresUrl = process.env.CUTOVER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const mysqlUrl = process.env.CUTOVER_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';

const inCi = () => Boolean(process.env.CI);

const probe = async (name: string, connect: () => Promise<void>): Promise<boolean> => {
  try {
    await connect();
    return true;
  } catch (error) {
    if (inCi())
      throw new Error(`${name} is required under CI but is not reachable: ${String(error)}`, {
        cause: error,
      });
    console.warn(
      `\n[cutover tests] ${name} is not reachable here: its integration tests are skipped (${String(error)})\n`,
    );
    return false;
  }
};

export const postgresAvailable = await probe('PostgreSQL', async () => {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  await client.end();
});

export const mysqlAvailable = await probe('MariaDB/MySQL', async () => {
  const connection = await mysql.createConnection({ uri: mysqlUrl, connectTimeout: 3000 });
  await connection.end();
});

/** A schema name unique to one test, so parallel test files never share tables. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
