import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../../src/domains/accounting/fec-columns.js';
import { fecGroups, validateFecGroup } from '../../../src/connectors/files/validate-fec-files.js';
import { fecExport } from '../../../src/pipeline/export/fec-export.js';
import { loadPlanFile } from '../../../src/pipeline/plan/load-plan-file.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { migrateAndReconcile } from '../../e2e/support/portfolio.js';
import { tempDir } from '../../support/stores.js';
import { fecOnlyPlan } from './fec-only-plan.js';

/** A FEC line: journal, label, entry number, date, account, debit, credit; the other columns empty. */
const line = (
  journal: string,
  label: string,
  num: string,
  date: string,
  account: string,
  debit: string,
  credit: string,
) =>
  [
    journal,
    label,
    num,
    date,
    account,
    'Compte',
    '',
    '',
    `P${num}`,
    date,
    label,
    debit,
    credit,
    '',
    '',
    '',
    '',
    '',
  ].join('\t');

/**
 * The year's first day holds the opening entry and a purchase, in the norm's order. Sorted by journal code alone, the
 * export put `ACH` before `AN` (and a kind-mapped `OUV` after `ACH` too): `cutover fec validate` then raised
 * OPENING_NOT_FIRST on the export of a file that had none.
 */
const legacy = [
  FEC_STANDARD_COLUMNS.join('\t'),
  line('AN', 'A nouveaux', '1', '20240101', '512000', '500,00', '0,00'),
  line('AN', 'A nouveaux', '1', '20240101', '101000', '0,00', '500,00'),
  line('OUV', 'Ouverture', '1', '20240101', '411000', '70,00', '0,00'),
  line('OUV', 'Ouverture', '1', '20240101', '101000', '0,00', '70,00'),
  line('ACH', 'Achats', '1', '20240101', '607000', '100,00', '0,00'),
  line('ACH', 'Achats', '1', '20240101', '401000', '0,00', '100,00'),
  line('ACH', 'Achats', '2', '20240102', '607000', '30,00', '0,00'),
  line('ACH', 'Achats', '2', '20240102', '401000', '0,00', '30,00'),
].join('\r\n');

describe('FEC export of a dossier with opening entries', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the opening journals' entries (by code, or by the plan's kind) before the other entries of their day", async () => {
    const dir = tempDir('cutover-fec-export-opening-');
    dirs.push(dir);
    writeFileSync(path.join(dir, 'legacy.txt'), `${legacy}\r\n`);
    const planFile = path.join(dir, 'cutover.yaml');
    // The opening journal OUV is one only because the plan says so: no code or label of the norm's tells it.
    const plan = fecOnlyPlan('legacy.txt', 'D1').replace(
      '      label: { from: JournalLib, transform: trim }\n',
      '      label: { from: JournalLib, transform: trim }\n      kind: { from: JournalCode, map: { OUV: opening }, default: other }\n',
    );
    writeFileSync(planFile, plan);
    const migrated = await migrateAndReconcile(planFile, path.join(dir, 'state.db'));
    expect(migrated.summary.records.rejected).toBe(0);
    const target = await openTarget(await loadPlanFile(planFile));
    const result = await fecExport({ target, dossier: 'D1', out: path.join(dir, 'out') + path.sep }).finally(
      () => target.close(),
    );
    const written = readFileSync(result.file, 'utf8').split('\r\n').slice(1, -1);
    expect(written.map((text) => text.split('\t').slice(0, 4).join(' '))).toEqual([
      'AN A nouveaux 1 20240101',
      'AN A nouveaux 1 20240101',
      'OUV Ouverture 1 20240101',
      'OUV Ouverture 1 20240101',
      'ACH Achats 1 20240101',
      'ACH Achats 1 20240101',
      'ACH Achats 2 20240102',
      'ACH Achats 2 20240102',
    ]);
    const [group] = fecGroups([result.file]);
    const report = await validateFecGroup(group!);
    expect(report.findings.map((finding) => finding.code)).not.toContain('OPENING_NOT_FIRST');
  }, 60_000);
});
