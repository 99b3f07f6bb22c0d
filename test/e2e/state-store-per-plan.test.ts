import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, jsonError, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';

/**
 * One state store serves one plan. Two plans in one folder share the default `.cutover/state.db`, and the ledger is
 * keyed by dossier, entity and location, not by plan: before, the second plan's `run` (same dossier id `crm`)
 * cleared the first plan's rejected entries and wrote its own, so the first plan's `reconcile` counted the other
 * plan's rejected record and exited 5 (rejected 1, unaccounted 1), its `ledger` listed the other plan's record,
 * and the second run abandoned the first plan's unfinished run as "plan changed". Now any command of the second
 * plan is refused (exit 2) with one line naming both plans and what to do, and nothing is written.
 */
const planA = `version: 1
name: plan-a
target: { type: sqlite, url: a/target.db }
entities:
  contact:
    source: { type: csv, path: a/contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
`;
const planB = planA.replace('plan-a', 'plan-b').replaceAll('a/', 'b/');

const refusal = (store: string, plan: string, holder: string) =>
  `cutover: the state store ${store} belongs to the plan "${holder}", not to "${plan}": one state store serves one ` +
  `plan, so give "${plan}" its own with --state LOCATION or \`state:\` in its plan (if you renamed the plan, ` +
  `\`cutover state rename --from ${holder}\` goes on with this store under the new name)\n`;

interface ReconcileJson {
  ok: boolean;
  totals: { source: number; loaded: number; rejected: number; unaccounted: number };
}

