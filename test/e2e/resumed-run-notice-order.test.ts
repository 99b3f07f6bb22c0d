import { describe, expect, it } from 'vitest';
import { runMigration, type RunSummary } from '../../src/pipeline/run/run-migration.js';
import { dialects } from '../support/stores.js';
import { inFreshStores } from './support/in-fresh-stores.js';
import { killedAtCall } from './support/killed-at-call.js';
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

const files = { 'cutover.yaml': plan, 'companies.csv': companies, 'contacts.csv': contacts };

for (const dialect of dialects) {
  describe.runIf(dialect.available)(`a resumed run's notices, state store on ${dialect.name}`, () => {
    it('are listed in the order the run that was never interrupted lists them', async () => {
      const uninterrupted = await inFreshStores(dialect.name, files, (loaded, state, target) =>
        runMigration({ loaded, state, target }),
      );
      expect(codes(uninterrupted)).toEqual(['MULTILINE_RECORDS', 'BLANK_LINES']);

      const resumed = await inFreshStores(dialect.name, files, async (loaded, state, target) => {
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
