import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';
import { replayKillCompanies, replayKillContacts, replayKillPlan } from './support/replay-kill-fixture.js';
import { contactCheckpoint, killedInContacts } from './support/kill-in-contacts.js';
import { companiesChangedNotices } from './support/companies-changed-notices.js';

/**
 * A replay killed midway is resumed by the next replay, whose list of units is made afresh: the units holding
 * rejects, and those left unfinished. A unit the killed replay had finished (the companies, run again as the
 * contacts' parent) holds no reject any more, so the list left it out, and its files were no longer compared with
 * their stamp: a companies export changed between the kill and the resume kept the old names in the target, the
 * contacts resumed by position, no SOURCE_CHANGED_ON_RESUME, exit 0; reconcile then found the company apart. A
 * replay never interrupted, on the new files, loads the new names.
 */

const plan = replayKillPlan('replay-resume-changed', 200);
const renamed = replayKillCompanies.replace('C1,Co 1\n', 'C1,Co 1 SA\n');

/** The first run (P3 and P90000 rejected for their date), then the export that mends P3. */
const migratedThenFixed = async (dir: string) => {
  writeFiles(dir, {
    'cutover.yaml': plan,
    'companies.csv': replayKillCompanies,
    'contacts.csv': replayKillContacts(false),
  });
  const planFile = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', planFile, '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  writeFileSync(path.join(dir, 'contacts.csv'), replayKillContacts(true));
  return planFile;
};

/** What the target and ledger end with: the companies' names, the contacts loaded, the fates. */
const outcome = async (dir: string) => ({
  companies: querySqlite(
    path.join(dir, 'target.db'),
    'SELECT source_key, name FROM company ORDER BY source_key',
  ),
  contacts: querySqlite(path.join(dir, 'target.db'), 'SELECT count(*) AS n FROM contact'),
  ledger: (await readLedger(defaultStatePath(dir))).map((entry) => [
    entry.entity,
    entry.sourceKey,
    entry.reason,
  ]),
});

describe('a replay killed, a file of a unit it had finished changed, then replayed again', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('reads that unit again with the rest of its dossier, as a replay never interrupted would load it', async () => {
    const dir = tempDir('cutover-e2e-replay-resume-changed-');
    const planFile = await migratedThenFixed(dir);
    const targetFile = path.join(dir, 'target.db');
    const firstRun = contactCheckpoint(targetFile)!.runId;
    const killed = await killedInContacts(['replay', '--plan', planFile, '--json'], targetFile, firstRun);
    expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
    // Killed in the contacts, past P3 and before P90000: the ledger holds no reject, the companies are done.
    expect(contactCheckpoint(targetFile)?.done).toBe(0);
    expect(await readLedger(defaultStatePath(dir))).toEqual([]);
    expect(
      querySqlite(targetFile, "SELECT run_id, done FROM _cutover_checkpoint WHERE entity = 'company'"),
    ).toEqual([{ run_id: contactCheckpoint(targetFile)!.runId, done: 1 }]);

    writeFileSync(path.join(dir, 'companies.csv'), renamed);
    const again = await cli(['replay', '--plan', planFile, '--json']);
    expect(again.code, describeResult(again)).toBe(0);
    const { run } = parseJsonStdout<{
      run: { resumed: boolean; notices: { code: string; entity: string; message: string }[] };
    }>(again);
    expect(run.resumed).toBe(true);
    expect(run.notices.map((notice) => [notice.code, notice.entity, notice.message])).toEqual(
      companiesChangedNotices,
    );

    const clean = tempDir('cutover-e2e-replay-resume-changed-clean-');
    const cleanPlan = await migratedThenFixed(clean);
    writeFileSync(path.join(clean, 'companies.csv'), renamed);
    const replayed = await cli(['replay', '--plan', cleanPlan, '--json']);
    expect(replayed.code, describeResult(replayed)).toBe(0);
    const expected = await outcome(clean);
    expect(expected.companies).toContainEqual({ source_key: 'C1', name: 'Co 1 SA' });
    expect(await outcome(dir)).toEqual(expected);
    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
  }, 120_000);
});
