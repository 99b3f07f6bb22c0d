import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';
import { registryContactsPlan } from './support/registry-contacts-plan.js';

/**
 * A client of the registry whose folder holds no file of the plan's path (its export misnamed): the run says
 * DOSSIER_WITHOUT_SOURCES, yet reconcile counted it among "3/3 dossiers ok" with nothing said, as if its records
 * were proven. It is now told apart, in the text and in --json, and the exit code stays 0 (the identity holds).
 */
const plan = registryContactsPlan('reconcile-nothing-read');

interface ReconcileJson {
  readonly ok: boolean;
  readonly dossiers: readonly { id: string; ok: boolean; nothingRead?: true }[];
  readonly totals: { dossiers: number; dossiersOk: number; dossiersNothingRead: number };
}

describe('reconcile of a dossier for which nothing was read', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('names it apart from the dossiers proven on their records, with exit 0', async () => {
    const dir = tempDir('cutover-e2e-reconcile-nothing-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      'registry.csv': 'dossier_id,name\nD1,Alpha\nD2,Beta\nD3,Gamma\n',
      'crm/D1/contacts.csv': 'id,name\n1,Lee\n',
      // A file of a header only is read: its dossier is proven with no record, not one with nothing read.
      'crm/D2/contacts.csv': 'id,name\n',
      'crm/D3/export_2023.csv': 'id,name\n3,Doe\n',
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile]);
    expect(run.code, describeResult(run)).toBe(0);

    const text = await cli(['reconcile', '--plan', planFile]);
    expect(text.code, describeResult(text)).toBe(0);
    const lines = (text.stdout + text.stderr).split('\n');
    expect(lines).toContain(
      'Reconciliation: every record is accounted for and matches (2/3 dossiers ok, 1 with nothing read: D3)',
    );
    expect(lines).toContain(
      "  with nothing read: no source of the plan's paths is there (the run said DOSSIER_WITHOUT_SOURCES), so none of their records is proven; are their files named as the plan's paths say?",
    );

    const json = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(json.code, describeResult(json)).toBe(0);
    const result = parseJsonStdout<ReconcileJson>(json);
    expect(result.ok).toBe(true);
    expect(result.dossiers.map((d) => [d.id, d.ok, d.nothingRead])).toEqual([
      ['D1', true, undefined],
      ['D2', true, undefined],
      ['D3', true, true],
    ]);
    expect(result.totals).toMatchObject({ dossiers: 3, dossiersOk: 3, dossiersNothingRead: 1 });
  }, 60_000);

  it('does not say a run said DOSSIER_WITHOUT_SOURCES of a dossier no run has read', async () => {
    const dir = tempDir('cutover-e2e-reconcile-nothing-never-run-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      'registry.csv': 'dossier_id,name\nD1,Alpha\nD3,Gamma\n',
      'crm/D1/contacts.csv': 'id,name\n1,Lee\n',
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile, '--dossier', 'D1']);
    expect(run.code, describeResult(run)).toBe(0);

    const text = await cli(['reconcile', '--plan', planFile]);
    expect(text.code, describeResult(text)).toBe(0);
    const lines = (text.stdout + text.stderr).split('\n');
    expect(lines).toContain(
      'Reconciliation: every record is accounted for and matches (1/2 dossiers ok, 1 with nothing read: D3)',
    );
    expect(text.stdout + text.stderr).not.toContain('the run said DOSSIER_WITHOUT_SOURCES');
    expect(lines).toContain(
      "  with nothing read: no source of the plan's paths is there (no run has read them yet), so none of their records is proven; are their files named as the plan's paths say?",
    );
  }, 60_000);
});
