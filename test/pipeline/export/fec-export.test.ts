import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENING_JOURNAL_CODES } from '../../../src/domains/accounting/opening-journal.js';
import { FEC_STANDARD_COLUMNS } from '../../../src/domains/accounting/fec-columns.js';
import { compareTrialBalances } from '../../../src/domains/accounting/compare-trial-balances.js';
import { fecGroups, validateFecGroup } from '../../../src/connectors/files/validate-fec-files.js';
import { generatePortfolio } from '../../../src/generator/generate-portfolio.js';
import type { Manifest } from '../../../src/generator/manifest.js';
import { portfolioPlan } from '../../../src/generator/portfolio-plan.js';
import { fecExport, type FecExportResult } from '../../../src/pipeline/export/fec-export.js';
import { loadPlanFile } from '../../../src/pipeline/plan/load-plan-file.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { targetTrialBalance } from '../../../src/pipeline/accounting/target-trial-balance.js';
import { migrateAndReconcile } from '../../e2e/support/portfolio.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../../support/services.js';
import { dropPostgresSchema, tempDir } from '../../support/stores.js';
import { fecFileTrialBalance } from './read-fec-balance.js';

const DOSSIERS = ['D0001', 'D0002', 'D0003'];

/** Exports every dossier of a plan's target into `outDir/fec/<dossier>/`, where the portfolio plan looks for FECs. */
const exportAll = async (planFile: string, outDir: string): Promise<Map<string, FecExportResult>> => {
  const target = await openTarget(await loadPlanFile(planFile));
  try {
    const results = new Map<string, FecExportResult>();
    for (const dossier of DOSSIERS) {
      const folder = path.join(outDir, 'fec', dossier);
      await mkdir(folder, { recursive: true });
      results.set(dossier, await fecExport({ target, dossier, out: folder }));
    }
    return results;
  } finally {
    await target.close();
  }
};

/** The one FEC file of a dossier folder of a portfolio. */
const fecFileIn = (dir: string, dossier: string): string => {
  const folder = path.join(dir, 'fec', dossier);
  const [name, ...others] = readdirSync(folder);
  expect(others).toEqual([]);
  return path.join(folder, name!);
};

