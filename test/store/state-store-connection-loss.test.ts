import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/state/state-store.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema } from '../support/stores.js';

describe.runIf(postgresAvailable)('state store on PostgreSQL: a connection lost while idle', () => {
  const schema = uniqueName('state_lost');
  afterAll(() => dropPostgresSchema(schema));

  it('goes on with a new connection, and the process lives (the server ended its idle connection)', async () => {
    const store = await StateStore.open(postgresUrl, { schema });
    try {
      await store.upsertDossiers([{ id: 'D1', name: 'Acme', attributes: {} }]);
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      try {
        // The store's connections say whose they are: an administrator can find them (and here, end them).
        const { rows } = await admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
          [`cutover state ${schema}`],
        );
        expect(rows.length).toBeGreaterThan(0);
        for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      } finally {
        await admin.end();
      }
      // Time for the pool to hear of it: an unheard 'error' event here used to end the process.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await store.listDossiers()).map((dossier) => dossier.id)).toEqual(['D1']);
    } finally {
      await store.close();
    }
  });
});
