import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareTrialBalances } from '../../../src/domains/accounting/compare-trial-balances.js';
import { fecExport, type FecExportResult } from '../../../src/pipeline/export/fec-export.js';
import { loadPlanFile } from '../../../src/pipeline/plan/load-plan-file.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { migrateAndReconcile } from '../../e2e/support/portfolio.js';
import { tempDir } from '../../support/stores.js';
import { fecOnlyPlan } from './fec-only-plan.js';
import { fecFileTrialBalance } from './read-fec-balance.js';
import { sharedData } from '../../support/shared-data.js';

/** Public FEC files written by other software (see ../shared/data/README.md), read-only. */
const samples = sharedData('fec');

/** Migrates one FEC file as dossier `sample` into a SQLite target in a fresh folder, then exports it. */
const migrateAndExport = async (
  fecFile: string,
): Promise<{ dir: string; result: FecExportResult; rejected: number }> => {
  const dir = tempDir('cutover-fec-sample-');
  const plan = path.join(dir, 'cutover.yaml');
  writeFileSync(plan, fecOnlyPlan(fecFile, 'sample'));
  const migrated = await migrateAndReconcile(plan, path.join(dir, 'state.db'));
  expect(migrated.reconciliation.ok).toBe(true);
  const target = await openTarget(await loadPlanFile(plan));
  try {
    const result = await fecExport({ target, dossier: 'sample', out: path.join(dir, 'export') + path.sep });
    return { dir, result, rejected: migrated.summary.records.rejected };
  } finally {
    await target.close();
  }
};

describe.runIf(existsSync(samples))('FEC export round trip on public sample files', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['lasocietenouvelle_sample_tab.txt', 7],
    ['0000000001FEC20220831.txt', 5422],
    ['111111111FEC20221231.TXT', 934],
  ])(
    '%s: the export has the legacy trial balance, and migrating the export again gives the same file',
    async (name, expectedLines) => {
      const legacy = path.join(samples, name);
      const first = await migrateAndExport(legacy);
      dirs.push(first.dir);
      expect(first.rejected).toBe(0);
      expect(first.result.lines).toBe(expectedLines);
      const legacyBalance = fecFileTrialBalance(legacy);
      expect(compareTrialBalances(legacyBalance, fecFileTrialBalance(first.result.file))).toEqual([]);
      expect(compareTrialBalances(legacyBalance, first.result.trialBalance)).toEqual([]);

      const second = await migrateAndExport(first.result.file);
      dirs.push(second.dir);
      expect(second.rejected).toBe(0);
      expect(readFileSync(second.result.file).equals(readFileSync(first.result.file))).toBe(true);
    },
    120_000,
  );
});
