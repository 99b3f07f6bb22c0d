import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * Dossiers read from a column of the data, and an export with no record: the run said "dossiers 0/0 done" and
 * exited 0 with no notice, as if there were nothing to migrate. It now says which source named no dossier, and why.
 */
const planOf = (source: string) => `version: 1
name: no-dossier
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: ${source}
    dossier: { field: client }
    key: id
    fields:
      last_name: name
`;

interface RunJson {
  readonly dossiers: { readonly total: number };
  readonly notices: readonly { code: string; message: string; source: string; entity: string }[];
}

describe('a run whose dossier column names no dossier', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('says NO_DOSSIER_FOUND, naming the files and why they hold no record, in the text and in --json (exit 0)', async () => {
    const dir = tempDir('cutover-e2e-no-dossier-');
    writeFiles(dir, {
      'cutover.yaml': planOf('{ type: csv, path: "crm/*.csv" }'),
      'crm/contacts.csv': 'id,name,client\n',
      'crm/more.csv': '',
    });
    const text = await cli(['run'], { cwd: dir });
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout + text.stderr).toContain(
      '  dossiers  0/0 done: no dossier found, nothing was read (NO_DOSSIER_FOUND below)',
    );
    expect(text.stdout + text.stderr).toContain(
      '    NO_DOSSIER_FOUND crm/*.csv holds no contact record (crm/contacts.csv has a header only: no records; crm/more.csv is empty (0 bytes): no records), so its dossier column client names no dossier: nothing was read',
    );
    const json = await cli(['run', '--json'], { cwd: dir });
    expect(json.code, describeResult(json)).toBe(0);
    const summary = parseJsonStdout<RunJson>(json);
    expect(summary.dossiers.total).toBe(0);
    expect(summary.notices).toEqual([
      expect.objectContaining({ code: 'NO_DOSSIER_FOUND', source: 'crm/*.csv', entity: 'contact' }),
    ]);
  });

  it('says a database table has no rows', async () => {
    const dir = tempDir('cutover-e2e-no-dossier-sql-');
    writeFiles(dir, { 'cutover.yaml': planOf('{ type: sqlite, url: source.db, table: contacts }') });
    const db = new Database(path.join(dir, 'source.db'));
    db.exec('create table contacts (id text primary key, name text, client text)');
    db.close();
    const json = await cli(['run', '--json'], { cwd: dir });
    expect(json.code, describeResult(json)).toBe(0);
    expect(parseJsonStdout<RunJson>(json).notices).toEqual([
      {
        code: 'NO_DOSSIER_FOUND',
        message:
          'table contacts has no rows for contact, so its dossier column client names no dossier: nothing was read',
        source: 'table contacts',
        entity: 'contact',
        dossier: '',
      },
    ]);
  });
});
