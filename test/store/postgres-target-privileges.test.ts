import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresTarget } from '../../src/store/target/postgres-target.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema } from '../support/stores.js';

/**
 * A DBA may hand cutover a schema it made, to a role without CREATE on the database (and an auditor reconciles with
 * a role that may only read): opening a target whose schema is complete creates nothing. Before, CREATE SCHEMA IF
 * NOT EXISTS failed with 'permission denied for database' whatever was there.
 */
describe.runIf(postgresAvailable)('PostgreSQL target opened by a role without CREATE on the database', () => {
  const schema = uniqueName('e2e_granted');
  const role = uniqueName('cutover_role');
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    await dropPostgresSchema(schema);
    await admin(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  });

  it('uses the schema as it is, and writes and reads with the rights it was given', async () => {
    const owner = await PostgresTarget.connect(postgresUrl, schema);
    await owner.ensureSchema();
    await owner.close();
    // No CREATE on the database: PostgreSQL gives it to no role by default.
    await admin(`CREATE ROLE ${role} LOGIN;
      GRANT USAGE ON SCHEMA "${schema}" TO ${role};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${role};
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA "${schema}" TO ${role}`);
    const url = new URL(postgresUrl);
    url.username = role;
    const limited = await PostgresTarget.connect(url.toString(), schema);
    try {
      await limited.ensureSchema();
      await limited.upsertDossiers([{ id: 'D1', name: 'Alpha', attributes: {} }]);
      expect(await limited.hasRows('D1', 'contact')).toBe(false);
    } finally {
      await limited.close();
    }
  });
});
