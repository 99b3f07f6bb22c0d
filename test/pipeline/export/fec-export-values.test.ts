import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../../src/domains/accounting/fec-columns.js';
import { isCutoverError } from '../../../src/core/errors.js';
import { fecExport } from '../../../src/pipeline/export/fec-export.js';
import { loadPlanFile } from '../../../src/pipeline/plan/load-plan-file.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { migrateAndReconcile } from '../../e2e/support/portfolio.js';
import { tempDir } from '../../support/stores.js';
import { fecOnlyPlan } from './fec-only-plan.js';

const header = FEC_STANDARD_COLUMNS.join('\t');
const row = (...fields: string[]) => fields.join('\t');

/**
 * Hand-written legacy lines, out of book order: entry 10 before entry 9, a March entry before a January one, an
 * amount with three decimals, a negative amount (a reversal), a foreign-currency line.
 */
const legacy = [
  header,
  row(
    'VE',
    'Ventes',
    '10',
    '20240115',
    '411000',
    'Clients',
    'C1',
    'Client Un',
    'F10',
    '20240115',
    'Facture 10',
    '100,00',
    '0,00',
    'A',
    '20240301',
    '20240120',
    '',
    '',
  ),
  row(
    'VE',
    'Ventes',
    '10',
    '20240115',
    '706000',
    'Prestations',
    '',
    '',
    'F10',
    '20240115',
    'Facture 10',
    '0,00',
    '100,00',
    '',
    '',
    '20240120',
    '',
    '',
  ),
  row(
    'BQ',
    'Banque',
    '1',
    '20240301',
    '512000',
    'Banque',
    '',
    '',
    'R1',
    '20240301',
    'Règlement',
    '100,00',
    '0,00',
    '',
    '',
    '',
    '',
    '',
  ),
  row(
    'BQ',
    'Banque',
    '1',
    '20240301',
    '411000',
    'Clients',
    'C1',
    'Client Un',
    'R1',
    '20240301',
    'Règlement',
    '0,00',
    '100,00',
    'A',
    '20240301',
    '',
    '',
    '',
  ),
  row(
    'VE',
    'Ventes',
    '9',
    '20240115',
    '411000',
    'Clients',
    'C1',
    'Client Un',
    'F9',
    '20240115',
    'Facture 9',
    '10,125',
    '0,00',
    '',
    '',
    '20240120',
    '',
    '',
  ),
  row(
    'VE',
    'Ventes',
    '9',
    '20240115',
    '706000',
    'Prestations',
    '',
    '',
    'F9',
    '20240115',
    'Facture 9',
    '0,00',
    '10,125',
    '',
    '',
    '20240120',
    '',
    '',
  ),
  row(
    'AC',
    'Achats',
    '3',
    '20240110',
    '401000',
    'Fournisseurs',
    'F1',
    'Supplier Ltd',
    'A3',
    '20240110',
    'Avoir',
    '-50,00',
    '0,00',
    '',
    '',
    '',
    '-54,25',
    'USD',
  ),
  row(
    'AC',
    'Achats',
    '3',
    '20240110',
    '607000',
    'Achats',
    '',
    '',
    'A3',
    '20240110',
    'Avoir',
    '0,00',
    '-50,00',
    '',
    '',
    '',
    '',
    '',
  ),
].join('\r\n');

