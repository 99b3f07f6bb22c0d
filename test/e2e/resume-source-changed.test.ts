import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, readLedger, writeFiles } from './support/helpers.js';
import { contactCheckpoint, killedInContacts } from './support/kill-in-contacts.js';
import { companiesChangedNotices } from './support/companies-changed-notices.js';

/**
 * A resume skips the records its checkpoint counts, by position. When the export is refreshed between the kill and
 * the resume (a nightly export written over the file: one contact added at the top, one gone), the resume skipped
 * the wrong records: P0 got no fate at all, and a record read again was rejected DUPLICATE_SOURCE_KEY, exit 0 (a
 * reviewer's case). The load now starts over on files that changed, keeping the rows it wrote and their ids.
 */

const CONTACTS = 300_000;

const plan = `version: 1
name: resume-source-changed
target: { type: sqlite, url: target.db }
batchSize: 200
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
`;

/** The export; refreshed, it has P0 at the top and no longer has P2. */
const contacts = (refreshed: boolean) => {
  const lines = ['contact_id,last_name'];
  if (refreshed) lines.push('P0,New');
  for (let i = 1; i <= CONTACTS; i++) if (!refreshed || i !== 2) lines.push(`P${i},L${i}`);
  return `${lines.join('\n')}\n`;
};

const targetIds = (file: string): Map<string, number> => {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT source_key, id FROM contact').all() as {
      source_key: string;
      id: number;
    }[];
    return new Map(rows.map((row) => [row.source_key, row.id]));
  } finally {
    db.close();
  }
};

/** `cutover run`, killed with SIGKILL once its contact load has committed 2,000 records and is not done. */
const runKilledInContacts = (planFile: string, targetFile: string) =>
  killedInContacts(['run', '--plan', planFile, '--json'], targetFile);

describe('a run killed, its source refreshed, then resumed', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('reads the new file from its start: every record loaded once, a row gone with its record, ids kept', async () => {
    const dir = tempDir('cutover-e2e-resume-changed-');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': contacts(false) });
    const planFile = path.join(dir, 'cutover.yaml');
    const targetFile = path.join(dir, 'target.db');
    const killed = await runKilledInContacts(planFile, targetFile);
    expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
    expect(contactCheckpoint(targetFile)?.done).toBe(0);

    const idsBefore = targetIds(targetFile);
    expect(idsBefore.get('P1')).toBeDefined();
    expect(idsBefore.get('P2')).toBeDefined();

    writeFileSync(path.join(dir, 'contacts.csv'), contacts(true));
    const resumed = await cli(['run', '--plan', planFile, '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const summary = parseJsonStdout<{
      resumed: boolean;
      records: { loaded: number; rejected: number };
      notices: { code: string; message: string }[];
    }>(resumed);
    expect(summary.resumed).toBe(true);
    expect(summary.records).toMatchObject({ loaded: CONTACTS, rejected: 0 });
    expect(summary.notices.map((notice) => [notice.code, notice.message])).toEqual([
      [
        'SOURCE_CHANGED_ON_RESUME',
        'the files of contact changed since this run began loading them (contacts.csv): read again from the start, not resumed by position',
      ],
    ]);
    const idsAfter = targetIds(targetFile);
    expect(idsAfter.size).toBe(CONTACTS);
    expect(idsAfter.has('P2')).toBe(false);
    expect(idsAfter.get('P1')).toBe(idsBefore.get('P1'));
    expect([...idsBefore].filter(([key, id]) => key !== 'P2' && idsAfter.get(key) !== id)).toEqual([]);
    expect(await readLedger(defaultStatePath(dir))).toEqual([]);
    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
  }, 120_000);

  it('reads again a unit this run had finished when its files changed, so that the dossier is one export', async () => {
    const dir = tempDir('cutover-e2e-resume-changed-done-');
    const companies = (name: string) => `company_id,name\nC1,${name}\nC2,Bolt\n`;
    const withCompanies = plan.replace(
      'entities:\n',
      'entities:\n  company:\n    source: { type: csv, path: companies.csv }\n    dossier: { value: crm }\n    key: company_id\n    fields:\n      name: name\n',
    );
    writeFiles(dir, {
      'cutover.yaml': withCompanies,
      'companies.csv': companies('Acme'),
      'contacts.csv': contacts(false),
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const targetFile = path.join(dir, 'target.db');
    expect((await runKilledInContacts(planFile, targetFile)).signal).toBe('SIGKILL');

    // The companies were loaded before the kill; the export is renamed since. Read again, C1 is Acme SA.
    writeFileSync(path.join(dir, 'companies.csv'), companies('Acme SA'));
    const resumed = await cli(['run', '--plan', planFile, '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const summary = parseJsonStdout<{
      resumed: boolean;
      notices: { code: string; entity: string; message: string }[];
    }>(resumed);
    expect(summary.resumed).toBe(true);
    // The contacts, whose file is unchanged, are read again with the companies they point to.
    expect(summary.notices.map((notice) => [notice.code, notice.entity, notice.message])).toEqual(
      companiesChangedNotices,
    );
    const db = new Database(targetFile, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM company WHERE source_key = 'C1'").get()).toEqual({
        name: 'Acme SA',
      });
    } finally {
      db.close();
    }
    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
  }, 120_000);
});
