import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { querySqlite, writeFiles } from './support/helpers.js';
import { migrateAndReconcile } from './support/portfolio.js';

/**
 * A parent derived from its children's lines (`distinct: true`, as a FEC's journals and accounts are) whose first line
 * is bad. Before, that line's rejection settled the key: the later good lines were repeats, the parent never loaded,
 * and every child referring to it was rejected UNKNOWN_PARENT (one bad FEC line cost a whole journal).
 */
const plan = `version: 1
name: distinct-parent
target: { type: sqlite, url: target.db }
thresholds: { maxRejectedRatio: 1 }
entities:
  company:
    source: { type: csv, path: lines.csv }
    dossier: { value: crm }
    key: CompanyId
    distinct: true
    fields:
      name: { from: CompanyName, required: true }
  contact:
    source: { type: csv, path: lines.csv }
    dossier: { value: crm }
    key: ContactId
    fields:
      last_name: ContactName
      company_id: CompanyId
`;

describe('a distinct parent whose first record is rejected', () => {
  it('is loaded from its next good record, and its children with it; reconcile adds up', async () => {
    const dir = tempDir('cutover-e2e-distinct-');
    writeFiles(dir, {
      'cutover.yaml': plan,
      'lines.csv':
        'ContactId,ContactName,CompanyId,CompanyName\nP1,Lee,C1,\nP2,Ray,C1,Acme\nP3,Doe,C2,Beta\nP4,Fox,C1,Acme\n',
    });
    const { summary, reconciliation, ledger } = await migrateAndReconcile(
      path.join(dir, 'cutover.yaml'),
      path.join(dir, 'state.db'),
    );
    expect(summary.entities.company).toMatchObject({ recordsRead: 4, loaded: 2, rejected: 1, repeats: 1 });
    expect(summary.entities.contact).toMatchObject({ recordsRead: 4, loaded: 4, rejected: 0 });
    expect(
      querySqlite(path.join(dir, 'target.db'), 'SELECT source_key, name FROM company ORDER BY source_key'),
    ).toEqual([
      { source_key: 'C1', name: 'Acme' },
      { source_key: 'C2', name: 'Beta' },
    ]);
    expect(ledger.map((entry) => [entry.entity, entry.line, entry.fate, entry.reason])).toEqual([
      ['company', 2, 'rejected', 'REQUIRED_MISSING'],
    ]);
    expect(reconciliation.ok).toBe(true);
    expect(reconciliation.totals).toMatchObject({ unaccounted: 0, contentMismatches: 0 });
  });
});
