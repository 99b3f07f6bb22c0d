import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type CutoverError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { portfolioPlan } from '../../src/generator/portfolio-plan.js';
import type { reconcileInThreads as ReconcileInThreads } from '../../src/cli/reconcile-threads.js';
import type { Reconciliation } from '../../src/pipeline/reconcile/reconcile.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, jsonError, parseJsonStdout, repoRoot } from './support/cli.js';
import { generateSmallPortfolio, withStores } from './support/portfolio.js';

/**
 * Statements that make the target differ from the source the way a faulty import or a hand edit would: lines gone,
 * an amount changed, a contact's email changed. Each lands in a different dossier's proof.
 */
const tamper = (table: (name: string) => string) => [
  `DELETE FROM ${table('entry_line')} WHERE id IN (SELECT id FROM ${table('entry_line')} WHERE dossier_id = 'D0002' ORDER BY id LIMIT 5)`,
  `UPDATE ${table('entry_line')} SET debit = 123456.78 WHERE id = (SELECT min(id) FROM ${table('entry_line')} WHERE dossier_id = 'D0004' AND debit > 0)`,
  `UPDATE ${table('contact')} SET email = 'changed@example.invalid' WHERE id = (SELECT min(id) FROM ${table('contact')} WHERE dossier_id = 'crm')`,
];

/** Runs `cutover reconcile --threads n --json` and returns its exit code and result. */
const reconcileWith = async (plan: string, threads: number) => {
  const result = await cli(['reconcile', '--plan', plan, '--threads', String(threads), '--json']);
  expect(result.code, describeResult(result)).toBe(ExitCode.NOT_RECONCILED);
  return parseJsonStdout<Reconciliation>(result);
};

/** What the tampering must have been found as: differences in exactly the tampered dossiers. */
const expectTamperingFound = (reconciliation: Reconciliation) => {
  const failing = reconciliation.dossiers.filter((dossier) => !dossier.ok).map((dossier) => dossier.id);
  expect(failing.sort()).toEqual(['D0002', 'D0004', 'crm']);
  expect(reconciliation.totals.contentMismatches).toBeGreaterThan(0);
  expect(reconciliation.totals.dossiers).toBe(7);
};

describe('cutover reconcile in several threads', () => {
  let dir = '';

  beforeAll(async () => {
    ensureBuilt();
    ({ dir } = await generateSmallPortfolio());
    const run = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
    expect(run.code, describeResult(run)).toBe(ExitCode.OK);
    const target = new Database(path.join(dir, 'target.db'));
    try {
      for (const statement of tamper((name) => `"${name}"`)) target.exec(statement);
    } finally {
      target.close();
    }
  }, 180_000);

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('gives the same result, dossier for dossier and in the same order, with 1 thread and with 3', async () => {
    const plan = path.join(dir, 'cutover.yaml');
    const one = await reconcileWith(plan, 1);
    const three = await reconcileWith(plan, 3);
    expectTamperingFound(one);
    expect(three.dossiers.map((dossier) => dossier.id)).toEqual(one.dossiers.map((dossier) => dossier.id));
    expect(three).toEqual(one);
  }, 120_000);

  it('reconciles only the dossiers asked for, across threads', async () => {
    const result = await cli([
      'reconcile',
      '--plan',
      path.join(dir, 'cutover.yaml'),
      '--threads',
      '2',
      '--dossier',
      'D0001',
      '--dossier',
      'D0003',
      '--json',
    ]);
    expect(result.code, describeResult(result)).toBe(ExitCode.OK);
    const reconciliation = parseJsonStdout<Reconciliation>(result);
    expect(reconciliation.dossiers.map((dossier) => dossier.id)).toEqual(['D0001', 'D0003']);
    expect(reconciliation.totals.unaccounted).toBe(0);
  }, 60_000);

  it('refuses a --dossier that names no dossier (exit 2, the id named) in run, reconcile and evidence', async () => {
    const plan = path.join(dir, 'cutover.yaml');
    for (const command of [
      ['run', '--dry-run'],
      ['reconcile'],
      ['evidence', '--out', path.join(dir, 'ev')],
    ]) {
      const result = await cli([
        ...command,
        '--plan',
        plan,
        '--dossier',
        'D0001',
        '--dossier',
        'D9999',
        '--json',
      ]);
      expect(result.code, describeResult(result)).toBe(ExitCode.BAD_PLAN);
      expect(result.stderr).toContain('unknown dossier D9999');
      expect(jsonError(result)).toMatchObject({ code: 'USAGE', exitCode: 2 });
    }
  }, 60_000);

  it('refuses a thread count that is not a whole number of 1 or more, before doing anything', async () => {
    for (const threads of ['0', 'two', '1.5']) {
      const result = await cli(['reconcile', '--plan', path.join(dir, 'cutover.yaml'), '--threads', threads]);
      expect(result.code, describeResult(result)).toBe(ExitCode.BAD_PLAN);
      expect(result.stderr).toContain('--threads');
    }
  });

  it("fails as a whole, with the thread's own error code, when a thread cannot open the plan", async () => {
    // The compiled module, as the CLI runs it: from the TypeScript sources there is no thread script to start.
    const { reconcileInThreads } = (await import(
      path.join(repoRoot, 'dist', 'cli', 'reconcile-threads.js')
    )) as { reconcileInThreads: typeof ReconcileInThreads };
    const plan = path.join(dir, 'cutover.yaml');
    const failure = await withStores(
      plan,
      path.join(dir, '.cutover', 'state.db'),
      undefined,
      (loaded, state, target) =>
        reconcileInThreads({
          request: { plan: path.join(dir, 'gone.yaml'), state: undefined },
          session: { loaded, state, target },
          threads: 2,
        }).then(
          () => undefined,
          (error: unknown) => error,
        ),
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as CutoverError).code).toBe(ErrorCode.FILE_NOT_FOUND);
    expect((failure as Error).message).toContain('gone.yaml');
  }, 60_000);
});

describe.runIf(postgresAvailable)('cutover reconcile in several threads, PostgreSQL target', () => {
  const schema = uniqueName('e2e_threads');
  let dir = '';
  let plan = '';

  beforeAll(async () => {
    ensureBuilt();
    ({ dir } = await generateSmallPortfolio());
    plan = path.join(dir, 'cutover-pg.yaml');
    await writeFile(
      plan,
      portfolioPlan({ crm: true, target: { type: 'postgres', url: postgresUrl, schema } }),
    );
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(ExitCode.OK);
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      for (const statement of tamper((name) => `"${schema}"."${name}"`)) await client.query(statement);
    } finally {
      await client.end();
    }
  }, 180_000);

  afterAll(async () => {
    await dropPostgresSchema(schema);
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('gives the same result with 1 thread and with 2, each thread on its own connections', async () => {
    const one = await reconcileWith(plan, 1);
    const two = await reconcileWith(plan, 2);
    expectTamperingFound(one);
    expect(two).toEqual(one);
  }, 120_000);
});
