import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SqliteTarget } from '../../src/store/target/sqlite-target.js';
import { tempDir } from '../support/stores.js';
import { cli, ensureBuilt, type CliResult } from './support/cli.js';
import { querySqlite, writeFiles } from './support/helpers.js';
import {
  companiesFile,
  contactsFile,
  countContactsSql,
  expectEveryKindOfBadRow,
  expectReconciled,
  expectResumedAsUninterrupted,
  KILLS,
  killAtRandomPoints,
  killResumePlan,
  readRunEnd,
  type ContactCheckpoint,
  type RunEnd,
} from './support/kill-resume-scenario.js';

/**
 * `kill -9` at random points of a run into a SQLite target, then the same command again until it finishes: the
 * target and the ledger must end exactly as after a run that was never interrupted (no duplicate, no gap).
 */

const SEED = Number(process.env.CUTOVER_KILL_SEED ?? 20_261_128);

/** The contact load's committed checkpoint, read from the target file while the run writes it. */
const contactCheckpoint = (targetFile: string): Promise<ContactCheckpoint | undefined> => {
  let db: Database.Database | undefined;
  try {
    db = new Database(targetFile, { readonly: true, fileMustExist: true });
    const row = db
      .prepare("SELECT records_read AS recordsRead, done FROM _cutover_checkpoint WHERE entity = 'contact'")
      .get() as ContactCheckpoint | undefined;
    return Promise.resolve(row);
  } catch {
    return Promise.resolve(undefined); // not created yet
  } finally {
    db?.close();
  }
};

const runEnd = async (dir: string, result: CliResult): Promise<RunEnd> => {
  const targetFile = path.join(dir, 'target.db');
  const [counts] = querySqlite<RunEnd['contactCounts']>(targetFile, countContactsSql);
  const target = new SqliteTarget(targetFile);
  try {
    return await readRunEnd(dir, result, target, counts!);
  } finally {
    await target.close();
  }
};

describe('kill -9 and resume', () => {
  const { text: contacts, fates } = contactsFile();

  beforeAll(() => ensureBuilt(), 240_000);

  it('ends, after several SIGKILLs mid-run and a resume, with the target and ledger of an uninterrupted run', async () => {
    const killed = tempDir('cutover-e2e-killed-');
    const clean = tempDir('cutover-e2e-clean-');
    for (const dir of [killed, clean])
      writeFiles(dir, {
        'cutover.yaml': killResumePlan(),
        'companies.csv': companiesFile(),
        'contacts.csv': contacts,
      });
    expectEveryKindOfBadRow(fates);

    const log: string[] = [`seed ${SEED} (set CUTOVER_KILL_SEED to replay)`];
    onTestFailed(() => console.error(`kill log:\n  ${log.join('\n  ')}`));
    const planFile = path.join(killed, 'cutover.yaml');
    const targetFile = path.join(killed, 'target.db');
    const midRunKills = await killAtRandomPoints(
      ['run', '--plan', planFile, '--json'],
      () => contactCheckpoint(targetFile),
      SEED,
      log,
    );
    // The test proves something only if most kills landed while the run was working.
    expect(midRunKills, log.join('\n')).toBeGreaterThanOrEqual(KILLS - 1);

    const resumed = await cli(['run', '--plan', planFile, '--json']);
    log.push(`resume: exit ${resumed.code}`);
    const uninterrupted = await cli(['run', '--plan', path.join(clean, 'cutover.yaml'), '--json']);
    expectResumedAsUninterrupted(
      await runEnd(killed, resumed),
      await runEnd(clean, uninterrupted),
      fates,
      log,
    );
    expectReconciled(await cli(['reconcile', '--plan', planFile, '--json']));
  }, 180_000);
});
