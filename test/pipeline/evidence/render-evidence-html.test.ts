import { describe, expect, it } from 'vitest';
import type { EvidencePack } from '../../../src/pipeline/evidence/evidence-pack.js';
import type { AccountingProof } from '../../../src/pipeline/reconcile/accounting-proof.js';
import { formatAmount, formatCount } from '../../../src/pipeline/evidence/french-format.js';
import { escapeHtml, renderEvidenceHtml } from '../../../src/pipeline/evidence/render-evidence-html.js';

const pack = (overrides: Partial<EvidencePack> = {}): EvidencePack => ({
  format: 'cutover-evidence/1',
  generatedAt: '2026-11-28T10:00:00.000Z',
  cutoverVersion: '0.1.0',
  dossier: { id: 'D<1>', name: 'Boulangerie "Au Pain" & Fils', attributes: { siren: '552100554' } },
  plan: { name: 'firm', file: 'cutover.yaml', version: 'abc123' },
  run: null,
  verdict: { ok: true, summary: 'All good' },
  inputs: [],
  validation: [],
  counts: [],
  accounting: null,
  rejected: {
    total: 1,
    listed: [
      {
        dossierId: 'D<1>',
        entity: 'entry_line',
        location: 'fec.txt:3',
        runId: 'r1',
        fate: 'rejected',
        reason: 'INVALID_AMOUNT',
        rule: null,
        message: 'debit (source Debit): "N/A" is not an amount',
        column: 'debit',
        sourceKey: 'k',
        source: 'fec.txt',
        line: 3,
        record: 2,
        raw: 'ACH\t<script>alert(1)</script>\tN/A',
      },
    ],
  },
  skipped: 0,
  notices: [],
  ...overrides,
});

describe('the evidence page', () => {
  it('shows an attribute holding an object or a list as its JSON, not [object Object]', () => {
    const html = renderEvidenceHtml(
      pack({
        dossier: {
          id: 'D1',
          name: null,
          attributes: { siren: '552100554', geo: { zip: 75001, city: 'Paris' }, tags: ['pme', 'bnc'] },
        },
      }),
    );
    expect(html).toContain('<dt>geo</dt><dd>{&quot;zip&quot;:75001,&quot;city&quot;:&quot;Paris&quot;}</dd>');
    expect(html).toContain('<dt>tags</dt><dd>[&quot;pme&quot;,&quot;bnc&quot;]</dd>');
    expect(html).not.toContain('[object Object]');
  });

  it('writes amounts as a French accountant reads them, exactly, from the decimal text', () => {
    expect(formatAmount('10186219.81')).toBe('10\u202f186\u202f219,81');
    expect(formatAmount('-0.5')).toBe('−0,50');
    expect(formatAmount('1200')).toBe('1\u202f200,00');
    expect(formatAmount('0.123')).toBe('0,123');
    expect(formatCount(5422)).toBe('5\u202f422');
  });

  it('escapes everything that comes from the data: names, ids and raw records cannot inject markup', () => {
    const html = renderEvidenceHtml(pack());
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Boulangerie &quot;Au Pain&quot; &amp; Fils');
    expect(html).toContain('<code>D&lt;1&gt;</code>');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('states the verdict first and lists each rejected record with its reason, place and raw content', () => {
    const html = renderEvidenceHtml(pack({ verdict: { ok: false, summary: 'Differences found' } }));
    expect(html.indexOf('id="verdict"')).toBeLessThan(html.indexOf('id="rejected"'));
    expect(html).toContain('class="verdict bad"');
    expect(html).toContain('Rejected records (1)');
    expect(html).toContain('<td class="raw">fec.txt line 3</td>');
    expect(html).toContain('INVALID_AMOUNT');
    // No trial balance without accounting data: a CRM dossier's pack has none.
    expect(html).not.toContain('id="trial-balance"');
  });

  it('names the source keys to look at under the counts of an entity that does not reconcile, escaped', () => {
    const entity = {
      entity: 'entry_line' as const,
      source: 7,
      loaded: 6,
      merged: 0,
      skipped: 0,
      rejected: 0,
      unaccounted: 1,
      targetRows: 6,
      contentMismatches: 0,
      extraInTarget: 0,
      missingFromTarget: 1,
      orphans: 0,
      mergedIntoMissing: 0,
      referencesToMerged: 0,
      staleMerges: 0,
      samples: ['2022|AC|1|<6>'],
      ok: false,
    };
    const html = renderEvidenceHtml(pack({ counts: [entity, { ...entity, entity: 'contact', ok: true }] }));
    expect(html).toContain(
      '<p class="note">entry_line: 1 source record missing from the target with no fate in the ledger; source keys to look at first: <code>2022|AC|1|&lt;6&gt;</code></p>',
    );
    // An entity that reconciles gets no such note.
    expect(html).not.toContain('<p class="note">contact');
  });

  it('writes the counts and amounts of the balances and their differences with thousands separated', () => {
    const row = {
      check: 'account' as const,
      key: '401000',
      source: { debit: '1234567.5', credit: '0', lines: 12_000 },
      target: { debit: '1234567.5', credit: '0', lines: 10_500 },
      notLoaded: { debit: '0', credit: '0', lines: 1_500 },
      ok: true,
    };
    const facts = { account: '401000', auxiliaryAccount: null, credit: '0', lettering: null };
    const accounting: AccountingProof = {
      ok: false,
      counts: {
        sourceEntries: 1,
        targetEntries: 1,
        sourceLines: 12_000,
        targetLines: 10_500,
        linesNotLoaded: 1_500,
        linesMissing: 0,
        inexactAmounts: 0,
      },
      totals: { source: row.source, target: row.target, notLoaded: row.notLoaded },
      accounts: [row],
      auxiliaryAccounts: [],
      journalMonths: [],
      lettering: { groups: 0, differences: [] },
      differences: [],
      lines: [
        {
          sourceKey: 'k1',
          issue: 'content_differs',
          source: { ...facts, debit: '9876543.21' },
          target: { ...facts, debit: '9876543.2' },
        },
      ],
      opening: [],
    };
    const listed = pack().rejected.listed[0]!;
    const html = renderEvidenceHtml(
      pack({ accounting, rejected: { total: 2_500, listed: Array.from({ length: 1_000 }, () => listed) } }),
    );
    // Under "Not loaded", in the account's row and in the total's.
    expect(html.split('<td class="num">1\u202f500 lines</td>')).toHaveLength(3);
    expect(html).toContain(
      '<td>401000 D 9\u202f876\u202f543,21 C 0,00</td><td>401000 D 9\u202f876\u202f543,20 C 0,00</td>',
    );
    expect(html).toContain('The first 1\u202f000 are listed');
  });
});
