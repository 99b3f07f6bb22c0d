import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalDecimal } from '../../src/core/money.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import type { FecValidationReport } from '../../src/domains/accounting/fec/fec-validator.js';
import type { AccountingProof } from '../../src/pipeline/reconcile/accounting-proof.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';
import { sharedData } from '../support/shared-data.js';

const samples = sharedData('fec');

/** Migrates one FEC file into a fresh SQLite target and returns the accounting proof of its reconciliation. */
const migrate = async (fecFile: string) => {
  const dir = tempDir('cutover-e2e-roundtrip-');
  writeFiles(dir, {
    'cutover.yaml': [
      'version: 1',
      'name: round-trip',
      'target: { type: sqlite, url: target.db }',
      'entities:',
      fecEntitiesYaml({ path: fecFile, fiscalYears: 'file' }),
    ].join('\n'),
  });
  const plan = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', plan, '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  const reconcile = await cli(['reconcile', '--plan', plan, '--json']);
  expect(reconcile.code, describeResult(reconcile)).toBe(0);
  const proof = parseJsonStdout<{ dossiers: { accounting: AccountingProof }[] }>(reconcile).dossiers[0]!
    .accounting;
  return { dir, plan, proof };
};

const validate = async (file: string): Promise<FecValidationReport> => {
  const result = await cli(['fec', 'validate', file, '--json']);
  expect([0, 6], describeResult(result)).toContain(result.code);
  return parseJsonStdout<{ reports: FecValidationReport[] }>(result).reports[0]!;
};

const errorCodes = (report: FecValidationReport) =>
  new Set(report.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.code));

/** Per account, what the target holds: debit, credit and line count. */
const targetBalance = (proof: AccountingProof) =>
  proof.accounts.map((row) => [row.key, row.target.debit, row.target.credit, row.target.lines]);

describe('FEC round trip: import, export, validate, on every public sample', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it.each(readdirSync(samples).sort())(
    '%s: the exported FEC has the migrated trial balance, brings no new error, and imports to the same books',
    async (name) => {
      const source = path.join(samples, name);
      const first = await migrate(source);

      const exported = await cli([
        'fec',
        'export',
        '--plan',
        first.plan,
        '--dossier',
        'default',
        '--out',
        `${first.dir}/export/`,
        '--json',
      ]);
      expect(exported.code, describeResult(exported)).toBe(0);
      const file = parseJsonStdout<{ file: string; totals: { debit: string; credit: string } }>(exported);
      expect(file.totals).toMatchObject({
        debit: first.proof.totals.target.debit,
        credit: first.proof.totals.target.credit,
      });

      // The export is checked by the same validator: every error it has, the legacy file had already.
      const before = await validate(source);
      const after = await validate(file.file);
      const newErrors = [...errorCodes(after)].filter((code) => !errorCodes(before).has(code));
      expect(newErrors).toEqual([]);
      expect([
        canonicalDecimal(after.summary.totalDebit),
        canonicalDecimal(after.summary.totalCredit),
      ]).toEqual([first.proof.totals.target.debit, first.proof.totals.target.credit]);
      expect(after.summary.unbalancedEntries).toBeLessThanOrEqual(before.summary.unbalancedEntries);

      // And importing the export gives the same books, account by account.
      const second = await migrate(file.file);
      expect(targetBalance(second.proof)).toEqual(targetBalance(first.proof));
      expect(second.proof.counts.targetEntries).toBe(first.proof.counts.targetEntries);
      expect(second.proof.lettering.groups).toBe(first.proof.lettering.groups);
    },
    180_000,
  );
});
