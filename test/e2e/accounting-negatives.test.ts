import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountingProof } from '../../src/pipeline/reconcile/accounting-proof.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { defaultStatePath, querySqlite, readLedger, writeFiles } from './support/helpers.js';

/**
 * Legacy ledgers write a negative amount `(12.00)`, or `12-` as SAP does. A field with `negatives: accounting`
 * reads both as -12; without it they are refused, the message naming that option.
 */
const plan = (negatives: string) => `version: 1
name: accounting-negatives
target: { type: sqlite, url: target.db }
entities:
  entry_line:
    source: { type: csv, path: lines.csv }
    dossier: { value: books }
    key: id
    fields:
      label: label
      debit: { from: debit${negatives} }
      credit: { from: credit${negatives} }
`;

const lines = [
  'id;label;debit;credit',
  '1;sale;100.00;0.00',
  '2;refund;(12.00);0.00',
  '3;counterpart;0.00;88.00',
  '4;credit note;0.00;1 000.00-',
  '5;its counterpart;(1 000.00);0.00',
].join('\n');

interface ReconcileJson {
  ok: boolean;
  totals: { unaccounted: number; contentMismatches: number };
  dossiers: { accounting: AccountingProof }[];
}

const migrate = async (negatives: string) => {
  const dir = tempDir('cutover-e2e-negatives-');
  writeFiles(dir, { 'cutover.yaml': plan(negatives), 'lines.csv': lines });
  const run = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
  return { dir, run };
};

describe('accounting negatives in an amount column', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('load as negative amounts with negatives: accounting, and reconcile proves the debits and credits', async () => {
    const { dir, run } = await migrate(', negatives: accounting');
    expect(run.code, describeResult(run)).toBe(0);
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        'SELECT source_key, debit, credit FROM entry_line ORDER BY id',
      ),
    ).toEqual([
      { source_key: '1', debit: '100', credit: '0' },
      { source_key: '2', debit: '-12', credit: '0' },
      { source_key: '3', debit: '0', credit: '88' },
      { source_key: '4', debit: '0', credit: '-1000' },
      { source_key: '5', debit: '-1000', credit: '0' },
    ]);
    const reconcile = await cli(['reconcile', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
    expect(reconcile.code, describeResult(reconcile)).toBe(0);
    const json = parseJsonStdout<ReconcileJson>(reconcile);
    expect(json.totals).toMatchObject({ unaccounted: 0, contentMismatches: 0 });
    expect(json.dossiers[0]?.accounting.ok).toBe(true);
    expect(json.dossiers[0]?.accounting.totals.target).toEqual({ debit: '-912', credit: '-912', lines: 5 });
  });

  it('are refused without the option, the message naming it', async () => {
    const { dir, run } = await migrate('');
    expect(run.code, describeResult(run)).toBe(0);
    const ledger = await readLedger(defaultStatePath(dir));
    const hint =
      'is not an amount: it looks like an accounting negative (parentheses or a trailing minus): set negatives: accounting on this field to read it as one, or write the sign first (-12.00)';
    expect(ledger.map((entry) => [entry.sourceKey, entry.reason, entry.message])).toEqual([
      ['2', 'INVALID_AMOUNT', expect.stringContaining(`"(12.00)" ${hint}`)],
      ['4', 'INVALID_AMOUNT', expect.stringContaining(`"1 000.00-" ${hint}`)],
      ['5', 'INVALID_AMOUNT', expect.stringContaining(`"(1 000.00)" ${hint}`)],
    ]);
  });
});
