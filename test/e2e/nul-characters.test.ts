import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/pipeline/reconcile/reconcile.js';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { readTargetRows, writeFiles } from './support/helpers.js';
import { withStores } from './support/portfolio.js';

/**
 * NUL characters (U+0000) in legacy data: fixed-width padding, binary fields exported as text. PostgreSQL text cannot
 * hold one, so a value, key or reference holding one is a rejected record (INVALID_CHARACTER) on every target, a
 * dossier column holding one names no dossier (NO_DOSSIER), and the ledger keeps each raw record exactly as read,
 * on a PostgreSQL state store too. Nothing fails the run; the transform strip_control lets a replay load them.
 */

const NUL = '\u0000';
const contactLines = [
  'contact_id,team,first_name,last_name,company_id',
  'C1,crm,Ann,Lee,K1',
  `C2,crm,Bo${NUL}b,Ray,K1`,
  `C${NUL}3,crm,Cy,Doe,K1`,
  `C4,crm,Di,Fox,K${NUL}1`,
  `C5,c${NUL}rm,Ed,Gil,K1`,
  `C6,crm,Fa${NUL},"Hu,K1`,
];

const plan = (target: string, strip: boolean) => `version: 1
name: nul-characters
target: ${target}
thresholds: { maxRejectedRatio: 1 }
entities:
  company:
    source: { type: csv, path: companies.csv }
    dossier: { value: crm }
    key: company_id
    fields:
      name: name
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { field: team }
    key: contact_id
    fields:
      first_name: ${strip ? '{ from: first_name, transform: [strip_control] }' : 'first_name'}
      last_name: last_name
      company_id: ${strip ? '{ from: company_id, transform: [strip_control] }' : 'company_id'}
`;

const writeCase = (target: string) => {
  const dir = tempDir('cutover-e2e-nul-');
  writeFiles(dir, {
    'companies.csv': 'company_id,name\nK1,Acme\n',
    'contacts.csv': `${contactLines.join('\n')}\n`,
    'cutover.yaml': plan(target, false),
  });
  return dir;
};

const expectations = async (target: string, state: string, stateSchema?: string) => {
  const dir = writeCase(target);
  const planFile = path.join(dir, 'cutover.yaml');
  const first = await withStores(planFile, state, stateSchema, async (loaded, store, targetStore) => ({
    summary: await runMigration({ loaded, state: store, target: targetStore }),
    reconciliation: await reconcile({ loaded, state: store, target: targetStore }),
    ledger: await store.ledgerEntries(),
  }));

  expect(first.summary.status).toBe('succeeded');
  expect(first.summary.records).toMatchObject({ read: 7, loaded: 2, rejected: 5 });
  expect(first.reconciliation.ok).toBe(true);
  expect(first.reconciliation.totals.unaccounted).toBe(0);
  expect(
    first.ledger.map((entry) => ({
      dossier: entry.dossierId,
      line: entry.line,
      reason: entry.reason,
      column: entry.column,
      sourceKey: entry.sourceKey,
      raw: entry.raw,
    })),
  ).toEqual([
    {
      dossier: '_no_dossier',
      line: 6,
      reason: 'NO_DOSSIER',
      column: null,
      sourceKey: null,
      raw: contactLines[5],
    },
    // An unclosed quote: the line is not read into fields, so it names no dossier; its own problem is the reason.
    {
      dossier: '_no_dossier',
      line: 7,
      reason: 'MALFORMED_ROW',
      column: null,
      sourceKey: null,
      raw: contactLines[6],
    },
    {
      dossier: 'crm',
      line: 3,
      reason: 'INVALID_CHARACTER',
      column: 'first_name',
      sourceKey: 'C2',
      raw: contactLines[2],
    },
    {
      dossier: 'crm',
      line: 4,
      reason: 'INVALID_CHARACTER',
      column: null,
      sourceKey: `C${NUL}3`,
      raw: contactLines[3],
    },
    {
      dossier: 'crm',
      line: 5,
      reason: 'INVALID_CHARACTER',
      column: 'company_id',
      sourceKey: 'C4',
      raw: contactLines[4],
    },
  ]);
  const noDossier = first.ledger.find((entry) => entry.reason === 'NO_DOSSIER');
  expect(noDossier?.message).toBe(
    'the dossier column team holds a NUL character (U+0000), which no dossier id may hold',
  );
  const invalid = first.ledger.find((entry) => entry.column === 'first_name');
  expect(invalid?.message).toContain('"Bo\\u0000b" holds a NUL character (U+0000)');

  // The fix: strip_control on the two fields, then a replay of the units with rejects.
  await writeFile(planFile, plan(target, true));
  const replayed = await withStores(planFile, state, stateSchema, async (loaded, store, targetStore) => ({
    summary: await runMigration({
      loaded,
      state: store,
      target: targetStore,
      command: 'replay',
      only: new Set(['crm/contact', 'crm/company', '_no_dossier/contact']),
    }),
    reconciliation: await reconcile({ loaded, state: store, target: targetStore }),
    ledger: await store.ledgerEntries(),
    contacts: await readTargetRows(targetStore, 'contact', 'crm'),
  }));
  expect(replayed.reconciliation.ok).toBe(true);
  expect(replayed.ledger.map((entry) => [entry.line, entry.reason])).toEqual([
    [6, 'NO_DOSSIER'],
    [7, 'MALFORMED_ROW'],
    [4, 'INVALID_CHARACTER'],
  ]);
  expect(
    replayed.contacts.map((row) => [row.sourceKey, row.values.first_name, row.values.company_id]),
  ).toEqual([
    ['C1', 'Ann', 'K1'],
    ['C2', 'Bob', 'K1'],
    ['C4', 'Di', 'K1'],
  ]);
};

describe('NUL characters in legacy data', () => {
  it('rejects them where the target cannot store them and keeps each raw record as read (SQLite target and state)', async () => {
    const dir = tempDir('cutover-e2e-nul-state-');
    await expectations('{ type: sqlite, url: target.db }', path.join(dir, 'state.db'));
  });

  describe.runIf(postgresAvailable)('on PostgreSQL', () => {
    const targetSchema = uniqueName('e2e_nul_target');
    const stateSchema = uniqueName('e2e_nul_state');
    afterAll(async () => {
      await dropPostgresSchema(targetSchema);
      await dropPostgresSchema(stateSchema);
    });

    it('rejects them before the target sees them and keeps each raw record as read (PostgreSQL target and state)', async () => {
      await expectations(
        `{ type: postgres, url: "${postgresUrl}", schema: ${targetSchema} }`,
        postgresUrl,
        stateSchema,
      );
    });
  });
});
