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
    expect(cut.stdout).toContain('These are the first 2 of 3 entries: `--limit N` shows more.');

    const all = await cli(['ledger', '--plan', planFile, '--limit', '3']);
    expect(all.stdout.split('\n').filter((line) => line.startsWith('crm\t'))).toHaveLength(3);
    expect(all.stdout).not.toContain('--limit N` shows more');
  }, 60_000);

  it('says "the first of" when the limit shows one entry, not "the first 1 of"', async () => {
    const dir = tempDir('cutover-e2e-ledger-limit-one-');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': contacts });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile]);
    expect(run.code, describeResult(run)).toBe(0);

    const one = await cli(['ledger', '--plan', planFile, '--limit', '1']);
    expect(one.code, describeResult(one)).toBe(0);
    expect(one.stdout).toContain('This is the first of 3 entries: `--limit N` shows more.');
    expect(one.stdout).not.toContain('first 1 of');
  }, 60_000);

  it('gives a script the total the selection matched and whether the limit cut it, beside the entries', async () => {
    const dir = tempDir('cutover-e2e-ledger-limit-json-');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': contacts });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile]);
    expect(run.code, describeResult(run)).toBe(0);

    type LedgerJson = { total: number; limited: boolean; entries: { location: string }[] };
    const cut = await cli(['ledger', '--plan', planFile, '--limit', '2', '--json']);
    expect(cut.code, describeResult(cut)).toBe(0);
    const cutJson = parseJsonStdout<LedgerJson>(cut);
    expect({ total: cutJson.total, limited: cutJson.limited }).toEqual({ total: 3, limited: true });
    expect(cutJson.entries.map((entry) => entry.location)).toEqual(['contacts.csv:3', 'contacts.csv:4']);

    const all = parseJsonStdout<LedgerJson>(
      await cli(['ledger', '--plan', planFile, '--limit', '3', '--json']),
    );
    expect({ total: all.total, limited: all.limited, shown: all.entries.length }).toEqual({
      total: 3,
      limited: false,
      shown: 3,
    });
    // The total is the selection's, not the whole ledger's.
    const none = parseJsonStdout<LedgerJson>(
      await cli(['ledger', '--plan', planFile, '--fate', 'skipped', '--json']),
    );
    expect(none).toEqual({ total: 0, limited: false, entries: [] });
  }, 60_000);
});
