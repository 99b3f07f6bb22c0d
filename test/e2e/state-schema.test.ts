import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * A state store serves one plan, and on PostgreSQL it was always the schema cutover_state: two plans could not share
 * a database. The state URL's `?schema=` names the schema; the parameter is cutover's, not sent to the server.
 */
const plan = (name: string, state: string) => `version: 1
name: ${name}
state: "${state}"
target: { type: sqlite, url: ${name}.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: last_name
`;

const withSchema = (schema: string) =>
  `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}application_name=statetest&schema=${schema}`;

const tablesOf = async (schema: string): Promise<string[]> => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [schema],
    );
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
};

describe.runIf(postgresAvailable)('the PostgreSQL state store schema named in its URL', () => {
  const first = uniqueName('state_a');
  const second = uniqueName('state_b');
  let dir = '';
  beforeAll(() => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-state-schema-');
    writeFiles(dir, {
      'contacts.csv': 'contact_id,last_name\nC1,Lee\nC2,Ray\n',
      'a.yaml': plan('plan-a', withSchema(first)),
      'b.yaml': plan('plan-b', withSchema(second)),
      'b-shares.yaml': plan('plan-b', withSchema(first)),
    });
  });
  afterAll(async () => {
    for (const schema of [first, second]) await dropPostgresSchema(schema);
  });

  it('gives two plans of one database a store each, and refuses a plan on the schema of another', async () => {
    for (const file of ['a.yaml', 'b.yaml']) {
      const run = await cli(['run', '--plan', path.join(dir, file), '--json']);
      expect(run.code, describeResult(run)).toBe(0);
      const reconcile = await cli(['reconcile', '--plan', path.join(dir, file), '--json']);
      expect(reconcile.code, describeResult(reconcile)).toBe(0);
    }
    expect(await tablesOf(first)).toContain('ledger_entry');
    expect(await tablesOf(second)).toContain('ledger_entry');
    const shares = await cli(['run', '--plan', path.join(dir, 'b-shares.yaml'), '--json']);
    expect(shares.code).toBe(2);
    expect(shares.stderr).toContain('belongs to the plan "plan-a", not to "plan-b"');
  }, 120_000);

  it('refuses a schema name it would have to quote, before connecting', async () => {
    const result = await cli([
      'ledger',
      '--plan',
      path.join(dir, 'a.yaml'),
      '--state',
      `${postgresUrl}?schema=Bad"Name`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the state store's schema "Bad"Name" is not a schema name cutover uses`);
  }, 60_000);
});
