import { describe, expect, it } from 'vitest';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import type { WriteBatch } from '../../src/store/target/target-store.js';
import { dialects } from '../support/stores.js';
import { inFreshStores } from './support/in-fresh-stores.js';
import { killedAtCall } from './support/killed-at-call.js';
import { companiesContactsPlan } from './support/companies-contacts-plan.js';

/**
 * A resumed run's "first rejected records" (`rejectedSamples`) were those its own process met: the ones of the units
 * finished before the kill and of the batches committed before it were left out, though the resumed run counts them.
 * They are now those of the whole run, read from the ledger for a unit the run began before the resume: the same
 * records, in the same order, as a run never interrupted shows.
 */
const plan = companiesContactsPlan('rejected-samples', {
  batchSize: 200,
  contactFields: ['company_id: company_id'],
});

/** Two companies without a name: rejects of a unit done before the kill. */
const companies = ['company_id,name', 'C1,Alpha', 'C2,', 'C3,Gamma', 'C4,'].join('\n');
/**
 * Every 50th contact has no last name, every 70th points to a company that does not exist: in a batch, the first
 * are rejected as they are mapped, the others once their parents are looked up, the order of the source mixed.
 */
const contacts = [
  'contact_id,last_name,company_id',
  ...Array.from(
    { length: 3000 },
    (_, i) => `P${i},${i % 50 === 7 ? '' : `L${i}`},${i % 70 === 3 ? 'C404' : 'C1'}`,
  ),
].join('\n');

const files = { 'cutover.yaml': plan, 'companies.csv': `${companies}\n`, 'contacts.csv': `${contacts}\n` };

const shown = (samples: readonly { entity: string; location: string; reason: string | null }[]) =>
  samples.map(({ entity, location, reason }) => `${entity} ${location} ${reason}`);

for (const dialect of dialects) {
  describe.runIf(dialect.available)(
    `a resumed run's first rejected records, state store on ${dialect.name}`,
    () => {
      it('are those of the whole run, in the order an uninterrupted run shows them', async () => {
        const uninterrupted = await inFreshStores(dialect.name, files, (loaded, state, target) =>
          runMigration({ loaded, state, target }),
        );
        // The two companies, then the contacts' first 20 (the unit's share), in the order of the file.
        expect(shown(uninterrupted.rejectedSamples).slice(0, 5)).toEqual([
          'company companies.csv:3 REQUIRED_MISSING',
          'company companies.csv:5 REQUIRED_MISSING',
          'contact contacts.csv:5 UNKNOWN_PARENT',
          'contact contacts.csv:9 REQUIRED_MISSING',
          'contact contacts.csv:59 REQUIRED_MISSING',
        ]);
        expect(uninterrupted.rejectedSamples).toHaveLength(22);

        const resumed = await inFreshStores(dialect.name, files, async (loaded, state, target) => {
          // Killed once two batches of contacts (400 records, 14 of them rejected) are committed.
          let contactBatches = 0;
          const killed = killedAtCall(
            target,
            'writeBatch',
            'after',
            (batch: WriteBatch) => batch.entity === 'contact' && ++contactBatches === 2,
          );
          await expect(runMigration({ loaded, state, target: killed })).rejects.toThrow(
            'killed after writeBatch',
          );
          expect(await target.checkpoint('crm', 'contact')).toMatchObject({ recordsRead: 400, rejected: 14 });
          return runMigration({ loaded, state, target });
        });
        expect(resumed.resumed).toBe(true);
        expect(resumed.records).toEqual(uninterrupted.records);
        expect(shown(resumed.rejectedSamples)).toEqual(shown(uninterrupted.rejectedSamples));
        expect(resumed.rejectedSamples).toEqual(
          uninterrupted.rejectedSamples.map((sample) => ({ ...sample, runId: resumed.runId })),
        );
      });
    },
  );
}
