import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * A contact of d1 is rejected UNKNOWN_PARENT: its company C2 is d2's. The fix moves the contact to d2 (its dossier
 * column). Replay runs d1's contacts again only: the record is no longer d1's, its rejection leaves the ledger, d2's
 * contacts are not run, and the replay says "1 before, 0 after", exit 0, while the record has no fate at all.
 */

const plan = `version: 1
name: replay-moved
target: { type: sqlite, url: target.db }
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { field: dossier }
    key: company_id
    fields:
      name: { from: name, required: true }
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { field: dossier }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
      company_id: company_id
`;

describe('replay after a fix that moves a record to another dossier', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('loads the record in its new dossier (or keeps a fate for it), so that reconcile proves every dossier', async () => {
    const dir = tempDir('cutover-e2e-replay-moved-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      'companies.csv': 'dossier,company_id,name\nd1,C1,A\nd2,C1,A\nd2,C2,B\n',
      'contacts.csv': 'dossier,contact_id,last_name,company_id\nd1,P1,M,C1\nd1,P2,N,C2\nd2,P3,O,C1\n',
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', planFile, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    expect(parseJsonStdout<{ records: { rejected: number } }>(run).records.rejected).toBe(1);

    writeFileSync(
      path.join(dir, 'contacts.csv'),
      'dossier,contact_id,last_name,company_id\nd1,P1,M,C1\nd2,P2,N,C2\nd2,P3,O,C1\n',
    );
    const replay = await cli(['replay', '--plan', planFile, '--json']);
    expect(replay.code, describeResult(replay)).toBe(0);

    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(
      parseJsonStdout<{ totals: { loaded: number; unaccounted: number } }>(reconciled).totals,
    ).toMatchObject({
      loaded: 6,
      unaccounted: 0,
    });
  });
});
