import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * A plan that stops mapping an entity after a run loaded it (a pilot migrated the deals, then the firm decided not
 * to) leaves those rows in the target. Before, reconcile only looked at the entities the plan maps and said the
 * dossier was proven, stale rows and all; now it lists them, and the dossier is not ok until they are dealt with.
 */
const plan = (withDeals: boolean) => `version: 1
name: dropped
target: { type: sqlite, url: target.db }
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { value: crm }
    key: company_id
    fields:
      name: name
${
  withDeals
    ? `  deal:
    source: { type: csv, path: deals.csv }
    dossier: { value: crm }
    key: deal_id
    fields:
      name: title
      company_id: company_id
`
    : ''
}`;

interface ReconcileJson {
  ok: boolean;
  dossiers: {
    id: string;
    ok: boolean;
    entities: {
      entity: string;
      targetRows: number;
      extraInTarget: number;
      notInPlan?: true;
      samples: string[];
      ok: boolean;
    }[];
  }[];
}

describe('reconcile after the plan stopped mapping an entity it had loaded', () => {
  let dir = '';
  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-dropped-');
    writeFiles(dir, {
      'cutover.yaml': plan(true),
      'companies.csv': 'company_id,name\nA1,Acme\nA2,Bolt\n',
      'deals.csv': 'deal_id,title,company_id\nD1,Renewal,A1\nD2,Upsell,A2\nD3,Audit,A1\n',
    });
    const run = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
    expect(run.code, describeResult(run)).toBe(0);
  }, 120_000);

  it('lists the rows an earlier run loaded for the entity, and the dossier is not proven', async () => {
    writeFiles(dir, { 'cutover.yaml': plan(false) });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const reconcile = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconcile.code, describeResult(reconcile)).toBe(5);
    const json = parseJsonStdout<ReconcileJson>(reconcile);
    expect(json.ok).toBe(false);
    const entities = json.dossiers[0]?.entities ?? [];
    expect(entities.find((entity) => entity.entity === 'company')?.ok).toBe(true);
    expect(entities.find((entity) => entity.entity === 'deal')).toMatchObject({
      targetRows: 3,
      extraInTarget: 3,
      notInPlan: true,
      samples: ['D1', 'D2', 'D3'],
      ok: false,
    });
    const human = await cli(['reconcile', '--plan', planFile]);
    expect(human.code).toBe(5);
    expect(human.stdout).toContain(
      'crm deal: 3 target rows loaded by an earlier run of this plan, which no longer maps deal',
    );
  }, 120_000);
});
