import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * The proof covers the plan, not only what was run: a dossier of the plan that no run has loaded (a pilot ran one
 * dossier of three) is reported not migrated, its source records unaccounted, and reconcile exits 5; before, it
 * said "every record is accounted for (1/1 dossiers ok)" and refused `--dossier` for the others as unknown.
 */
const plan = `version: 1
name: pilot
target: { type: sqlite, url: target.db }
dossiers:
  registry: { source: { type: csv, path: registry.csv }, id: dossier_id, name: name }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { field: office }
    key: contact_id
    fields:
      last_name: last_name
`;

interface ReconcileJson {
  ok: boolean;
  totals: { dossiers: number; dossiersOk: number; source: number; unaccounted: number };
  dossiers: {
    id: string;
    ok: boolean;
    notMigrated?: true;
    entities: { source: number; unaccounted: number }[];
  }[];
}

describe('reconcile of a plan whose dossiers were not all migrated', () => {
  let planFile = '';
  beforeAll(async () => {
    ensureBuilt();
    const dir = tempDir('cutover-e2e-unmigrated-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      // D3 is in the registry only: a client with no contact yet.
      'registry.csv': 'dossier_id,name\nD1,Alpha\nD2,Beta\nD3,Gamma\n',
      'contacts.csv': 'contact_id,office,last_name\nC1,D1,Lee\nC2,D1,Ray\nC3,D2,Doe\nC4,D2,Fox\nC5,D2,Gil\n',
    });
    planFile = path.join(dir, 'cutover.yaml');
    const pilot = await cli(['run', '--plan', planFile, '--dossier', 'D1', '--json']);
    expect(pilot.code, describeResult(pilot)).toBe(0);
  }, 240_000);

  it('reports the dossiers no run loaded as not migrated, their records unaccounted, and exits 5', async () => {
    const result = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(result.code, describeResult(result)).toBe(5);
    const json = parseJsonStdout<ReconcileJson>(result);
    expect(json.ok).toBe(false);
    expect(json.totals).toMatchObject({ dossiers: 3, dossiersOk: 2, source: 5, unaccounted: 3 });
    expect(json.dossiers.map((d) => [d.id, d.ok, d.notMigrated ?? false])).toEqual([
      ['D1', true, false],
      ['D2', false, true],
      // Nothing to migrate: an empty dossier is accounted for, run or not.
      ['D3', true, true],
    ]);
    expect(json.dossiers[1]!.entities[0]).toMatchObject({ source: 3, unaccounted: 3 });

    const human = await cli(['reconcile', '--plan', planFile]);
    expect(human.code).toBe(5);
    expect(human.stdout).toContain('never migrated (no run has loaded them; `cutover run --dossier ID`): D2');
  });

  it('proves the pilot dossier alone with --dossier, and takes the others as dossiers of the plan', async () => {
    const pilot = await cli(['reconcile', '--plan', planFile, '--dossier', 'D1', '--json']);
    expect(pilot.code, describeResult(pilot)).toBe(0);
    expect(parseJsonStdout<ReconcileJson>(pilot).totals).toMatchObject({
      dossiers: 1,
      source: 2,
      unaccounted: 0,
    });
    const other = await cli(['reconcile', '--plan', planFile, '--dossier', 'D2', '--json']);
    expect(other.code, describeResult(other)).toBe(5);
    expect(parseJsonStdout<ReconcileJson>(other).dossiers[0]).toMatchObject({ id: 'D2', notMigrated: true });
    const typo = await cli(['reconcile', '--plan', planFile, '--dossier', 'D9']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown dossier D9: not among the 3 dossiers of this plan (D1, D2, D3)');
  });

  it('says so in the evidence pack of a dossier not migrated', async () => {
    const result = await cli(['evidence', '--plan', planFile, '--dossier', 'D2', '--json']);
    expect(result.code, describeResult(result)).toBe(5);
    const written = parseJsonStdout<{ dossiers: { id: string; ok: boolean; json: string }[] }>(result);
    expect(written.dossiers.map((d) => [d.id, d.ok])).toEqual([['D2', false]]);
    const pack = JSON.parse(readFileSync(written.dossiers[0]!.json, 'utf8')) as {
      verdict: { summary: string };
    };
    expect(pack.verdict.summary).toBe(
      'This dossier has not been migrated: no run has loaded it, so none of its source records is accounted for.',
    );
  });
});
