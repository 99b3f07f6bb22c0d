import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, toMicroUnits } from '../../src/core/money.js';
import { reconcile } from '../../src/pipeline/reconcile/reconcile.js';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { tempDir } from '../support/stores.js';
import { querySqlite, writeFiles } from './support/helpers.js';
import { withStores } from './support/portfolio.js';

/**
 * Decimals of 31 or more decimal places, or of 41 or more integer digits (a PostgreSQL numeric, a SQLite column
 * holding them as text), were written in exponent form (`1e-31`, `1e+42`) by canonicalDecimal, whose contract
 * is canonical text with no exponent: the SQLite target stored `1e-31` as the amount, and the accounting proof's
 * toMicroUnits called BigInt('1e-31'), a SyntaxError that ended `cutover reconcile` as an internal error.
 */
const plan = `version: 1
name: decimal-exponent
target: { type: sqlite, url: target.db }
entities:
  entry_line:
    source: { type: sqlite, url: legacy.db, table: lines }
    dossier: { value: books }
    key: id
    fields:
      label: label
      debit: debit
      credit: credit
`;

describe('decimals far from 1', () => {
  it('are canonical text without exponent', () => {
    expect(canonicalDecimal('0.0000000000000000000000000000001')).toBe('0.0000000000000000000000000000001');
    expect(canonicalDecimal('1000000000000000000000000000000000000000000')).toBe(
      '1000000000000000000000000000000000000000000',
    );
    expect(canonicalDecimal('-12.50')).toBe('-12.5');
    expect(toMicroUnits(canonicalDecimal('0.0000000000000000000000000000001')!)).toBeUndefined();
  });

  it('load as written and are reconciled, not an internal error', async () => {
    const dir = tempDir('cutover-h2-exponent-');
    writeFiles(dir, { 'cutover.yaml': plan });
    const legacy = new Database(path.join(dir, 'legacy.db'));
    legacy.exec(`CREATE TABLE lines (id INTEGER PRIMARY KEY, label TEXT, debit TEXT, credit TEXT);
      INSERT INTO lines VALUES (1, 'rounding residue', '0.0000000000000000000000000000001', '0'),
        (2, 'plain', '12.50', '0'), (3, 'counterpart', '0', '12.5000000000000000000000000000001');`);
    legacy.close();
    const outcome = await withStores(
      path.join(dir, 'cutover.yaml'),
      path.join(dir, 'state.db'),
      undefined,
      async (loaded, state, target) => ({
        summary: await runMigration({ loaded, state, target }),
        reconciliation: await reconcile({ loaded, state, target }),
      }),
    );
    expect(outcome.summary.records).toMatchObject({ read: 3, loaded: 3, rejected: 0 });
    expect(outcome.reconciliation.totals).toMatchObject({ unaccounted: 0, contentMismatches: 0 });
    expect(
      querySqlite(
        path.join(dir, 'target.db'),
        'SELECT source_key, debit, credit FROM entry_line ORDER BY id',
      ),
    ).toEqual([
      { source_key: '1', debit: '0.0000000000000000000000000000001', credit: '0' },
      { source_key: '2', debit: '12.5', credit: '0' },
      { source_key: '3', debit: '0', credit: '12.5000000000000000000000000000001' },
    ]);
  });
});
