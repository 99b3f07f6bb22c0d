import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/state/state-store.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema } from '../support/stores.js';

describe.runIf(postgresAvailable)('state store on a PostgreSQL shared with others', () => {
  it('opens and migrates its schema while other schemas of the database are dropped', async () => {
    const other = new pg.Client({ connectionString: postgresUrl });
    await other.connect();
    const mine: string[] = [];
    try {
      // Another team (or test) creates and drops its own schemas the whole time we open ours.
      let churning = true;
      const churn = (async () => {
        for (let round = 0; churning; round++) {
          const schema = uniqueName(`churn${round}`);
          await other.query(`CREATE SCHEMA "${schema}"`);
          await other.query(`CREATE TABLE "${schema}".t (id int, label text)`);
          await other.query(`DROP SCHEMA "${schema}" CASCADE`);
        }
      })();
      const failures: string[] = [];
      for (let attempt = 0; attempt < 15; attempt++) {
        const schema = uniqueName('state');
        mine.push(schema);
        try {
          const store = await StateStore.open(postgresUrl, { schema });
          await store.close();
        } catch (error) {
          failures.push(String(error));
        }
      }
      churning = false;
      await churn;
      expect(failures).toEqual([]);
    } finally {
      await other.end();
      for (const schema of mine) await dropPostgresSchema(schema);
    }
  }, 120_000);
});
