import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createAccountingProof } from '../../src/pipeline/reconcile/accounting-proof.js';

/** One dossier's proof over `lines` lines of one account, each of `debit`, alike on both sides. */
const prove = (lines: number, debit: string) => {
  const proof = createAccountingProof(new Database(':memory:'));
  for (const side of ['source', 'target'] as const) {
    proof.journal(side, 'VE', 'sales');
    proof.entry(side, 'e1', { journal: 'VE', date: '2024-01-01', fiscalYear: '2024-12-31' });
    for (let line = 0; line < lines; line += 1)
      proof.line(side, `l${line}`, {
        entry: 'e1',
        account: '411000',
        auxiliaryAccount: null,
        debit,
        credit: '0',
        lettering: null,
      });
  }
  return proof.finish();
};

describe('the accounting proof on amounts too large for its sums', () => {
  it('proves large books exactly while their sums fit', () => {
    expect(prove(100, '999999999.99')).toMatchObject({ ok: true, counts: { inexactAmounts: 0 } });
  });

  it('counts amounts past what 64-bit sums hold as inexact (not proven) instead of failing on an overflow', () => {
    // 100 lines of 99,999,999,999: every single amount binds, but their sum overflowed SQLite's integers and ended
    // the whole reconcile.
    const proof = prove(100, '99999999999.00');
    expect(proof?.ok).toBe(false);
    expect(proof?.counts.inexactAmounts).toBeGreaterThan(0);
  });
});
