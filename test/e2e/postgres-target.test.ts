import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityNames } from '../../src/core/model/canonical-model.js';
import { portfolioPlan } from '../../src/generator/portfolio-plan.js';
import { reconcile } from '../../src/pipeline/reconcile/reconcile.js';
import { runMigration, type RunSummary } from '../../src/pipeline/run/run-migration.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema } from '../support/stores.js';
import {
  countsPerUnit,
  generateSmallPortfolio,
  migrateAndReconcile,
  withStores,
  type Migrated,
} from './support/portfolio.js';
import { ledgerContent } from './support/helpers.js';

/** Source key → [target id, run id] of every row of every entity in a PostgreSQL target schema. */
const targetIds = async (schema: string): Promise<Map<string, [number, string]>> => {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const ids = new Map<string, [number, string]>();
    for (const entity of entityNames) {
      const { rows } = await client.query<{
        dossier_id: string;
        source_key: string;
        id: string;
        run_id: string;
      }>(`SELECT dossier_id, source_key, id::text AS id, run_id FROM "${schema}"."${entity}"`);
      for (const row of rows)
        ids.set(`${entity}/${row.dossier_id}/${row.source_key}`, [Number(row.id), row.run_id]);
    }
    return ids;
  } finally {
    await client.end();
  }
};

describe.runIf(postgresAvailable)('PostgreSQL target and state store, end to end', () => {
  const targetSchema = uniqueName('e2e_target');
  const stateSchema = uniqueName('e2e_state');
  let sqlite: Migrated;
  let postgres: Migrated;
  let pgPlan: string;
  let dir = '';

  beforeAll(async () => {
    ({ dir } = await generateSmallPortfolio());
    pgPlan = path.join(dir, 'cutover-pg.yaml');
    await writeFile(
      pgPlan,
      portfolioPlan({ crm: true, target: { type: 'postgres', url: postgresUrl, schema: targetSchema } }),
    );
    sqlite = await migrateAndReconcile(path.join(dir, 'cutover.yaml'), path.join(dir, 'state.db'));
    postgres = await migrateAndReconcile(pgPlan, postgresUrl, stateSchema);
  }, 180_000);

  afterAll(async () => {
    await dropPostgresSchema(targetSchema);
    await dropPostgresSchema(stateSchema);
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('reconciles the portfolio in PostgreSQL with the same counts per dossier, entity and fate as in SQLite', () => {
    expect(postgres.reconciliation.totals.unaccounted).toBe(0);
    expect(postgres.reconciliation.totals.contentMismatches).toBe(0);
    expect(postgres.reconciliation.ok).toBe(true);
    expect(sqlite.reconciliation.ok).toBe(true);
    expect(countsPerUnit(postgres.reconciliation)).toEqual(countsPerUnit(sqlite.reconciliation));
    expect(postgres.summary.records).toEqual(sqlite.summary.records);
    const sorted = (migrated: Migrated) =>
      migrated.ledger
        .map(ledgerContent)
        .sort((a, b) => `${a.dossierId} ${a.location}`.localeCompare(`${b.dossierId} ${b.location}`));
    expect(sorted(postgres)).toEqual(sorted(sqlite));
  });

  it('updates in place on a new complete run: same rows, same target ids, every row carried by the new run', async () => {
    const before = await targetIds(targetSchema);
    expect(before.size).toBe(postgres.reconciliation.totals.loaded);
    const { summary, ok } = await withStores(
      pgPlan,
      postgresUrl,
      stateSchema,
      async (loaded, state, target) => {
        const summary: RunSummary = await runMigration({ loaded, state, target });
        const reconciliation = await reconcile({ loaded, state, target });
        return { summary, ok: reconciliation.ok };
      },
    );
    expect(summary.runId).not.toBe(postgres.summary.runId);
    expect(summary.resumed).toBe(false);
    expect(summary.records).toEqual(postgres.summary.records);
    expect(summary.removedStaleRows).toBe(0);
    // Read again as they were: every row of every entity (dates, amounts, flags, references) found unchanged.
    for (const counts of Object.values(summary.entities))
      expect(counts).toMatchObject({ new: 0, updated: 0, unchanged: counts.loaded });
    expect(ok).toBe(true);

    const after = await targetIds(targetSchema);
    expect(after.size).toBe(before.size);
    const moved = [...before].filter(([key, [id]]) => after.get(key)?.[0] !== id).map(([key]) => key);
    expect(moved).toEqual([]);
    const runs = new Set([...after.values()].map(([, runId]) => runId));
    expect([...runs]).toEqual([summary.runId]);
  }, 120_000);
});
