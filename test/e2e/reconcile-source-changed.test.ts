import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * A source file edited after its run (a rejected line deleted by hand) leaves the ledger one fate more than the
 * source has records. Reconcile printed `source 2 = loaded 2 + ... + rejected 1; unaccounted 1` and, per entity,
 * `unaccounted -1`, with nothing saying why; now it says the source changed after the run and what brings the
 * ledger up to date, and the next run does.
 */
const plan = `version: 1
name: changed
target: { type: sqlite, url: target.db }
thresholds: { maxRejectedRatio: 1 }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: id
    fields:
      last_name: { from: name, required: true }
`;

interface ReconcileJson {
  ok: boolean;
  totals: { unaccounted: number };
  dossiers: { entities: { entity: string; source: number; rejected: number; unaccounted: number }[] }[];
}

describe('reconcile after a source file lost a record its run had given a fate', () => {
  let dir = '';
  let planFile = '';
  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-source-changed-');
    planFile = path.join(dir, 'cutover.yaml');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': 'id,name\n1,Ada\n2,\n3,Cy\n' });
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    writeFiles(dir, { 'contacts.csv': 'id,name\n1,Ada\n3,Cy\n' });
  }, 120_000);

  it('says the ledger holds a fate for a record the source no longer has, and the next run mends it', async () => {
    const json = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(json.code, describeResult(json)).toBe(5);
    const result = parseJsonStdout<ReconcileJson>(json);
    expect(result.ok).toBe(false);
    expect(result.totals.unaccounted).toBe(1);
    expect(result.dossiers[0]?.entities[0]).toMatchObject({ source: 2, rejected: 1, unaccounted: -1 });

    const human = await cli(['reconcile', '--plan', planFile]);
    expect(human.code).toBe(5);
    expect(human.stdout).toContain('source 2 ≠ loaded 2 + merged 0 + skipped 0 + rejected 1');
    expect(human.stdout).toContain(
      'the ledger holds fates for records the source no longer has (crm contact): the source changed after its run',
    );
    expect(human.stdout).toContain('unaccounted 1 (fates in the ledger for records no longer in the source)');

    const rerun = await cli(['run', '--plan', planFile, '--json']);
    expect(rerun.code, describeResult(rerun)).toBe(0);
    const after = await cli(['reconcile', '--plan', planFile]);
    expect(after.code, describeResult(after)).toBe(0);
    expect(after.stdout).toContain('source 2 = loaded 2 + merged 0 + skipped 0 + rejected 0; unaccounted 0');
  }, 120_000);
});
