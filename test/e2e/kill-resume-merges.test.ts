import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, finished, parseJsonStdout, startCli } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import {
  defaultStatePath,
  ledgerContent,
  querySqlite,
  readLedger,
  readSqliteTargetRows,
  seededRandom,
  writeFiles,
} from './support/helpers.js';

/**
 * The `merged` fate under `kill -9`: a run that loads survivors with their golden records and records absorbed
 * records as merged, killed several times and resumed, must end exactly as a run that was never interrupted.
 */

const PER_DOSSIER = 6000;
const KILLS = 3;
const SEED = Number(process.env.CUTOVER_KILL_SEED ?? 20_261_129);
const plan = dedupePlan.replace(
  'target: { type: sqlite, url: target.db }',
  'target: { type: sqlite, url: target.db }\nbatchSize: 500',
);

/** Contact records the load has committed so far, over both dossiers (0 before the checkpoint table exists). */
const contactsCommitted = (dir: string): number => {
  try {
    const [row] = querySqlite<{ n: number | null }>(
      path.join(dir, 'target.db'),
      "SELECT sum(records_read) AS n FROM _cutover_checkpoint WHERE entity = 'contact'",
    );
    return row?.n ?? 0;
  } catch {
    return 0;
  }
};

/** Whether the state store holds a run that did not finish (the next `cutover run` resumes it). */
const runStillRunning = (dir: string): boolean => {
  try {
    return (
      querySqlite<{ n: number }>(
        defaultStatePath(dir),
        "SELECT count(*) AS n FROM run WHERE status = 'running'",
      )[0]?.n === 1
    );
  } catch {
    return false; // no state store yet
  }
};

const snapshot = async (dir: string) => {
  const rows: Record<string, string> = {};
  for (const dossier of ['north', 'south']) {
    for (const row of await readSqliteTargetRows(path.join(dir, 'target.db'), 'contact', dossier)) {
      rows[`${dossier}/${row.sourceKey}`] = JSON.stringify(row.values);
    }
  }
  const ledger = (await readLedger(defaultStatePath(dir)))
    .map(ledgerContent)
    .sort((a, b) => a.location.localeCompare(b.location));
  return { rows, ledger };
};

interface RunJson {
  resumed: boolean;
  records: { read: number; loaded: number; merged: number; skipped: number; rejected: number };
}

describe('kill -9 and resume with merges', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('ends, after SIGKILLs mid-run and a resume, with the rows, merged entries and golden records of an uninterrupted run', async () => {
    const killed = tempDir('cutover-e2e-killed-merges-');
    const clean = tempDir('cutover-e2e-clean-merges-');
    const csv = dedupeContactsCsv({ perDossier: PER_DOSSIER, seed: 3 });
    for (const dir of [killed, clean]) {
      writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': csv });
      const dedupe = await cli([
        'dedupe',
        '--plan',
        path.join(dir, 'cutover.yaml'),
        '--entity',
        'contact',
        '--json',
      ]);
      expect(dedupe.code, describeResult(dedupe)).toBe(0);
    }

    const random = seededRandom(SEED);
    const log: string[] = [`seed ${SEED} (set CUTOVER_KILL_SEED to replay)`];
    onTestFailed(() => console.error(`kill log:\n  ${log.join('\n  ')}`));
    const planFile = path.join(killed, 'cutover.yaml');
    let midRunKills = 0;
    let lastKillMidRun = false;
    let goal = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startCli(['run', '--plan', planFile, '--json']);
      const done = finished(child);
      let exited = false;
      void done.then(() => (exited = true));
      goal += 500 + Math.floor(random() * ((2 * PER_DOSSIER - 1500 - goal) / (KILLS - kill)));
      const started = Date.now();
      while (!exited && contactsCommitted(killed) < goal && Date.now() - started < 60_000) await sleep(5);
      await sleep(Math.floor(random() * 30));
      child.kill('SIGKILL');
      const result = await done;
      const committed = contactsCommitted(killed);
      log.push(
        `kill ${kill + 1} at >= ${goal}: exit ${result.code} signal ${result.signal}; committed ${committed}`,
      );
      // Mid-run: the run the next command resumes is still marked running in the state store.
      lastKillMidRun = result.signal === 'SIGKILL' && runStillRunning(killed);
      if (lastKillMidRun) midRunKills++;
    }
    expect(midRunKills, log.join('\n')).toBeGreaterThanOrEqual(KILLS - 1);

    const resumed = await cli(['run', '--plan', planFile, '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const uninterrupted = await cli(['run', '--plan', path.join(clean, 'cutover.yaml'), '--json']);
    expect(uninterrupted.code, describeResult(uninterrupted)).toBe(0);
    const resumedSummary = parseJsonStdout<RunJson>(resumed);
    const cleanSummary = parseJsonStdout<RunJson>(uninterrupted);
    // Under load the last kill can land after the run has finished: then the next run starts afresh.
    expect(resumedSummary.resumed).toBe(lastKillMidRun);
    expect(cleanSummary.records.merged).toBeGreaterThan(100);
    expect(resumedSummary.records, log.join('\n')).toEqual(cleanSummary.records);

    const [after, reference] = await Promise.all([snapshot(killed), snapshot(clean)]);
    expect(Object.keys(after.rows).length).toBe(cleanSummary.records.loaded);
    expect(after.rows).toEqual(reference.rows);
    expect(after.ledger).toEqual(reference.ledger);
    expect(after.ledger.filter((entry) => entry.fate === 'merged')).toHaveLength(cleanSummary.records.merged);

    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
  }, 240_000);
});
