import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMigration, type RunSummary } from '../../src/pipeline/run/run-migration.js';
import { postgresUrl, uniqueName } from '../support/services.js';
import { dialects, dropPostgresSchema, tempDir } from '../support/stores.js';
import { writeFiles } from './support/helpers.js';
import { killedAtCall } from './support/killed-at-call.js';
import { withStores } from './support/portfolio.js';
import { companiesContactsPlan } from './support/companies-contacts-plan.js';

/**
 * A resumed run repeats the notices its killed invocation stored for the units it finished, read back from the state
 * store without an order: PostgreSQL returns rows in the order it keeps them, which a row written again (or VACUUM)
 * changes, and the resumed summary listed them in another order than the run that was never interrupted. They are
 * numbered per unit now, and read in that order.
 */
const plan = companiesContactsPlan('notice-order');

/** Two notices of the company unit, in this order: MULTILINE_RECORDS (line 2), then BLANK_LINES (line 4). */
const companies = 'company_id,name\nC1,"Alpha\nNorth"\n\nC2,Beta\n\nC3,"Gamma\nSouth"\n';
const contacts = 'contact_id,last_name\nP1,Lee\nP2,Ray\n';

const codes = (summary: RunSummary) => summary.notices.map((notice) => notice.code);

/** A run of the plan in a folder of its own, with a state store of the dialect's (a schema of its own on PostgreSQL). */
const inFreshStores = async <T>(
  dialect: 'sqlite' | 'postgres',
  work: Parameters<typeof withStores<T>>[3],
): Promise<T> => {
  const dir = tempDir('cutover-e2e-notice-order-');
  writeFiles(dir, { 'cutover.yaml': plan, 'companies.csv': companies, 'contacts.csv': contacts });
  const schema = dialect === 'postgres' ? uniqueName('h2_notice_order') : undefined;
  try {
    return await withStores(
      path.join(dir, 'cutover.yaml'),
      schema === undefined ? path.join(dir, 'state.db') : postgresUrl,
      schema,
      work,
    );
  } finally {
    if (schema !== undefined) await dropPostgresSchema(schema);
  }
};

for (const dialect of dialects) {
  describe.runIf(dialect.available)(`a resumed run's notices, state store on ${dialect.name}`, () => {
    it('are listed in the order the run that was never interrupted lists them', async () => {
      const uninterrupted = await inFreshStores(dialect.name, (loaded, state, target) =>
        runMigration({ loaded, state, target }),
      );
      expect(codes(uninterrupted)).toEqual(['MULTILINE_RECORDS', 'BLANK_LINES']);

      const resumed = await inFreshStores(dialect.name, async (loaded, state, target) => {
        // Killed once the companies are done and their notices stored, before the contacts are marked done.
        const killed = killedAtCall(
          target,
          'finishLoad',
          'before',
          (_dossier, entity) => entity === 'contact',
        );
        await expect(runMigration({ loaded, state, target: killed })).rejects.toThrow(
          'killed before finishLoad',
        );
        // The first notice's row written again, as the database may move it: PostgreSQL keeps it after the other.
        await state.db
          .updateTable('source_notice')
          .set((eb) => ({ message: eb.ref('message') }))
          .where('code', '=', 'MULTILINE_RECORDS')
          .execute();
        return runMigration({ loaded, state, target });
      });
      expect(resumed.resumed).toBe(true);
      expect(resumed.notices).toEqual(uninterrupted.notices);
    });
  });
}
