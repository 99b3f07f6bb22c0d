import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { dedupeContactsCsv, dedupePlan } from './support/dedupe-fixture.js';
import { writeFiles } from './support/helpers.js';

/**
 * With `acrossDossiers`, a golden record took a reference column (a contact's company_id) from a member of another
 * dossier: S-B1 (south, company C1 = South Acme) merged into N-B1 (north, no company) gave the golden record the
 * bare key "C1", which the run looked up in the survivor's dossier, attaching north's contact to north's C1 (North
 * Acme), another client's company that no record named; reconcile, comparing keys, was green (a reviewer's case).
 * A reference is now taken only from members of the survivor's dossier.
 */
describe('a golden record across dossiers', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it("takes a reference only from members of the survivor's dossier, never another client's parent of the same key", async () => {
    const dir = tempDir('cutover-e2e-golden-ref-');
    const plan = dedupePlan
      .replace(
        'survivorship: { rule: most_complete }',
        'survivorship: { rule: most_complete }\n      acrossDossiers: true',
      )
      .replace(
        'entities:\n',
        'entities:\n  company:\n    source: { type: csv, path: companies.csv }\n    dossier: { field: dossier }\n    key: company_id\n    fields:\n      name: { from: name, required: true }\n',
      )
      .replace('      city: city\n', '      city: city\n      company_id: company_id\n');
    const lines = dedupeContactsCsv().trimEnd().split('\n');
    const contacts = lines.map((line, index) =>
      index === 0 ? `${line},company_id` : `${line},${line.startsWith('S-B1,') ? 'C1' : ''}`,
    );
    writeFiles(dir, {
      'cutover.yaml': plan,
      'contacts.csv': `${contacts.join('\n')}\n`,
      'companies.csv': 'dossier,company_id,name\nnorth,C1,North Acme\nsouth,C1,South Acme\n',
    });
    const planFile = path.join(dir, 'cutover.yaml');
    for (const command of ['dedupe', 'run']) {
      const args = command === 'dedupe' ? ['dedupe', '--entity', 'contact'] : [command];
      const result = await cli([...args, '--plan', planFile, '--json']);
      expect(result.code, describeResult(result)).toBe(0);
    }
    const db = new Database(path.join(dir, 'target.db'), { readonly: true });
    const company = db
      .prepare(
        "SELECT co.name AS name FROM contact c JOIN company co ON co.id = c.company_id WHERE c.source_key = 'N-B1'",
      )
      .get() as { name: string } | undefined;
    db.close();
    // Chosen by hand, south's company is refused too: dedupe would not take it.
    const chosen = await cli([
      'review',
      'golden',
      '--plan',
      planFile,
      '--entity',
      'contact',
      '--record',
      'S-B1',
      '--dossier',
      'south',
      '--field',
      'company_id',
    ]);
    expect(chosen.code, describeResult(chosen)).toBe(2);
    expect(chosen.stderr).toContain(
      "--field company_id references a company: its value is a company of the record's own dossier (south), not of the survivor's (north)",
    );
    // North's own members name no company: the survivor keeps none.
    expect(company).toBeUndefined();
    const reconciled = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
    expect(parseJsonStdout<{ ok: boolean }>(reconciled).ok).toBe(true);
  }, 120_000);
});
