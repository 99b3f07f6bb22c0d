import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import {
  crmCompanies,
  crmContacts,
  crmExpectedEntities,
  crmExpectedReasons,
  crmPlan,
} from './support/crm-fixture.js';
import { countBy, defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';

interface RunJson {
  dryRun: boolean;
  status: string;
  records: { read: number; loaded: number; skipped: number; rejected: number };
  entities: Record<string, { readonly loaded: number }>;
  rejectedSamples: LedgerEntry[];
}

const expectedRecords = { read: 15, loaded: 9, merged: 0, skipped: 1, rejected: 5 };

describe('run --dry-run', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  const fixture = (batchSize?: number) => {
    const dir = tempDir('cutover-e2e-dry-');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(batchSize === undefined ? {} : { batchSize }),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
    });
    return { dir, plan: path.join(dir, 'cutover.yaml') };
  };

  it('reports the counts per fate and reason a real run gives, and writes no target and no ledger', async () => {
    const { dir, plan } = fixture();
    const dry = await cli(['run', '--plan', plan, '--dry-run', '--json']);
    expect(dry.code, describeResult(dry)).toBe(0);
    const dryJson = parseJsonStdout<RunJson>(dry);
    expect(dryJson.dryRun).toBe(true);
    expect(dryJson.records).toEqual(expectedRecords);
    expect(dryJson.entities).toEqual(crmExpectedEntities);
    expect(countBy(dryJson.rejectedSamples, (entry) => `${entry.entity} ${entry.reason}`)).toEqual(
      crmExpectedReasons,
    );

    // Nothing written: no target file, an empty ledger.
    expect(existsSync(path.join(dir, 'target.db'))).toBe(false);
    expect(await readLedger(defaultStatePath(dir))).toEqual([]);
    // On a terminal's summary, the table says what the summary line says: would load, not loaded.
    const human = await cli(['run', '--plan', plan, '--dry-run']);
    expect(human.stdout).toMatch(/read: 9 would load,/);
    expect(human.stdout).toMatch(/^ +contact +\d+ read +\d+ would load /m);
    expect(human.stdout).not.toMatch(/\d+ loaded /);

    const real = await cli(['run', '--plan', plan, '--json']);
    expect(real.code, describeResult(real)).toBe(0);
    const realJson = parseJsonStdout<RunJson>(real);
    expect(realJson.dryRun).toBe(false);
    expect(realJson.records).toEqual(dryJson.records);
    // The same counts, and the real run's rows, a first load's, all new (a dry run writes nothing and cannot tell).
    expect(realJson.entities).toMatchObject(dryJson.entities);
    for (const counts of Object.values(realJson.entities))
      expect(counts).toMatchObject({ new: counts.loaded, updated: 0, unchanged: 0 });
    const ledger = await readLedger(defaultStatePath(dir));
    expect(
      countBy(
        ledger.filter((entry) => entry.fate === 'rejected'),
        (entry) => `${entry.entity} ${entry.reason}`,
      ),
    ).toEqual(crmExpectedReasons);
  });

  it('counts a duplicate key found in a later batch the same way (batchSize 2)', async () => {
    const { plan } = fixture(2);
    const dry = await cli(['run', '--plan', plan, '--dry-run', '--json']);
    expect(dry.code, describeResult(dry)).toBe(0);
    const dryJson = parseJsonStdout<RunJson>(dry);
    expect(dryJson.records).toEqual(expectedRecords);
    expect(dryJson.entities).toEqual(crmExpectedEntities);
  });

  it('leaves the target and ledger of an earlier real run untouched', async () => {
    const { dir, plan } = fixture();
    const real = await cli(['run', '--plan', plan, '--json']);
    expect(real.code, describeResult(real)).toBe(0);
    const target = path.join(dir, 'target.db');
    const rowsBefore = querySqlite(target, 'SELECT id, source_key, run_id FROM contact ORDER BY id');
    const ledgerBefore = await readLedger(defaultStatePath(dir));
    expect(rowsBefore).toHaveLength(5);
    expect(ledgerBefore).toHaveLength(6);

    const dry = await cli(['run', '--plan', plan, '--dry-run', '--json']);
    expect(dry.code, describeResult(dry)).toBe(0);
    expect(parseJsonStdout<RunJson>(dry).records).toEqual(expectedRecords);
    expect(querySqlite(target, 'SELECT id, source_key, run_id FROM contact ORDER BY id')).toEqual(rowsBefore);
    expect(await readLedger(defaultStatePath(dir))).toEqual(ledgerBefore);
  });
});
