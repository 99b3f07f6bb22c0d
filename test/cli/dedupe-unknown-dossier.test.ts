import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, jsonError, parseJsonStdout } from '../e2e/support/cli.js';
import { writeFiles } from '../e2e/support/helpers.js';

/** Two dossiers of contacts (a dossier column) and a dedupe section: `cutover dedupe --entity contact --dossier`. */
const plan = `version: 1
name: dedupe-dossiers
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { field: dossier }
    key: contact_id
    fields:
      first_name: first_name
      last_name: last_name
      email: email
    dedupe:
      fields:
        - { column: first_name, kind: first_name }
        - { column: last_name, kind: last_name }
        - { column: email, kind: email }
      blocking: [[email]]
`;

const contacts = [
  'contact_id,dossier,first_name,last_name,email',
  'K1,A,Anne,Martin,anne@mail.fr',
  'K2,A,Anne,Martin,anne@mail.fr',
  'K3,B,Bruno,Petit,bruno@mail.fr',
].join('\n');

describe('cutover dedupe --dossier', () => {
  let planFile: string;

  beforeAll(() => {
    ensureBuilt();
    const dir = tempDir('cutover-e2e-dedupe-');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': contacts });
    planFile = path.join(dir, 'cutover.yaml');
  }, 240_000);

  it('refuses an id that names no dossier (exit 2, naming it), as run, reconcile and ledger do', async () => {
    const result = await cli([
      'dedupe',
      '--plan',
      planFile,
      '--entity',
      'contact',
      '--dossier',
      'NOPE',
      '--json',
    ]);
    expect(result.code, describeResult(result)).toBe(2);
    expect(jsonError(result)).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(result.stderr).toMatch(
      /^cutover: unknown dossier NOPE: not among the 2 dossiers of this plan \(A, B\)\n$/,
    );
  });

  it('still dedupes the dossiers it names', async () => {
    const result = await cli([
      'dedupe',
      '--plan',
      planFile,
      '--entity',
      'contact',
      '--dossier',
      'A',
      '--json',
    ]);
    expect(result.code, describeResult(result)).toBe(0);
    const summary = parseJsonStdout<{ records: number; dossiers: { id: string }[] }>(result);
    expect(summary.dossiers.map((dossier) => dossier.id)).toEqual(['A']);
    expect(summary.records).toBe(2);
  });
});
