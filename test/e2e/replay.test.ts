import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout, type CliResult } from './support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from './support/crm-fixture.js';
import { countBy, defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';

interface ReplayJson {
  rejectedBefore: number;
  rejectedAfter: number;
  run: {
    planHash: string;
    status: string;
    records: { read: number; loaded: number; skipped: number; rejected: number };
  };
}
interface ReconcileJson {
  ok: boolean;
  totals: { source: number; loaded: number; skipped: number; rejected: number; unaccounted: number };
}

const ok = (result: CliResult) => expect(result.code, describeResult(result)).toBe(0);

describe('replay after fixing the data or the plan', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('loads contacts rejected UNKNOWN_PARENT once the missing company rows are added, and drops them from the ledger', async () => {
    const dir = tempDir('cutover-e2e-replay-data-');
    const plan = path.join(dir, 'cutover.yaml');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
    });
    ok(await cli(['run', '--plan', plan, '--json']));
    const before = await readLedger(defaultStatePath(dir));
    expect(
      before.filter((entry) => entry.reason === 'UNKNOWN_PARENT').map((entry) => entry.sourceKey),
    ).toEqual(['K5', 'K6']);
    // K5's parent is not in the source at all; K6's is, but was rejected: the messages tell them apart.
    expect(before.filter((entry) => entry.reason === 'UNKNOWN_PARENT').map((entry) => entry.message)).toEqual(
      [
        'company_id refers to company "C9", which does not exist in dossier crm',
        'company_id refers to company "C5", which was not loaded in dossier crm (see its own ledger entry)',
      ],
    );

    // The fix: the missing company C9 is added, and C5 gets its name.
    writeFileSync(path.join(dir, 'companies.csv'), crmCompanies.replace('C5,,Brest', 'C5,Epsilon,Brest'));
    appendFileSync(path.join(dir, 'companies.csv'), '\nC9,Iota,Rennes');
    const replay = await cli(['replay', '--plan', plan, '--json']);
    ok(replay);
    const replayJson = parseJsonStdout<ReplayJson>(replay);
    // Before: C5 REQUIRED_MISSING, K2 duplicate, K5 and K6 unknown parent, K8 invalid date.
    expect(replayJson.rejectedBefore).toBe(5);
    // After: only what the fix did not touch (the duplicate K2 and K8's impossible date).
    expect(replayJson.rejectedAfter).toBe(2);

    const after = await readLedger(defaultStatePath(dir));
    expect(
      after.map((entry) => `${entry.entity} ${entry.sourceKey} ${entry.reason ?? entry.rule}`).sort(),
    ).toEqual(['contact K2 DUPLICATE_SOURCE_KEY', 'contact K7 test-records', 'contact K8 INVALID_DATE']);
    const target = path.join(dir, 'target.db');
    expect(querySqlite(target, 'SELECT source_key FROM company ORDER BY source_key')).toEqual(
      ['C1', 'C2', 'C3', 'C4', 'C5', 'C9'].map((key) => ({ source_key: key })),
    );
    expect(
      querySqlite(
        target,
        'SELECT c.source_key AS contact, p.source_key AS company FROM contact c JOIN company p ON p.id = c.company_id WHERE c.source_key IN (?, ?) ORDER BY 1',
        'K5',
        'K6',
      ),
    ).toEqual([
      { contact: 'K5', company: 'C9' },
      { contact: 'K6', company: 'C5' },
    ]);

    const reconciled = await cli(['reconcile', '--plan', plan, '--json']);
    ok(reconciled);
    const reconciliation = parseJsonStdout<ReconcileJson>(reconciled);
    expect(reconciliation.ok).toBe(true);
    expect(reconciliation.totals).toEqual({
      dossiers: 1,
      dossiersOk: 1,
      dossiersNothingRead: 0,
      source: 16,
      loaded: 13,
      merged: 0,
      skipped: 1,
      rejected: 2,
      unaccounted: 0,
      contentMismatches: 0,
      referencesToMerged: 0,
    });
  });

  it('loads contacts rejected UNKNOWN_PARENT when the fix adds rows to a parent file that had no reject', async () => {
    const dir = tempDir('cutover-e2e-replay-parent-');
    const plan = path.join(dir, 'cutover.yaml');
    // Every company is valid: the only problem is contact K5's company C9, missing from the export.
    const companies = crmCompanies.replace('C5,,Brest', 'C5,Epsilon,Brest');
    writeFiles(dir, { 'cutover.yaml': crmPlan(), 'companies.csv': companies, 'contacts.csv': crmContacts });
    ok(await cli(['run', '--plan', plan, '--json']));
    const before = await readLedger(defaultStatePath(dir));
    expect(
      before.filter((entry) => entry.reason === 'UNKNOWN_PARENT').map((entry) => entry.sourceKey),
    ).toEqual(['K5']);
    expect(before.filter((entry) => entry.entity === 'company')).toEqual([]);

    appendFileSync(path.join(dir, 'companies.csv'), '\nC9,Iota,Rennes');
    const replay = await cli(['replay', '--plan', plan, '--json']);
    ok(replay);
    const replayJson = parseJsonStdout<ReplayJson>(replay);
    expect([replayJson.rejectedBefore, replayJson.rejectedAfter]).toEqual([3, 2]);
    const after = await readLedger(defaultStatePath(dir));
    expect(
      after.map((entry) => `${entry.entity} ${entry.sourceKey} ${entry.reason ?? entry.rule}`).sort(),
    ).toEqual(['contact K2 DUPLICATE_SOURCE_KEY', 'contact K7 test-records', 'contact K8 INVALID_DATE']);
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        'SELECT p.source_key AS company FROM contact c JOIN company p ON p.id = c.company_id WHERE c.source_key = ?',
        'K5',
      ),
    ).toEqual([{ company: 'C9' }]);

    const reconciled = await cli(['reconcile', '--plan', plan, '--json']);
    const reconciliation = parseJsonStdout<ReconcileJson>(reconciled);
    expect(reconciliation.totals).toMatchObject({
      source: 16,
      loaded: 13,
      merged: 0,
      skipped: 1,
      rejected: 2,
      unaccounted: 0,
    });
    expect(reconciliation.ok).toBe(true);
    ok(reconciled);
  });

  it('loads contacts rejected INVALID_DATE once the plan gains their date format (a new plan version)', async () => {
    const dir = tempDir('cutover-e2e-replay-plan-');
    const plan = path.join(dir, 'cutover.yaml');
    const contacts = `${crmContacts}\nK11,Karim,Roux,karim@mail.fr,14/02/1979,C1\nK12,Léa,Fournier,lea@mail.fr,28/06/1992,`;
    writeFiles(dir, { 'cutover.yaml': crmPlan(), 'companies.csv': crmCompanies, 'contacts.csv': contacts });
    const first = await cli(['run', '--plan', plan, '--json']);
    ok(first);
    const firstHash = parseJsonStdout<{ planHash: string }>(first).planHash;
    const before = await readLedger(defaultStatePath(dir));
    expect(
      before
        .filter((entry) => entry.reason === 'INVALID_DATE')
        .map((entry) => [entry.sourceKey, entry.column, entry.message]),
    ).toEqual([
      ['K8', 'birth_date', 'birth_date (source birth_date): "1990-02-30" is not a date in format yyyy-MM-dd'],
      [
        'K11',
        'birth_date',
        'birth_date (source birth_date): "14/02/1979" is not a date in format yyyy-MM-dd',
      ],
      [
        'K12',
        'birth_date',
        'birth_date (source birth_date): "28/06/1992" is not a date in format yyyy-MM-dd',
      ],
    ]);

    writeFileSync(plan, crmPlan({ birthFormats: ['yyyy-MM-dd', 'dd/MM/yyyy'] }));
    const replay = await cli(['replay', '--plan', plan, '--json']);
    ok(replay);
    const replayJson = parseJsonStdout<ReplayJson>(replay);
    expect(replayJson.run.planHash).not.toBe(firstHash);
    expect(replayJson.rejectedBefore).toBe(7);
    expect(replayJson.rejectedAfter).toBe(5);

    const after = await readLedger(defaultStatePath(dir));
    expect(countBy(after, (entry) => `${entry.entity} ${entry.reason ?? entry.rule}`)).toEqual({
      'company REQUIRED_MISSING': 1,
      'contact DUPLICATE_SOURCE_KEY': 1,
      'contact UNKNOWN_PARENT': 2,
      'contact INVALID_DATE': 1,
      'contact test-records': 1,
    });
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        "SELECT source_key, birth_date FROM contact WHERE source_key IN ('K11', 'K12') ORDER BY 1",
      ),
    ).toEqual([
      { source_key: 'K11', birth_date: '1979-02-14' },
      { source_key: 'K12', birth_date: '1992-06-28' },
    ]);

    const reconciled = await cli(['reconcile', '--plan', plan, '--json']);
    ok(reconciled);
    const reconciliation = parseJsonStdout<ReconcileJson>(reconciled);
    expect(reconciliation.ok).toBe(true);
    expect(reconciliation.totals).toMatchObject({
      source: 17,
      loaded: 11,
      skipped: 1,
      rejected: 5,
      unaccounted: 0,
    });
  });

  it('loads a record rejected NO_DOSSIER once its dossier column is filled, and clears its old rejection', async () => {
    const dir = tempDir('cutover-e2e-replay-no-dossier-');
    const plan = path.join(dir, 'cutover.yaml');
    writeFiles(dir, {
      'cutover.yaml': `version: 1
name: replay-no-dossier
target: { type: sqlite, url: target.db }
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { field: D }
    key: Id
    fields:
      name: Name
`,
      'companies.csv': 'Id,Name,D\n1,Alpha,D1\n2,Beta,\n',
    });
    ok(await cli(['run', '--plan', plan, '--json']));
    expect((await readLedger(defaultStatePath(dir))).map((entry) => entry.reason)).toEqual(['NO_DOSSIER']);

    writeFileSync(path.join(dir, 'companies.csv'), 'Id,Name,D\n1,Alpha,D1\n2,Beta,D1\n');
    const replay = await cli(['replay', '--plan', plan, '--json']);
    ok(replay);
    expect(parseJsonStdout<ReplayJson>(replay)).toMatchObject({ rejectedBefore: 1, rejectedAfter: 0 });
    expect(await readLedger(defaultStatePath(dir))).toEqual([]);
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        'SELECT dossier_id, source_key FROM company ORDER BY source_key',
      ),
    ).toEqual([
      { dossier_id: 'D1', source_key: '1' },
      { dossier_id: 'D1', source_key: '2' },
    ]);
    const reconciled = await cli(['reconcile', '--plan', plan, '--json']);
    ok(reconciled);
    expect(parseJsonStdout<ReconcileJson>(reconciled)).toMatchObject({
      ok: true,
      totals: { source: 2, loaded: 2, rejected: 0, unaccounted: 0 },
    });

    // The same by a plain run: the column emptied, then filled again.
    writeFileSync(path.join(dir, 'companies.csv'), 'Id,Name,D\n1,Alpha,D1\n2,Beta,\n');
    ok(await cli(['run', '--plan', plan, '--json']));
    expect((await readLedger(defaultStatePath(dir))).map((entry) => entry.reason)).toEqual(['NO_DOSSIER']);
    writeFileSync(path.join(dir, 'companies.csv'), 'Id,Name,D\n1,Alpha,D1\n2,Beta,D1\n');
    ok(await cli(['run', '--plan', plan, '--json']));
    expect(await readLedger(defaultStatePath(dir))).toEqual([]);
    ok(await cli(['reconcile', '--plan', plan, '--json']));
  });
});
