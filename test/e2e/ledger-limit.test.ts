import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

const plan = `version: 1
name: ledger-limit
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: id
    fields:
      last_name: { from: name, required: true }
`;

/** Three of five contacts without a name: three rejects. */
const contacts = 'id,name\n1,Lee\n2,\n3,\n4,Ray\n5,\n';

describe('cutover ledger --limit', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('says when the limit left entries out, and not when it showed them all', async () => {
    const dir = tempDir('cutover-e2e-ledger-limit-');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': contacts });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile]);
    expect(run.code, describeResult(run)).toBe(0);

    const cut = await cli(['ledger', '--plan', planFile, '--limit', '2']);
    expect(cut.code, describeResult(cut)).toBe(0);
    expect(cut.stdout.split('\n').filter((line) => line.startsWith('crm\t'))).toHaveLength(2);
    expect(cut.stdout).toContain(
      'These are the first 2 entries; the ledger holds more: `--limit N` shows more.',
    );

    const all = await cli(['ledger', '--plan', planFile, '--limit', '3']);
    expect(all.stdout.split('\n').filter((line) => line.startsWith('crm\t'))).toHaveLength(3);
    expect(all.stdout).not.toContain('the ledger holds more');

    // A script's JSON stays the array of the entries asked for.
    const json = await cli(['ledger', '--plan', planFile, '--limit', '2', '--json']);
    expect(parseJsonStdout<unknown[]>(json)).toHaveLength(2);
  }, 60_000);
});
