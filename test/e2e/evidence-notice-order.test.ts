import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * The evidence pack lists a dossier's notices as the run said them: entity after entity in load order (users before
 * the contacts they own), not by entity name, and each entity's in the order its load said them.
 */
describe('the evidence pack of a dossier whose entities said something', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('lists the notices of its entities in load order, users before the contacts that reference them', async () => {
    const dir = tempDir('cutover-e2e-evidence-notice-order-');
    writeFiles(dir, {
      'cutover.yaml': `version: 1
name: evidence-notice-order
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: last_name
      owner_id: owner_id
  user:
    source: { type: csv, path: users.csv }
    dossier: { value: crm }
    key: user_id
    fields:
      name: name
`,
      // A note typed on two lines in each file: MULTILINE_RECORDS, one notice per file.
      'users.csv': 'user_id,name\nU1,"Ada\nLovelace"\nU2,Grace\n',
      'contacts.csv': 'contact_id,last_name,owner_id\nC1,"Lee\nJr",U1\nC2,Ng,U2\n',
    });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const evidence = await cli(['evidence', '--plan', plan]);
    expect(evidence.code, describeResult(evidence)).toBe(0);

    const pack = JSON.parse(readFileSync(path.join(dir, 'evidence', 'crm', 'evidence.json'), 'utf8')) as {
      notices: { code: string; entity: string }[];
    };
    expect(pack.notices.map(({ code, entity }) => ({ code, entity }))).toEqual([
      { code: 'MULTILINE_RECORDS', entity: 'user' },
      { code: 'MULTILINE_RECORDS', entity: 'contact' },
    ]);
  }, 90_000);
});
