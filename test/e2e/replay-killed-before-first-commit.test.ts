import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, finished, parseJsonStdout, startCli } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';
import {
  CONTACTS,
  LATE_REJECT,
  replayKillCompanies,
  replayKillContacts,
  replayKillPlan,
} from './support/replay-kill-fixture.js';

/**
 * `cutover replay` picks its units from the ledger's rejects, and a unit clears its ledger when it begins. Replay
 * now also runs the units the target lists as unfinished (checkpoint not done), but a unit's checkpoint is first
 * written at its first commit: killed between clearing the ledger and that commit (the whole of a unit that fits in
 * one batch), the unit's checkpoint is still the earlier run's, done. The next replay found neither a reject nor an
 * unfinished load, said "Nothing to replay" and left the late reject without a fate.
 */

const plan = replayKillPlan('replay-kill-first-batch', 200000);
const contacts = replayKillContacts;
const companies = replayKillCompanies;

interface Checkpoint {
  runId: string;
  read: number;
  done: number;
}

const read = <T>(file: string, sql: string): T | undefined => {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.prepare(sql).get() as T | undefined;
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
};

describe('replay killed after a unit cleared its ledger, before its first commit', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  /** A run that rejected P3 and P90000, P3 then fixed in the file, and a replay killed once `stop` says so. */
  const killedReplay = async (
    stop: (ledger: number | undefined, checkpoint: Checkpoint | undefined, firstRun: string) => boolean,
  ) => {
    const dir = tempDir('cutover-e2e-replay-first-batch-');
    writeFiles(dir, { 'cutover.yaml': plan, 'companies.csv': companies, 'contacts.csv': contacts(false) });
    const planFile = path.join(dir, 'cutover.yaml');
    const targetFile = path.join(dir, 'target.db');
    const stateFile = defaultStatePath(dir);
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const contactCheckpoint = () =>
      read<Checkpoint>(
        targetFile,
        "SELECT run_id AS runId, records_read AS read, done FROM _cutover_checkpoint WHERE entity = 'contact'",
      );
    const firstRun = contactCheckpoint()!.runId;
    /** The first run's fate of P3, rejected for its date: the replay's fix loads it. */
    const [rejectedP3] = querySqlite<Record<string, unknown>>(
      stateFile,
      "SELECT * FROM ledger_entry WHERE source_key = 'P3'",
    );
    expect(rejectedP3).toMatchObject({ fate: 'rejected', reason: 'INVALID_DATE' });

    writeFileSync(path.join(dir, 'contacts.csv'), contacts(true));
    const child = startCli(['replay', '--plan', planFile, '--json']);
    const done = finished(child);
    let exited = false;
    void done.then(() => (exited = true));
    const started = Date.now();
    while (!exited && Date.now() - started < 60_000) {
      const ledger = read<{ n: number }>(
        stateFile,
        "SELECT count(*) AS n FROM ledger_entry WHERE entity = 'contact'",
      );
      if (stop(ledger?.n, contactCheckpoint(), firstRun)) break;
      await sleep(1);
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
    // The kill landed in the window these tests are about.
    expect(stop(undefined, contactCheckpoint(), firstRun), JSON.stringify(contactCheckpoint())).toBe(true);

    return {
      stateFile,
      rejectedP3: rejectedP3!,
      /** Replays again: P3 loaded, P90000 still rejected, one fate each, reconcile green. */
      replayAgain: async () => {
        const again = await cli(['replay', '--plan', planFile, '--json']);
        expect(again.code, describeResult(again)).toBe(0);
        expect(parseJsonStdout<{ run?: unknown }>(again).run, 'the replay must run again').toBeDefined();
        expect((await readLedger(stateFile)).map((entry) => [entry.sourceKey, entry.reason])).toEqual([
          [`P${LATE_REJECT}`, 'INVALID_DATE'],
        ]);
        expect(querySqlite(targetFile, 'SELECT count(*) AS n FROM contact')).toEqual([{ n: CONTACTS - 1 }]);
        const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
        expect(reconciled.code, describeResult(reconciled)).toBe(0);
      },
    };
  };

  it('runs the unit again on the next replay: the late reject gets its fate back', async () => {
    // The contact unit has begun (its ledger cleared) and has not committed yet: the first run's checkpoint, or one
    // that says the load has begun.
    const replay = await killedReplay(
      (ledger, checkpoint, firstRun) =>
        (ledger === undefined || ledger === 0) &&
        checkpoint !== undefined &&
        (checkpoint.runId === firstRun
          ? checkpoint.done === 1
          : checkpoint.read === 0 && checkpoint.done === 0),
    );
    expect(await readLedger(replay.stateFile)).toEqual([]);
    await replay.replayAgain();
  }, 120_000);

  it('clears the earlier fates of a unit begun but killed before its ledger was cleared', async () => {
    // Killed once the contact load has begun, before its first commit; its ledger then put back as it was before
    // the load cleared it (a kill between the two): P3's old reject must not stay beside its loaded row.
    const replay = await killedReplay(
      (_ledger, checkpoint, firstRun) =>
        checkpoint !== undefined &&
        checkpoint.runId !== firstRun &&
        checkpoint.read === 0 &&
        checkpoint.done === 0,
    );
    const state = new Database(replay.stateFile);
    try {
      const columns = Object.keys(replay.rejectedP3);
      state
        .prepare(
          `INSERT OR REPLACE INTO ledger_entry (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        )
        .run(...Object.values(replay.rejectedP3));
    } finally {
      state.close();
    }
    await replay.replayAgain();
  }, 120_000);
});
