import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';
import { registryContactsPlan } from './support/registry-contacts-plan.js';
import { withStores } from './support/portfolio.js';
import { sharedData } from '../support/shared-data.js';

/**
 * A client of the registry whose folder holds no file the plan reads (its export misnamed): the run said "3/3
 * dossiers done" and reconcile proved nothing was missing. The run now says which dossier read nothing.
 */
const plan = registryContactsPlan('registry-gap');

describe('a registry dossier with no source file', () => {
  it('is done with nothing read, and the run says so in a DOSSIER_WITHOUT_SOURCES notice for that dossier only', async () => {
    const dir = tempDir('cutover-e2e-no-sources-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      'registry.csv': 'dossier_id,name\nD1,Alpha\nD2,Beta\nD3,Gamma\n',
      'crm/D1/contacts.csv': 'id,name\n1,Lee\n',
      'crm/D2/contacts.csv': 'id,name\n2,Ray\n',
      'crm/D3/export_2023.csv': 'id,name\n3,Doe\n',
    });
    const summary = await withStores(
      path.join(dir, 'cutover.yaml'),
      path.join(dir, 'state.db'),
      undefined,
      (loaded, state, target) => runMigration({ loaded, state, target }),
    );
    expect(summary.dossiers).toMatchObject({ total: 3, done: 3 });
    expect(summary.notices.filter((notice) => notice.code === 'DOSSIER_WITHOUT_SOURCES')).toEqual([
      {
        code: 'DOSSIER_WITHOUT_SOURCES',
        message:
          "dossier D3 has no source file for any entity of the plan: nothing was read for it (are its files named as the plan's paths say?)",
        source: '',
        dossier: 'D3',
        entity: 'contact',
      },
    ]);
  });
});

/** The dossiers' folders, with no registry: a client's FEC saved as .csv where the plan reads *FEC*.txt. */
const folderPlan = `version: 1
name: folder-gap
target: { type: sqlite, url: target.db }
entities:
${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' })}`;

describe("a dossier's folder where no file matches the plan's path", () => {
  it('is still a dossier, read as holding nothing, with one NO_MATCHING_FILE notice naming what the folder holds', async () => {
    const dir = tempDir('cutover-e2e-no-match-');
    const fec = readFileSync(sharedData('fec', 'lasocietenouvelle_sample_tab.txt'));
    mkdirSync(path.join(dir, 'fec', 'D1'), { recursive: true });
    mkdirSync(path.join(dir, 'fec', 'D2'), { recursive: true });
    writeFileSync(path.join(dir, 'fec', 'D1', '123456782FEC20231231.txt'), fec);
    writeFileSync(path.join(dir, 'fec', 'D2', '123456782FEC20231231.csv'), fec);
    writeFiles(dir, { 'cutover.yaml': folderPlan });
    const summary = await withStores(
      path.join(dir, 'cutover.yaml'),
      path.join(dir, 'state.db'),
      undefined,
      (loaded, state, target) => runMigration({ loaded, state, target }),
    );
    // Before, D2 was no dossier: "1/1 dossiers done", and reconcile proved D1 alone.
    expect(summary.dossiers).toMatchObject({ total: 2, done: 2 });
    const gaps = summary.notices.filter((notice) => notice.dossier === 'D2');
    expect(gaps.map((notice) => [notice.code, notice.message])).toEqual([
      [
        'NO_MATCHING_FILE',
        'dossier D2: no file in fec/D2 matches fec/{dossier}/*FEC*.txt (it holds 123456782FEC20231231.csv), so nothing was read there',
      ],
      [
        'DOSSIER_WITHOUT_SOURCES',
        "dossier D2 has no source file for any entity of the plan: nothing was read for it (are its files named as the plan's paths say?)",
      ],
    ]);
    expect(summary.notices.filter((notice) => notice.code === 'NO_MATCHING_FILE')).toHaveLength(1);
  });
});

/** Paths from the plan's own folder: the dossiers' folders sit beside cutover's `evidence/` (a reviewer's case). */
const rootPlan = `version: 1
name: evidence-folder
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: "{dossier}/contacts.csv" }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
`;

describe("cutover's own evidence folder beside the dossiers' folders", () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('is not taken for a dossier by the next run', async () => {
    const dir = tempDir('cutover-e2e-evidence-folder-');
    writeFiles(dir, {
      'cutover.yaml': rootPlan,
      'A/contacts.csv': 'contact_id,last_name\nP1,X\n',
      'B/contacts.csv': 'contact_id,last_name\nP2,Y\n',
    });
    const planFile = path.join(dir, 'cutover.yaml');
    for (const args of [['run'], ['evidence']]) {
      const result = await cli([...args, '--plan', planFile]);
      expect(result.code, describeResult(result)).toBe(0);
    }
    const again = await cli(['run', '--plan', planFile, '--json']);
    expect(again.code, describeResult(again)).toBe(0);
    const summary = parseJsonStdout<{ dossiers: { total: number }; notices: { code: string }[] }>(again);
    expect(summary.notices).toEqual([]);
    expect(summary.dossiers.total).toBe(2);
  }, 120_000);
});
