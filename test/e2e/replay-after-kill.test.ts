import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';
import {
  CONTACTS,
  LATE_REJECT,
  replayKillCompanies,
  replayKillContacts,
  replayKillPlan,
} from './support/replay-kill-fixture.js';
import { contactCheckpoint, killedInContacts } from './support/kill-in-contacts.js';

/**
 * `cutover replay` runs again the units holding rejects, and a unit clears its ledger when it begins. Killed
 * midway, the replay left the unit's later rejects without a fate; the same command then found no reject in the
 * ledger, said "Nothing to replay" (exit 0) and left the unit unfinished and the record unaccounted for good.
 */

const plan = replayKillPlan('replay-kill', 200);
const contacts = replayKillContacts;
const companies = replayKillCompanies;

describe('replay killed midway, then replayed again', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('gives every record its fate again: the late reject is back in the ledger and reconcile proves it', async () => {
    const dir = tempDir('cutover-e2e-replay-kill-');
    writeFiles(dir, { 'cutover.yaml': plan, 'companies.csv': companies, 'contacts.csv': contacts(false) });
    const planFile = path.join(dir, 'cutover.yaml');
    const targetFile = path.join(dir, 'target.db');
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const firstRun = contactCheckpoint(targetFile)!.runId;
    expect(
      (await readLedger(defaultStatePath(dir))).map((entry) => [entry.sourceKey, entry.reason]).sort(),
    ).toEqual([
      ['P3', 'INVALID_DATE'],
      [`P${LATE_REJECT}`, 'INVALID_DATE'],
    ]);

    // The fix touches P3 only: P90000's date is still impossible.
    writeFileSync(path.join(dir, 'contacts.csv'), contacts(true));
    const killed = await killedInContacts(['replay', '--plan', planFile, '--json'], targetFile, firstRun);
    const after = contactCheckpoint(targetFile)!;
    // The test proves something only if the kill landed while the replay was loading the contacts.
    expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
    expect(after.done, JSON.stringify(after)).toBe(0);
    expect(after.read).toBeLessThan(LATE_REJECT);

    const again = await cli(['replay', '--plan', planFile, '--json']);
    expect(again.code, describeResult(again)).toBe(0);
    expect(parseJsonStdout<{ run?: unknown }>(again).run, 'the replay must run again').toBeDefined();

    // P3 loaded, P90000 still rejected: one fate each.
    expect((await readLedger(defaultStatePath(dir))).map((entry) => [entry.sourceKey, entry.reason])).toEqual(
      [[`P${LATE_REJECT}`, 'INVALID_DATE']],
    );
    expect(querySqlite(targetFile, 'SELECT count(*) AS n FROM contact')).toEqual([{ n: CONTACTS - 1 }]);
    expect(querySqlite(targetFile, "SELECT done FROM _cutover_checkpoint WHERE entity = 'contact'")).toEqual([
      { done: 1 },
    ]);
    expect(
      querySqlite(defaultStatePath(dir), "SELECT count(*) AS n FROM run WHERE status = 'running'"),
    ).toEqual([{ n: 0 }]);
    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<{ totals: { unaccounted: number } }>(reconciled).totals.unaccounted).toBe(0);
  }, 120_000);
});
