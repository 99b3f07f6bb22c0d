import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { PostgresTarget } from '../../src/store/target/postgres-target.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { cli, ensureBuilt, type CliResult } from './support/cli.js';
import { writeFiles } from './support/helpers.js';
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
 * `kill -9` at random points of a run into a PostgreSQL target, then the same command again until it finishes: the
 * target and the ledger must end exactly as after a run that was never interrupted (no duplicate, no gap). This
 * target writes each batch with its checkpoint in one round trip (COPY between BEGIN and the checkpoint's upsert),
 * and a resumed run's re-read rows and duplicate keys through a staging table: a kill between any two of those must
 * leave nothing half-written.
 */

const SEED = Number(process.env.CUTOVER_KILL_SEED ?? 20_261_130);

describe.runIf(postgresAvailable)('kill -9 and resume, PostgreSQL target', () => {
  const { text: contacts, fates } = contactsFile();
  const killedSchema = uniqueName('kill_resume_killed');
  const cleanSchema = uniqueName('kill_resume_clean');
  const client = new pg.Client({ connectionString: postgresUrl });

  beforeAll(async () => {
    ensureBuilt();
    await client.connect();
  }, 240_000);
  afterAll(async () => {
    await client.end();
    await dropPostgresSchema(killedSchema);
    await dropPostgresSchema(cleanSchema);
  });

  /** The contact load's committed checkpoint, read from the schema while the run writes it. */
  const contactCheckpoint = async (schema: string): Promise<ContactCheckpoint | undefined> => {
    try {
      const { rows } = await client.query<ContactCheckpoint>(
        `SELECT records_read AS "recordsRead", done FROM "${schema}"._cutover_checkpoint WHERE entity = 'contact'`,
      );
      return rows[0];
    } catch {
      return undefined; // not created yet
    }
  };

  const runEnd = async (dir: string, schema: string, result: CliResult): Promise<RunEnd> => {
    const { rows } = await client.query<Record<keyof RunEnd['contactCounts'], string>>(
      countContactsSql.replace('FROM contact', `FROM "${schema}".contact`),
    );
    const counts = { rows: Number(rows[0]!.rows), keys: Number(rows[0]!.keys), ids: Number(rows[0]!.ids) };
    const target = await PostgresTarget.connect(postgresUrl, schema);
    try {
      return await readRunEnd(dir, result, target, counts);
    } finally {
      await target.close();
    }
  };

  it('ends, after several SIGKILLs mid-run and a resume, with the rows and ledger of an uninterrupted run', async () => {
    const killed = tempDir('cutover-e2e-pg-killed-');
    const clean = tempDir('cutover-e2e-pg-clean-');
    for (const [dir, schema] of [
      [killed, killedSchema],
      [clean, cleanSchema],
    ] as const)
      writeFiles(dir, {
        'cutover.yaml': killResumePlan(`{ type: postgres, url: "${postgresUrl}", schema: ${schema} }`),
        'companies.csv': companiesFile(),
        'contacts.csv': contacts,
      });
    expectEveryKindOfBadRow(fates);

    const log: string[] = [`seed ${SEED} (set CUTOVER_KILL_SEED to replay)`];
    onTestFailed(() => console.error(`kill log:\n  ${log.join('\n  ')}`));
    const planFile = path.join(killed, 'cutover.yaml');
    const midRunKills = await killAtRandomPoints(
      ['run', '--plan', planFile, '--json'],
      () => contactCheckpoint(killedSchema),
      SEED,
      log,
    );
    // The test proves something only if most kills landed while the run was working.
    expect(midRunKills, log.join('\n')).toBeGreaterThanOrEqual(KILLS - 1);

    const resumed = await cli(['run', '--plan', planFile, '--json']);
    log.push(`resume: exit ${resumed.code}`);
    const uninterrupted = await cli(['run', '--plan', path.join(clean, 'cutover.yaml'), '--json']);
    expectResumedAsUninterrupted(
      await runEnd(killed, killedSchema, resumed),
      await runEnd(clean, cleanSchema, uninterrupted),
      fates,
      log,
    );
    expectReconciled(await cli(['reconcile', '--plan', planFile, '--json']));
  }, 180_000);
});
