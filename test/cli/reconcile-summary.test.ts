import { describe, expect, it } from 'vitest';
import { renderReconciliation } from '../../src/cli/render-run.js';
import type { AccountingProof } from '../../src/pipeline/reconcile/accounting-proof.js';
import type { EntityReconciliation, Reconciliation } from '../../src/pipeline/reconcile/reconcile.js';
import { readingOutput } from '../support/reading-output.js';

/** 1,250,000 entry lines of which one did not reach the target: one amount past what a float holds exactly. */
const lines: EntityReconciliation = {
  entity: 'entry_line',
  source: 1_250_000,
  loaded: 1_249_999,
  merged: 0,
  skipped: 0,
  rejected: 0,
  unaccounted: 1,
  targetRows: 1_249_999,
  contentMismatches: 0,
  extraInTarget: 0,
  missingFromTarget: 1,
  orphans: 0,
  mergedIntoMissing: 0,
  referencesToMerged: 0,
  staleMerges: 0,
  samples: [],
  ok: false,
};

const row = {
  check: 'account' as const,
  key: '401000',
  source: { debit: '12345678901234567.8', credit: '1200', lines: 12_000 },
  target: { debit: '12345678901234565.81', credit: '1200', lines: 11_999 },
  notLoaded: { debit: '0', credit: '0', lines: 1_500 },
  ok: false,
};

const proof: AccountingProof = {
  ok: false,
  counts: {
    sourceEntries: 400_000,
    targetEntries: 400_000,
    sourceLines: 1_250_000,
    targetLines: 1_249_999,
    linesNotLoaded: 0,
    linesMissing: 1,
    inexactAmounts: 0,
  },
  totals: { source: row.source, target: row.target, notLoaded: row.notLoaded },
  accounts: [row],
  auxiliaryAccounts: [],
  journalMonths: [],
  lettering: { groups: 0, differences: [] },
  differences: [row],
  lines: [],
  opening: [
    {
      fiscalYear: '2024-12-31',
      previousFiscalYear: '2023-12-31',
      previousResult: '-5000',
      differences: [],
      equity: { closing: '-1000000', opening: '-1000000', expectedOpening: '-1005000.5' },
      ok: false,
    },
  ],
};

const reconciliation: Reconciliation = {
  ok: false,
  dossiers: [{ id: 'D1', ok: false, entities: [lines], accounting: proof }],
  totals: {
    dossiers: 1,
    dossiersOk: 0,
    dossiersNothingRead: 0,
    source: 1_250_000,
    loaded: 1_249_999,
    merged: 0,
    skipped: 0,
    rejected: 0,
    unaccounted: 1,
    contentMismatches: 0,
    referencesToMerged: 0,
  },
};

describe('the reconciliation a person reads', () => {
  const output = readingOutput();
  renderReconciliation(output, reconciliation);

  it('writes the amounts of a difference with thousands separators, exactly, from their decimal text', () => {
    expect(output.lines).toContain(
      '  D1 account 401000: debit 12,345,678,901,234,567.80 -> 12,345,678,901,234,565.81, credit 1,200.00 -> 1,200.00, lines 12,000 -> 11,999 (1,500 not loaded)',
    );
  });

  it("writes an entity's counts and the opening balances as the totals line writes its numbers", () => {
    expect(output.lines).toContain(
      '  D1 entry_line: source 1,250,000, loaded 1,249,999, merged 0, skipped 0, rejected 0, unaccounted 1 (1 missing from the target with no fate in the ledger), mismatches 0, extra 0, orphans 0',
    );
    expect(output.lines).toContain(
      '  D1 opening 2024-12-31 vs closing 2023-12-31: 0 accounts differ; equity opening -1,000,000.00, expected -1,005,000.50',
    );
    expect(output.lines).toContain(
      '  accounting: 0/1 dossiers prove trial balance, journals per month, lettering and opening balances (1,249,999 lines)',
    );
  });

  it('counts dossiers with thousands separated, down to those it leaves unnamed', () => {
    const ids = Array.from({ length: 1_200 }, (_, at) => `D${String(at + 1).padStart(4, '0')}`);
    const nothing = readingOutput();
    renderReconciliation(nothing, {
      ...reconciliation,
      ok: true,
      dossiers: ids.map((id) => ({ id, ok: true, nothingRead: true, entities: [] })),
      totals: { ...reconciliation.totals, dossiers: 1_200, dossiersOk: 1_200, dossiersNothingRead: 1_200 },
    });
    expect(nothing.lines[0]).toBe(
      'Reconciliation: every record is accounted for and matches (0/1,200 dossiers ok, 1,200 with nothing read: D0001, D0002, D0003, D0004, D0005, D0006, D0007, D0008, D0009, D0010, … 1,190 more)',
    );
  });
});
