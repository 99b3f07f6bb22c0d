import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { tempDir } from '../support/stores.js';
import { writeFiles } from './support/helpers.js';
import { killedAtCall } from './support/killed-at-call.js';
import { withStores } from './support/portfolio.js';
import { companiesContactsPlan } from './support/companies-contacts-plan.js';

/**
 * A unit's notices were stored after its "done" mark (the target's finishLoad): a process killed between the two
 * lost them from the evidence for good, since the resume skips the finished unit and never says them again. They
 * are now stored before the mark, in place of those of an earlier attempt of the same run.
 *
 * The kill is an error thrown at that exact point of the real target (before or after its commit of the mark):
 * nothing catches it, so nothing that follows in the process runs, as after `kill -9`, and the window is hit every
 * time, where a SIGKILL timed from outside would hit it by chance.
 */
const plan = companiesContactsPlan('notices-kill', { contactFields: ['company_id: company_id'] });

/** A company whose name holds a line break: MULTILINE_RECORDS, a notice of the company unit. */
const companies = 'company_id,name\nC1,"Alpha\nNorth"\nC2,Beta\n';
const contacts = 'contact_id,last_name,company_id\nP1,Lee,C1\nP2,Ray,C2\n';

const killedThenResumed = async (when: 'before' | 'after') => {
  const dir = tempDir('cutover-e2e-notices-kill-');
  writeFiles(dir, { 'cutover.yaml': plan, 'companies.csv': companies, 'contacts.csv': contacts });
  return withStores(
    path.join(dir, 'cutover.yaml'),
    path.join(dir, 'state.db'),
    undefined,
    async (loaded, state, target) => {
      await expect(
        runMigration({
          loaded,
          state,
          target: killedAtCall(target, 'finishLoad', when, (_dossier, entity) => entity === 'company'),
        }),
      ).rejects.toThrow(`killed ${when} finishLoad`);
      const checkpoint = await target.checkpoint('crm', 'company');
      const summary = await runMigration({ loaded, state, target });
      // What `cutover evidence` shows of the run (evidence-pack.ts reads the run's stored notices).
      const stored = await state.notices(summary.runId);
      return { checkpoint, summary, stored };
    },
  );
};

const multiline = (notices: readonly { code: string }[]) =>
  notices.filter((notice) => notice.code === 'MULTILINE_RECORDS');

describe("a run killed at its unit's done mark", () => {
  it('keeps the notices of a unit killed right after its done mark, in the evidence and the resumed summary', async () => {
    const { checkpoint, summary, stored } = await killedThenResumed('after');
    expect(checkpoint).toMatchObject({ done: true });
    expect(summary).toMatchObject({ resumed: true, status: 'succeeded' });
    expect(multiline(stored)).toEqual([
      expect.objectContaining({ dossierId: 'crm', entity: 'company', source: 'companies.csv', line: 2 }),
    ]);
    expect(multiline(summary.notices)).toEqual([
      expect.objectContaining({ dossier: 'crm', entity: 'company', source: 'companies.csv', line: 2 }),
    ]);
  });

  it('stores them once when killed right before the mark: the resume loads the unit again and replaces them', async () => {
    const { checkpoint, summary, stored } = await killedThenResumed('before');
    expect(checkpoint).toMatchObject({ done: false });
    expect(summary).toMatchObject({ resumed: true, status: 'succeeded' });
    expect(multiline(stored)).toHaveLength(1);
    expect(multiline(summary.notices)).toHaveLength(1);
  });
});