describe('a state store serves one plan', () => {
  let dir = '';
  let state = '';
  let unfinishedRunId = '';
  const plan = (name: string) => path.join(dir, name);
  const ledgerOfA = () => readLedger(state).then((entries) => entries.map((e) => [e.location, e.fate]));
  const runs = () =>
    querySqlite<{ id: string; status: string }>(state, 'SELECT id, status FROM run ORDER BY id');

  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-plan-store-');
    state = defaultStatePath(dir);
    writeFiles(dir, {
      'a.yaml': planA,
      'b.yaml': planB,
      'a/contacts.csv': 'contact_id,last_name\nA1,Lee\nA2,\nA3,Ray\nA4,\nA5,Fox\n',
      'b/contacts.csv': 'contact_id,last_name\nB1,Kim\nB2,Doe\nB3,\n',
    });
    const first = await cli(['run', '--plan', plan('a.yaml'), '--json']);
    expect(first.code, describeResult(first)).toBe(0);
    // A later run of plan-a that stopped (crash, kill): plan-a's next `run` resumes it, no other plan may touch it.
    const store = await StateStore.open(state);
    try {
      const [version] = querySqlite<{ hash: string }>(state, 'SELECT hash FROM plan_version');
      unfinishedRunId = (await store.createRun(version!.hash, 'run')).id;
    } finally {
      await store.close();
    }
  }, 120_000);

  it("refuses another plan's run on it (exit 2, one line naming both plans) and writes nothing", async () => {
    const before = readFileSync(state);
    const result = await cli(['run', '--plan', plan('b.yaml'), '--json']);
    expect(result.code, describeResult(result)).toBe(2);
    expect(jsonError(result).exitCode).toBe(2);
    expect(result.stderr).toBe(refusal(state, 'plan-b', 'plan-a'));
    expect(readFileSync(state).equals(before)).toBe(true);
    expect(querySqlite(state, 'SELECT name FROM plan_version')).toEqual([{ name: 'plan-a' }]);
    expect(runs().find((run) => run.id === unfinishedRunId)).toEqual({
      id: unfinishedRunId,
      status: 'running',
    });
    expect(await ledgerOfA()).toEqual([
      ['a/contacts.csv:3', 'rejected'],
      ['a/contacts.csv:5', 'rejected'],
    ]);
  });

  it("refuses another plan's read-only commands on it the same way, rather than show the first plan's records", async () => {
    for (const command of [['ledger'], ['reconcile', '--json'], ['evidence', '--json'], ['review']]) {
      const result = await cli([...command, '--plan', plan('b.yaml')]);
      expect(result.code, `${command[0]}: ${describeResult(result)}`).toBe(2);
      if (command.includes('--json')) expect(jsonError(result).exitCode).toBe(2);
      else expect(result.stdout).toBe('');
      expect(result.stderr).toBe(refusal(state, 'plan-b', 'plan-a'));
    }
  });

  it('keeps the first plan proven: its reconcile counts its own fates only', async () => {
    const result = await cli(['reconcile', '--plan', plan('a.yaml'), '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(parseJsonStdout<ReconcileJson>(result).totals).toMatchObject({
      source: 5,
      loaded: 3,
      rejected: 2,
      unaccounted: 0,
    });
  });

  it('tells a user who renamed the plan how to go on with the store, as exit 2 with --state too', async () => {
    writeFiles(dir, { 'renamed.yaml': planA.replace('name: plan-a', 'name: crm-2025') });
    const result = await cli(['run', '--plan', plan('renamed.yaml'), '--state', state]);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toBe(refusal(state, 'crm-2025', 'plan-a'));
    expect(runs().find((run) => run.id === unfinishedRunId)?.status).toBe('running');
  });

  it('runs the other plan on a state store of its own (--state)', async () => {
    const own = path.join(dir, 'b-state.db');
    const result = await cli(['run', '--plan', plan('b.yaml'), '--state', own, '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    const reconciled = await cli(['reconcile', '--plan', plan('b.yaml'), '--state', own, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<ReconcileJson>(reconciled).totals).toMatchObject({ source: 3, rejected: 1 });
    const mixed = await cli(['ledger', '--plan', plan('a.yaml'), '--state', own]);
    expect(mixed.code, describeResult(mixed)).toBe(2);
    expect(mixed.stderr).toBe(refusal(own, 'plan-a', 'plan-b'));
  });

  it('records the plan of a command that writes into a store holding none, so that another plan cannot take it then', async () => {
    // A store created but holding no plan: its first command stopped between creating it and recording its plan.
    const bare = path.join(dir, 'bare-state.db');
    const store = await StateStore.open(bare);
    try {
      await store.replaceReviewPairs('crm', 'contact', [
        {
          dossierId: 'crm',
          entity: 'contact',
          leftKey: 'B1',
          rightKey: 'B2',
          fields: [['last_name', 'Kim', 'Kim']],
          probability: 0.6,
          explanation: null,
          reason: 'grey zone',
        },
      ]);
    } finally {
      await store.close();
    }
    const [pair] = querySqlite<{ pair_id: string }>(bare, 'SELECT pair_id FROM review_pair');
    const decided = await cli([
      'review',
      'decide',
      pair!.pair_id,
      'same',
      '--plan',
      plan('b.yaml'),
      '--state',
      bare,
    ]);
    expect(decided.code, describeResult(decided)).toBe(0);
    expect(querySqlite(bare, 'SELECT name FROM plan_version')).toEqual([{ name: 'plan-b' }]);
    // Before, plan-a could then take the store, plan-b's decision in it.
    const other = await cli(['ledger', '--plan', plan('a.yaml'), '--state', bare]);
    expect(other.code, describeResult(other)).toBe(2);
    expect(other.stderr).toBe(refusal(bare, 'plan-a', 'plan-b'));
  });

  it('goes on with the store under the new name once the user renames it (state rename), and only then', async () => {
    const renamed = plan('renamed.yaml');
    const wrong = await cli(['state', 'rename', '--from', 'plan-x', '--plan', renamed]);
    expect(wrong.code, describeResult(wrong)).toBe(2);
    expect(wrong.stderr).toBe(
      `cutover: the state store ${state} serves "plan-a", not "plan-x": nothing renamed\n`,
    );
    const result = await cli(['state', 'rename', '--from', 'plan-a', '--plan', renamed, '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(parseJsonStdout(result)).toEqual({ from: 'plan-a', to: 'crm-2025', renamed: true });
    expect(querySqlite(state, 'SELECT DISTINCT name FROM plan_version')).toEqual([{ name: 'crm-2025' }]);
    // The renamed plan reads its ledger and proves its records; the old name is now the other plan.
    const reconciled = await cli(['reconcile', '--plan', renamed, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<ReconcileJson>(reconciled).totals).toMatchObject({
      source: 5,
      loaded: 3,
      rejected: 2,
    });
    const old = await cli(['ledger', '--plan', plan('a.yaml')]);
    expect(old.code, describeResult(old)).toBe(2);
    expect(old.stderr).toBe(refusal(state, 'plan-a', 'crm-2025'));
    const again = await cli(['state', 'rename', '--from', 'plan-a', '--plan', renamed, '--json']);
    expect(again.code, describeResult(again)).toBe(0);
    expect(parseJsonStdout(again)).toEqual({ from: 'plan-a', to: 'crm-2025', renamed: false });
  });
});
