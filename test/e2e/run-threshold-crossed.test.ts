import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * A small export with two bad dates in ten rows, past the entity's own threshold (the plan-wide one would let it
 * through). The run said "threshold crossed in crm" and no more: which entity, how many rejects, which setting.
 */
const plan = `version: 1
name: threshold-crossed
target: { type: sqlite, url: target.db }
thresholds: { maxRejectedRatio: 0.5 }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: id
    thresholds: { maxRejectedRatio: 0.1 }
    fields:
      last_name: name
      birth_date: born
`;

const contacts = [
  'id,name,born',
  ...Array.from({ length: 10 }, (_, i) => `${i + 1},Name${i + 1},${i < 2 ? '1980-02-30' : '1980-02-28'}`),
].join('\n');

describe('a run stopped by a rejected-records threshold', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it("names the dossier, the entity, its rejects against its records and the entity's own threshold, in text and JSON", async () => {
    const dir = tempDir('cutover-e2e-threshold-');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': `${contacts}\n` });
    const planFile = path.join(dir, 'cutover.yaml');
    const text = await cli(['run', '--plan', planFile]);
    expect(text.code, describeResult(text)).toBe(3);
    expect(text.stdout).toContain(
      "  stopped   crm contact: 2 of 10 records rejected, more than maxRejectedRatio 0.1 allows; fix the records (`cutover ledger --dossier crm --fate rejected`) and run again, or raise the plan's thresholds",
    );
    const json = await cli(['run', '--plan', planFile, '--json']);
    expect(json.code, describeResult(json)).toBe(3);
    expect(parseJsonStdout<{ thresholds: unknown }>(json).thresholds).toEqual([
      { dossier: 'crm', entity: 'contact', rejected: 2, records: 10, maxRejectedRatio: 0.1 },
    ]);
  }, 60_000);
});

describe('reconcile after a run stopped by a rejected-records threshold', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('says the run stopped the dossier there, where it only counted the records not loaded as missing from the target', async () => {
    const dir = tempDir('cutover-e2e-threshold-reconcile-');
    // The deals load after the contacts: the stop leaves them unread.
    writeFiles(dir, {
      'cutover.yaml': `${plan}  deal:
    source: { type: csv, path: deals.csv }
    dossier: { value: crm }
    key: id
    fields:
      name: title
`,
      'contacts.csv': `${contacts}\n`,
      'deals.csv': 'id,title\nD1,First deal\n',
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(3);
    const { runId } = parseJsonStdout<{ runId: string }>(run);
    const reconciled = await cli(['reconcile', '--plan', planFile]);
    expect(reconciled.code, describeResult(reconciled)).toBe(5);
    expect(reconciled.stdout).toContain(
      `  crm: the last run of this dossier (${runId}) stopped it at the rejected-records threshold of contact, so the records it had not reached, and those of the entities loaded after it, were not loaded and have no fate; fix the rejects (\`cutover ledger --dossier crm --fate rejected\`) and run again, or raise the threshold\n`,
    );
  }, 60_000);
});

describe('reconcile after a run stopped by a threshold, then a run of another dossier', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('still says which run stopped the first dossier: a later `run --dossier` of another one did not read it', async () => {
    const dir = tempDir('cutover-e2e-threshold-other-dossier-');
    writeFiles(dir, {
      // The deals load after the contacts: the stop leaves A's unread.
      'cutover.yaml': `${plan.replace('dossier: { value: crm }', 'dossier: { field: dossier }')}  deal:
    source: { type: csv, path: deals.csv }
    dossier: { field: dossier }
    key: id
    fields:
      name: title
`,
      'deals.csv': 'id,title,dossier\nD1,First deal,A\nD2,Second deal,B\n',
      'contacts.csv': [
        'id,name,born,dossier',
        ...Array.from(
          { length: 10 },
          (_, i) => `${i + 1},Name${i + 1},${i < 2 ? '1980-02-30' : '1980-02-28'},A`,
        ),
        '11,Name11,1980-02-28,B',
        '',
      ].join('\n'),
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(3);
    const { runId } = parseJsonStdout<{ runId: string }>(run);
    const other = await cli(['run', '--plan', planFile, '--dossier', 'B']);
    expect(other.code, describeResult(other)).toBe(0);
    const reconciled = await cli(['reconcile', '--plan', planFile]);
    expect(reconciled.code, describeResult(reconciled)).toBe(5);
    expect(reconciled.stdout).toContain(
      `  A: the last run of this dossier (${runId}) stopped it at the rejected-records threshold of contact,`,
    );
  }, 60_000);
});
