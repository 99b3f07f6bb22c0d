import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { mysqlAvailable, mysqlUrl, postgresAvailable, postgresUrl } from '../support/services.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, jsonError } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

const plan = (source: string) => `version: 1
name: query-syntax
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: ${source}
    dossier: { value: legacy }
    key: id
    fields:
      last_name: name
`;

/** `cutover run --json` of a plan whose one source is `source`. */
const runWith = async (source: string, files: (dir: string) => void = () => undefined) => {
  const dir = tempDir('cutover-e2e-query-syntax-');
  writeFiles(dir, { 'cutover.yaml': plan(source) });
  files(dir);
  return cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
};

/**
 * A plan's `query` that the database refuses as SQL is the plan's mistake, fixed in the plan: exit 2 (PLAN_INVALID)
 * as for a column the plan names that the result lacks, not exit 4, which sends an operator to the network or the
 * server for nothing. A database that cannot be reached stays exit 4.
 */
describe('a SQL source whose query is not valid SQL', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('is refused as a plan mistake (exit 2) on SQLite, naming the query and the database’s words', async () => {
    const result = await runWith(
      '{ type: sqlite, url: legacy.db, query: "SELEC id, name FROM contacts" }',
      (dir) => {
        const database = new Database(path.join(dir, 'legacy.db'));
        database.exec(
          "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO contacts VALUES (1, 'Lee')",
        );
        database.close();
      },
    );
    expect(result.code, describeResult(result)).toBe(2);
    expect(jsonError(result)).toMatchObject({ code: 'PLAN_INVALID', exitCode: 2 });
    expect(result.stderr).toContain('query "SELEC id, name FROM contacts"');
    expect(result.stderr).toContain('syntax error');
  });

  it.runIf(postgresAvailable)('is refused as a plan mistake (exit 2) on PostgreSQL', async () => {
    const result = await runWith(
      `{ type: postgres, url: "${postgresUrl}", query: "SELECT 1 AS id, 'Lee' AS name FROM" }`,
    );
    expect(result.code, describeResult(result)).toBe(2);
    expect(jsonError(result)).toMatchObject({ code: 'PLAN_INVALID', exitCode: 2 });
    expect(result.stderr).toContain('syntax error');
  });

  it.runIf(mysqlAvailable)('is refused as a plan mistake (exit 2) on MariaDB', async () => {
    const result = await runWith(
      `{ type: mysql, url: "${mysqlUrl}", query: "SELEC 1 AS id, 'Lee' AS name" }`,
    );
    expect(result.code, describeResult(result)).toBe(2);
    expect(jsonError(result)).toMatchObject({ code: 'PLAN_INVALID', exitCode: 2 });
    expect(result.stderr).toContain('SQL syntax');
  });

  it('stays an infrastructure failure (exit 4) when the database refuses the connection', async () => {
    const result = await runWith(
      '{ type: postgres, url: "postgres://postgres@127.0.0.1:1/test", query: "SELEC 1 AS id" }',
    );
    expect(result.code, describeResult(result)).toBe(4);
    expect(jsonError(result)).toMatchObject({ code: 'CONNECTION_FAILED', exitCode: 4 });
  });
});
