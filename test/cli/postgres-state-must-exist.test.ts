import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { dropPostgresSchema } from '../support/stores.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { cli, describeResult, ensureBuilt, jsonError } from '../e2e/support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from '../e2e/support/crm-fixture.js';
import { writeFiles } from '../e2e/support/helpers.js';

const schemaExists = async (schema: string): Promise<boolean> => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
      schema,
    ]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
};

/**
 * A PostgreSQL state store is a schema: a `?schema=` mistyped in --state made an empty one, and `cutover ledger`
 * answered "The ledger holds no skipped, rejected or merged record", exit 0. The reading commands now refuse it as
 * they refuse a SQLite file that is not there, and make nothing.
 */
describe.runIf(postgresAvailable)('commands that read a PostgreSQL state store', () => {
  let plan = '';
  const schemas: string[] = [];
  beforeAll(() => {
    ensureBuilt();
    const dir = tempDir('cutover-cli-pg-no-state-');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
    });
    plan = path.join(dir, 'cutover.yaml');
  }, 240_000);
  afterAll(async () => {
    for (const schema of schemas) await dropPostgresSchema(schema);
  });

  it('refuse a schema that holds no state store (exit 4) instead of creating one', async () => {
    const missing = uniqueName('h4nostate');
    // A schema that exists but holds other tables (a target's, say) is no state store either.
    const other = uniqueName('h4other');
    schemas.push(missing, other);
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`CREATE SCHEMA "${other}"`);
    await client.query(`CREATE TABLE "${other}".contact (id int)`);
    await client.end();
    const commands = [['ledger'], ['review'], ['review', 'golden'], ['reconcile'], ['replay']];
    for (const schema of [missing, other]) {
      const state = `${postgresUrl}?schema=${schema}`;
      for (const command of commands) {
        const result = await cli([...command, '--plan', plan, '--state', state, '--json']);
        const shown = `cutover ${command.join(' ')} on ${schema}\n${describeResult(result)}`;
        expect(result.code, shown).toBe(4);
        expect(jsonError(result), shown).toMatchObject({ exitCode: 4 });
        expect(result.stderr, shown).toBe(
          `cutover: no state store at ${state} (schema ${schema}): has \`cutover run\` been run with this plan and this state store? (this command reads it and creates none)\n`,
        );
      }
    }
    expect(await schemaExists(missing)).toBe(false);
  }, 120_000);

  it('read the store once a run has made it', async () => {
    const schema = uniqueName('h4state');
    schemas.push(schema);
    const state = `${postgresUrl}?schema=${schema}`;
    const run = await cli(['run', '--plan', plan, '--state', state, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const ledger = await cli(['ledger', '--plan', plan, '--state', state, '--json']);
    expect(ledger.code, describeResult(ledger)).toBe(0);
  }, 120_000);
});
