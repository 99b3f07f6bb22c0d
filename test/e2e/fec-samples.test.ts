import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import type { AccountingProof } from '../../src/pipeline/reconcile/accounting-proof.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, readLedger, writeFiles } from './support/helpers.js';
import { sharedData } from '../support/shared-data.js';

/** The public FEC samples: files nobody on this project wrote, each with its own mess (see shared/data/README.md). */
const samples = sharedData('fec');

interface RunJson {
  status: string;
  records: { read: number; loaded: number; skipped: number; rejected: number };
  entities: Record<string, { loaded: number; rejected: number }>;
  notices: { code: string; message: string; entity: string }[];
}

interface ReconcileJson {
  ok: boolean;
  totals: { unaccounted: number; contentMismatches: number };
  dossiers: {
    balances: {
      sourceDebit: string;
      sourceCredit: string;
      targetDebit: string;
      targetCredit: string;
      differences: unknown[];
    };
    accounting: AccountingProof;
  }[];
}

/** Migrates one sample with the FEC plan `cutover init --fec` writes, then reconciles it. */
const migrate = async (file: string) => {
  const dir = tempDir('cutover-e2e-fec-');
  const plan = [
    'version: 1',
    'name: fec-sample',
    'target: { type: sqlite, url: target.db }',
    'entities:',
    fecEntitiesYaml({ path: path.join(samples, file), fiscalYears: 'file' }),
  ].join('\n');
  writeFiles(dir, { 'cutover.yaml': plan });
  const planPath = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', planPath, '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  const reconcile = await cli(['reconcile', '--plan', planPath, '--json']);
  expect(reconcile.code, describeResult(reconcile)).toBe(0);
  return {
    run: parseJsonStdout<RunJson>(run),
    reconcile: parseJsonStdout<ReconcileJson>(reconcile),
    ledger: await readLedger(defaultStatePath(dir)),
  };
};

describe('migrating the public FEC samples', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('0000000001FEC20220831.txt: 2,033 entries and 5,422 lines, debit = credit = 10,186,219.81 on both sides', async () => {
    const { run, reconcile } = await migrate('0000000001FEC20220831.txt');
    expect(run.entities.entry?.loaded).toBe(2033);
    expect(run.entities.entry_line?.loaded).toBe(5422);
    expect(run.entities.fiscal_year?.loaded).toBe(1);
    expect(run.records.rejected).toBe(0);
    expect(reconcile.ok).toBe(true);
    const proof = reconcile.dossiers[0]?.accounting;
    expect(proof?.counts).toMatchObject({ sourceEntries: 2033, targetEntries: 2033, targetLines: 5422 });
    expect(proof?.differences).toEqual([]);
    expect(proof?.journalMonths.length).toBeGreaterThan(9);
    expect(reconcile.dossiers[0]?.balances).toMatchObject({
      sourceDebit: '10186219.81',
      sourceCredit: '10186219.81',
      targetDebit: '10186219.81',
      targetCredit: '10186219.81',
      differences: [],
    });
    // Each notice once, though six entities read the file.
    expect(run.notices.filter((notice) => notice.code === 'FEC_PADDED_VALUES')).toHaveLength(1);
  }, 120_000);

  it('111111111FEC20221231.TXT: pipe, padded values, legacy bytes; 248 entries, 225,682.23 on both sides', async () => {
    const { run, reconcile } = await migrate('111111111FEC20221231.TXT');
    expect(run.entities.entry?.loaded).toBe(248);
    expect(run.entities.journal?.loaded).toBe(9);
    expect(run.records.rejected).toBe(0);
    expect(reconcile.ok).toBe(true);
    expect(reconcile.dossiers[0]?.balances).toMatchObject({
      sourceDebit: '225682.23',
      targetDebit: '225682.23',
      targetCredit: '225682.23',
    });
    expect(run.notices.map((notice) => notice.code)).toContain('ENCODING_FALLBACK');
  }, 120_000);

  it('the Montant/Sens sample loads balanced debits and credits', async () => {
    const { run, reconcile } = await migrate('lasocietenouvelle_sample_pipe_montant_sens.txt');
    expect(run.records.rejected).toBe(0);
    expect(reconcile.dossiers[0]?.balances).toMatchObject({
      targetDebit: '3300',
      targetCredit: '3300',
      differences: [],
    });
    expect(run.notices.map((notice) => notice.code)).toEqual(
      expect.arrayContaining(['FEC_MONTANT_SENS', 'FEC_NAME_WITHOUT_DATE']),
    );
  }, 120_000);

  it('adams43360_fec_propre.txt: dot decimals read as decimals (21,565.00), never as thousands', async () => {
    const { run, reconcile } = await migrate('adams43360_fec_propre.txt');
    expect(run.records.rejected).toBe(0);
    expect(reconcile.dossiers[0]?.balances).toMatchObject({ targetDebit: '21565', targetCredit: '21565' });
    expect(run.notices.map((notice) => notice.code)).toContain('FEC_DOT_DECIMAL');
  }, 120_000);

  it('adams43360_fec_sale.txt: the bad date, the N/A amount and the empty credit are rejected with their lines, and reconcile explains the gap', async () => {
    const { run, reconcile, ledger } = await migrate('adams43360_fec_sale.txt');
    expect(
      ledger.map((entry) => `${entry.entity} line ${entry.line}: ${entry.reason} ${entry.column}`).sort(),
    ).toEqual([
      // The entry's first line has a bad date: the entry is read from its next line (date 20240103), so its other
      // lines load (before, lines 2 and 4 were rejected UNKNOWN_PARENT with it).
      'entry line 2: INVALID_DATE date',
      'entry_line line 13: REQUIRED_MISSING credit',
      'entry_line line 3: INVALID_AMOUNT debit',
    ]);
    expect(ledger.find((entry) => entry.line === 3)?.raw).toContain('\tN/A\t');
    expect(reconcile.totals.unaccounted).toBe(0);
    // Source and target differ by exactly the rejected lines: no unexplained difference.
    expect(reconcile.dossiers[0]?.balances.differences).toEqual([]);
    expect(reconcile.ok).toBe(true);
    // Every line mapped was loaded: the entry with the bad date took its date from its next line.
    const proof = reconcile.dossiers[0]?.accounting;
    expect(proof?.counts.linesNotLoaded).toBe(0);
    expect(proof?.lines).toEqual([]);
    expect(run.status).toBe('succeeded');
  }, 120_000);
});