describe('FEC export of a migrated portfolio', () => {
  let source = '';
  let manifest: Manifest;
  let exported = '';
  let sqliteResults: Map<string, FecExportResult>;

  beforeAll(async () => {
    source = tempDir('cutover-fec-export-source-');
    await generatePortfolio({ dossiers: DOSSIERS.length, seed: 23, outDir: source, crm: false });
    writeFileSync(path.join(source, 'cutover.yaml'), portfolioPlan({ crm: false }));
    manifest = JSON.parse(readFileSync(path.join(source, 'manifest.json'), 'utf8')) as Manifest;
    const migrated = await migrateAndReconcile(
      path.join(source, 'cutover.yaml'),
      path.join(source, 'state.db'),
    );
    expect(migrated.reconciliation.ok).toBe(true);
    exported = tempDir('cutover-fec-export-out-');
    sqliteResults = await exportAll(path.join(source, 'cutover.yaml'), exported);
  }, 120_000);

  afterAll(() => {
    for (const dir of [source, exported]) if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** The original FEC's trial balance without the lines the migration rejected on purpose (manifest defects). */
  const originalBalance = (dossier: string) => {
    const file = fecFileIn(source, dossier);
    const relative = path.relative(source, file).split(path.sep).join('/');
    const rejected = manifest.defects.filter(
      (defect) =>
        defect.entity === 'entry_line' && defect.file === relative && defect.expected.fate !== 'loaded',
    );
    return { balance: fecFileTrialBalance(file, new Set(rejected.map((defect) => defect.line))), rejected };
  };

  it('names each file SIRENFECYYYYMMDD.txt from the registry SIREN and the fiscal year end, as the legacy file was', () => {
    for (const dossier of DOSSIERS) {
      const result = sqliteResults.get(dossier)!;
      expect(result.namedBy).toBe('siren');
      expect(path.basename(result.file)).toBe(path.basename(fecFileIn(source, dossier)));
      expect(path.basename(result.file)).toBe(
        `${result.siren}FEC${result.closingDate!.replaceAll('-', '')}.txt`,
      );
      expect(readdirSync(path.dirname(result.file))).toEqual([path.basename(result.file)]);
    }
  });

  it('writes the header and 18 tab-separated columns, decimal-comma amounts with 2 decimals, YYYYMMDD dates, in book order', () => {
    const result = sqliteResults.get('D0001')!;
    const rows = readFileSync(result.file, 'utf8').split('\r\n');
    expect(rows[0]).toBe(FEC_STANDARD_COLUMNS.join('\t'));
    expect(rows.at(-1)).toBe('');
    const lines = rows.slice(1, -1).map((row) => row.split('\t'));
    expect(lines.length).toBe(result.lines);
    const column = (name: (typeof FEC_STANDARD_COLUMNS)[number]) => FEC_STANDARD_COLUMNS.indexOf(name);
    let previous = '';
    for (const line of lines) {
      expect(line).toHaveLength(18);
      expect(line[column('Debit')]).toMatch(/^-?\d+,\d{2}$/);
      expect(line[column('Credit')]).toMatch(/^-?\d+,\d{2}$/);
      expect(line[column('EcritureDate')]).toMatch(/^\d{8}$/);
      expect(line[column('ValidDate')]).toMatch(/^(\d{8})?$/);
      // Book order: date, then journal (the opening one first), then entry number (same-width numbers here).
      const journal = line[column('JournalCode')]!;
      const key = [
        line[column('EcritureDate')],
        OPENING_JOURNAL_CODES.includes(journal) ? '0' : '1',
        journal,
        line[column('EcritureNum')],
      ].join(' ');
      expect(key >= previous, `${key} after ${previous}`).toBe(true);
      previous = key;
    }
    expect(result.widenedAmounts).toBe(0);
  });

  it('fills Montantdevise and Idevise on the lines that carry a currency amount, and only on those', () => {
    let foreign = 0;
    for (const dossier of DOSSIERS) {
      const rows = readFileSync(sqliteResults.get(dossier)!.file, 'utf8').split('\r\n').slice(1, -1);
      for (const row of rows) {
        const [amount, code] = row.split('\t').slice(16);
        if (amount === '') expect(code).toBe('');
        else {
          foreign++;
          expect(amount).toMatch(/^-?\d+,\d{2}$/);
          expect(code).toMatch(/^[A-Z]{3}$/);
        }
      }
    }
    expect(foreign).toBeGreaterThan(0);
  });

  it('round trip: each exported file has the trial balance of the legacy FEC less its rejected lines, per account, journal, month and lettering group', () => {
    let rejectedSeen = 0;
    for (const dossier of DOSSIERS) {
      const result = sqliteResults.get(dossier)!;
      const { balance, rejected } = originalBalance(dossier);
      rejectedSeen += rejected.length;
      const written = fecFileTrialBalance(result.file);
      expect(compareTrialBalances(balance, written)).toEqual([]);
      expect(written).toEqual(balance);
      // What the export reports is what the file holds.
      expect(result.trialBalance).toEqual(written);
      expect(result.lines).toBe(balance.lines);
      expect(result.entries).toBe(balance.entries);
      expect(result.totals).toEqual(balance.totals);
      expect(balance.accounts.length).toBeGreaterThan(5);
      expect(balance.months.length).toBeGreaterThan(1);
      expect(balance.letteringGroups.length).toBeGreaterThan(0);
    }
    // The legacy files do hold the rejected lines (an `N/A` amount): the exports are short of exactly those.
    expect(rejectedSeen).toBeGreaterThan(0);
    for (const dossier of DOSSIERS) {
      const legacyLines = readFileSync(fecFileIn(source, dossier), 'utf8').split('\r\n').length - 2;
      expect(sqliteResults.get(dossier)!.lines).toBe(legacyLines - originalBalance(dossier).rejected.length);
    }
  });

  it('reports the entries that lost a rejected line as unbalanced: the ones `fec validate` finds in the file written', async () => {
    let unbalanced = 0;
    for (const dossier of DOSSIERS) {
      const result = sqliteResults.get(dossier)!;
      const [group] = fecGroups([result.file]);
      const report = await validateFecGroup(group!);
      expect(result.unbalanced.entries, dossier).toBe(report.summary.unbalancedEntries);
      // The imbalance of the unbalanced entries is the whole file's: balanced entries add nothing to it.
      expect(result.unbalanced.balance, dossier).toBe(result.totals.balance);
      expect(result.unbalanced.first.length).toBe(Math.min(5, result.unbalanced.entries));
      unbalanced += result.unbalanced.entries;
    }
    // The generated books balance; the lines the migration rejected (manifest defects) leave their entries short.
    expect(unbalanced).toBeGreaterThan(0);
  });

  it('reads the same trial balance straight from the target as from the exported file', async () => {
    const target = await openTarget(await loadPlanFile(path.join(source, 'cutover.yaml')));
    try {
      for (const dossier of DOSSIERS)
        expect(await targetTrialBalance(target, dossier)).toEqual(
          fecFileTrialBalance(sqliteResults.get(dossier)!.file),
        );
    } finally {
      await target.close();
    }
  });

  it('round trip: the exported FECs migrated into a fresh target and exported again come back byte for byte', async () => {
    copyFileSync(path.join(source, 'registry.csv'), path.join(exported, 'registry.csv'));
    writeFileSync(path.join(exported, 'cutover.yaml'), portfolioPlan({ crm: false }));
    const migrated = await migrateAndReconcile(
      path.join(exported, 'cutover.yaml'),
      path.join(exported, 'state.db'),
    );
    expect(migrated.reconciliation.ok).toBe(true);
    expect(migrated.summary.records.rejected).toBe(0);
    const again = tempDir('cutover-fec-export-again-');
    try {
      const results = await exportAll(path.join(exported, 'cutover.yaml'), again);
      for (const dossier of DOSSIERS) {
        const first = sqliteResults.get(dossier)!;
        const second = results.get(dossier)!;
        expect(path.basename(second.file)).toBe(path.basename(first.file));
        expect(readFileSync(second.file).equals(readFileSync(first.file))).toBe(true);
        expect(compareTrialBalances(first.trialBalance, second.trialBalance)).toEqual([]);
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }, 120_000);

  describe.runIf(postgresAvailable)('from a PostgreSQL target', () => {
    const schema = uniqueName('fec_export');
    const stateSchema = uniqueName('fec_export_state');
    let pgOut = '';

    afterAll(async () => {
      await dropPostgresSchema(schema);
      await dropPostgresSchema(stateSchema);
      if (pgOut !== '') rmSync(pgOut, { recursive: true, force: true });
    });

    it('writes the same files, byte for byte, as from SQLite, so the round trip holds on PostgreSQL too', async () => {
      const plan = path.join(source, 'cutover-pg.yaml');
      writeFileSync(
        plan,
        portfolioPlan({ crm: false, target: { type: 'postgres', url: postgresUrl, schema } }),
      );
      const migrated = await migrateAndReconcile(plan, postgresUrl, stateSchema);
      expect(migrated.reconciliation.ok).toBe(true);
      pgOut = tempDir('cutover-fec-export-pg-');
      const results = await exportAll(plan, pgOut);
      for (const dossier of DOSSIERS) {
        const fromPostgres = results.get(dossier)!;
        const fromSqlite = sqliteResults.get(dossier)!;
        expect(path.basename(fromPostgres.file)).toBe(path.basename(fromSqlite.file));
        expect(readFileSync(fromPostgres.file, 'utf8')).toBe(readFileSync(fromSqlite.file, 'utf8'));
        expect(
          compareTrialBalances(originalBalance(dossier).balance, fecFileTrialBalance(fromPostgres.file)),
        ).toEqual([]);
        expect(fromPostgres.trialBalance).toEqual(fromSqlite.trialBalance);
        expect(fromPostgres.unbalanced).toEqual(fromSqlite.unbalanced);
        expect(existsSync(`${fromPostgres.file}.partial-${process.pid}`)).toBe(false);
      }
    }, 120_000);
  });
});