describe('FEC export values', () => {
  let dir = '';
  let planFile = '';

  beforeAll(async () => {
    dir = tempDir('cutover-fec-export-values-');
    writeFileSync(path.join(dir, 'legacy.txt'), `${legacy}\r\n`);
    planFile = path.join(dir, 'cutover.yaml');
    writeFileSync(planFile, fecOnlyPlan('legacy.txt', 'acme/2024'));
    const migrated = await migrateAndReconcile(planFile, path.join(dir, 'state.db'));
    expect(migrated.summary.records.rejected).toBe(0);
    // A label with a tab and a line break, which no FEC source could have delivered but another source could.
    const db = new Database(path.join(dir, 'target.db'));
    db.prepare("UPDATE entry_line SET label = 'Règlement\tchèque\nn° 12' WHERE label = 'Règlement'").run();
    db.close();
  }, 60_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const exportTo = async (out: string | undefined, dossier = 'acme/2024') => {
    const target = await openTarget(await loadPlanFile(planFile));
    try {
      return await fecExport({ target, dossier, ...(out === undefined ? {} : { out }) });
    } finally {
      await target.close();
    }
  };

  it('orders lines by date, journal, entry number (9 before 10) and line, whatever the legacy order', async () => {
    const result = await exportTo(path.join(dir, 'out') + path.sep);
    const lines = readFileSync(result.file, 'utf8').split('\r\n').slice(1, -1);
    expect(lines.map((line) => line.split('\t').slice(0, 3).join(' '))).toEqual([
      'AC Achats 3',
      'AC Achats 3',
      'VE Ventes 9',
      'VE Ventes 9',
      'VE Ventes 10',
      'VE Ventes 10',
      'BQ Banque 1',
      'BQ Banque 1',
    ]);
  });

  it('writes negative amounts, keeps three decimals rather than rounding, fills the currency columns, and replaces separators in text', async () => {
    const result = await exportTo(path.join(dir, 'values.txt'));
    expect(result.file).toBe(path.join(dir, 'values.txt'));
    const lines = readFileSync(result.file, 'utf8')
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split('\t'));
    for (const line of lines) expect(line).toHaveLength(18);
    expect(lines[0]).toEqual([
      'AC',
      'Achats',
      '3',
      '20240110',
      '401000',
      'Fournisseurs',
      'F1',
      'Supplier Ltd',
      'A3',
      '20240110',
      'Avoir',
      '-50,00',
      '0,00',
      '',
      '',
      '',
      '-54,25',
      'USD',
    ]);
    expect(lines[1]!.slice(11)).toEqual(['0,00', '-50,00', '', '', '', '', '']);
    expect(lines[2]!.slice(11, 13)).toEqual(['10,125', '0,00']);
    expect(lines[6]![10]).toBe('Règlement chèque n° 12');
    expect(lines[7]!.slice(13, 15)).toEqual(['A', '20240301']);
    expect(result.widenedAmounts).toBe(2);
    expect(result.replacedSeparators).toBe(2);
    expect(result).toMatchObject({
      lines: 8,
      entries: 4,
      totals: { debit: '160.125', credit: '160.125', balance: '0', lines: 8 },
    });
    expect(result.trialBalance.letteringGroups).toEqual([
      { account: '411000', letteringCode: 'A', debit: '100', credit: '100', balance: '0', lines: 2 },
    ]);
  });

  it('names the file after the dossier id when the target knows no SIREN and no fiscal year', async () => {
    const out = path.join(dir, 'named');
    const result = await exportTo(out + path.sep);
    expect(result).toMatchObject({ namedBy: 'dossier', siren: null, closingDate: null });
    // 'acme/2024' is no file name: cleaned, with a hash of the id so that 'acme\\2024' would get another.
    expect(readdirSync(out)).toEqual([expect.stringMatching(/^acme_2024-[0-9a-f]{10}FEC\.txt$/)]);
    expect(existsSync(`${result.file}.partial-${process.pid}`)).toBe(false);
  });

  it('refuses a dossier whose load is not finished, which would make a FEC short of lines', async () => {
    const file = path.join(dir, 'target.db');
    const db = new Database(file);
    db.prepare("UPDATE _cutover_checkpoint SET done = 0 WHERE entity = 'entry_line'").run();
    db.close();
    try {
      const out = path.join(dir, 'unfinished');
      const error: unknown = await exportTo(out + path.sep).catch((caught: unknown) => caught);
      expect(isCutoverError(error) && error.code).toBe('USAGE');
      expect((error as Error).message).toMatch(
        /^the load of entry_line for dossier acme\/2024 is not finished \(run [^)]+\): run `cutover run` to complete it before exporting$/,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      const restore = new Database(file);
      restore.prepare("UPDATE _cutover_checkpoint SET done = 1 WHERE entity = 'entry_line'").run();
      restore.close();
    }
  });

  it('refuses a dossier the target does not hold, writing nothing', async () => {
    const out = path.join(dir, 'none');
    const error: unknown = await exportTo(out + path.sep, 'nobody').catch((caught: unknown) => caught);
    expect(isCutoverError(error) && error.code).toBe('USAGE');
    expect((error as Error).message).toBe('dossier nobody is not in the target');
    expect(existsSync(out)).toBe(false);
  });
});
