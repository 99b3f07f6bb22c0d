import { describe, expect, it } from 'vitest';
import { runMigration, type RunSummary } from '../../src/pipeline/run/run-migration.js';
import { inFreshStores } from './support/in-fresh-stores.js';
import { killedAtCall } from './support/killed-at-call.js';

/**
 * A unit stopped by its rejected-records threshold stores its notices after the commit that crossed it: a process
 * killed between the two left nothing stored, and the resume, which does not load past the stop, said none of them
 * (the evidence neither). The resume now reads the unit again up to where it stopped, committing nothing, and stores
 * them, unless the run had saved the unit's step, which it does after its notices.
 */
const plan = `version: 1
name: threshold-notices
target: { type: sqlite, url: target.db }
batchSize: 200
entities:
  contact:
    source: { type: csv, path: 'contacts_*.csv' }
    dossier: { value: crm }
    key: contact_id
    thresholds: { maxRejectedRatio: 0.1 }
    fields:
      last_name: { from: last_name, required: true }
`;

/** Read first, whole, with a record spanning two lines: MULTILINE_RECORDS, said once the file is read. */
const first = [
  'contact_id,last_name',
  'A1,"Lee\nJr"',
  ...Array.from({ length: 299 }, (_, i) => `A${i + 2},L${i}`),
].join('\n');
/** Read next: no last name, rejected; the ratio is checked from 1,000 records on, and crosses there. */
const second = ['contact_id,last_name', ...Array.from({ length: 2000 }, (_, i) => `B${i},`)].join('\n');

const files = { 'cutover.yaml': plan, 'contacts_1.csv': `${first}\n`, 'contacts_2.csv': `${second}\n` };

const killedThenResumed = (when: 'before' | 'after') =>
  inFreshStores('sqlite', files, async (loaded, state, target) => {
    const killed = killedAtCall(
      state,
      'replaceUnitNotices',
      when,
      (_run, _dossier, entity) => entity === 'contact',
    );
    await expect(runMigration({ loaded, state: killed, target })).rejects.toThrow(
      `killed ${when} replaceUnitNotices`,
    );
    const checkpoint = await target.checkpoint('crm', 'contact');
    const summary = await runMigration({ loaded, state, target });
    // What `cutover evidence` shows of the run (evidence-pack.ts reads the run's stored notices).
    return { checkpoint, summary, stored: await state.notices(summary.runId) };
  });

const said = (summary: RunSummary) =>
  summary.notices.map(({ code, source, entity }) => ({ code, source, entity }));

describe('a run killed right after a unit crossed its rejected-records threshold', () => {
  it('says and stores the notices of that unit on resume, killed before they were stored, as the uninterrupted run', async () => {
    const uninterrupted = await inFreshStores('sqlite', files, (loaded, state, target) =>
      runMigration({ loaded, state, target }),
    );
    expect(uninterrupted.status).toBe('threshold_crossed');
    expect(said(uninterrupted)).toEqual([
      { code: 'MULTILINE_RECORDS', source: 'contacts_1.csv', entity: 'contact' },
    ]);

    const { checkpoint, summary, stored } = await killedThenResumed('before');
    // The kill came after the commit that crossed the threshold: the resume loads nothing more.
    expect(checkpoint).toMatchObject({ done: false, recordsRead: 1100, rejected: 800 });
    expect(summary).toMatchObject({ resumed: true, status: 'threshold_crossed' });
    expect(summary.thresholds).toEqual(uninterrupted.thresholds);
    expect(summary.records).toEqual(uninterrupted.records);
    expect(said(summary)).toEqual(said(uninterrupted));
    // Its first rejected records too, read from its ledger: those of the batches committed before the stop.
    expect(summary.rejectedSamples).toEqual(
      uninterrupted.rejectedSamples.map((sample) => ({ ...sample, runId: summary.runId })),
    );
    expect(summary.rejectedSamples).toHaveLength(20);
    expect(stored.map(({ code, source }) => ({ code, source }))).toEqual([
      { code: 'MULTILINE_RECORDS', source: 'contacts_1.csv' },
    ]);
  });

  it('stores them once when killed right after storing them, before the run saved the unit stopped', async () => {
    const { summary, stored } = await killedThenResumed('after');
    expect(summary).toMatchObject({ resumed: true, status: 'threshold_crossed' });
    expect(said(summary)).toEqual([
      { code: 'MULTILINE_RECORDS', source: 'contacts_1.csv', entity: 'contact' },
    ]);
    expect(stored.map((notice) => notice.code)).toEqual(['MULTILINE_RECORDS']);
  });
});
