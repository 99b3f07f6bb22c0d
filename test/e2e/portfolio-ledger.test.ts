import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityName } from '../../src/core/model/canonical-model.js';
import type { Manifest } from '../../src/generator/manifest.js';
import { loadPlanFile } from '../../src/pipeline/plan/load-plan-file.js';
import { runMigration } from '../../src/pipeline/run/run-migration.js';
import { StateStore } from '../../src/store/state/state-store.js';
import { SqliteTarget } from '../../src/store/target/sqlite-target.js';
import { countBy, readTargetRows } from './support/helpers.js';
import {
  dossierOfDefect,
  generateSmallPortfolio,
  migrateAndReconcile,
  type Migrated,
} from './support/portfolio.js';

/**
 * The central promise on a generated portfolio with known defects: every source record has exactly one fate, and
 * every defect injected by the generator ends in the fate manifest.json says it must.
 */
describe('ledger identity on a generated portfolio with defects (SQLite target, SQLite state)', () => {
  let dir = '';
  let manifest: Manifest;
  let migrated: Migrated;
  const targetKeys = new Map<string, Set<string>>();

  beforeAll(async () => {
    ({ dir, manifest } = await generateSmallPortfolio());
    migrated = await migrateAndReconcile(path.join(dir, 'cutover.yaml'), path.join(dir, 'state.db'));
    const target = new SqliteTarget(path.join(dir, 'target.db'));
    try {
      for (const [dossier, counts] of Object.entries(manifest.countsByDossier)) {
        for (const entity of Object.keys(counts) as EntityName[]) {
          const rows = await readTargetRows(target, entity, dossier);
          targetKeys.set(`${dossier}/${entity}`, new Set(rows.map((row) => row.sourceKey)));
        }
      }
    } finally {
      await target.close();
    }
  }, 120_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('reconciles: ok, nothing unaccounted, no content mismatch, and the run summary agrees with it', () => {
    const { reconciliation, summary } = migrated;
    expect(reconciliation.totals.unaccounted).toBe(0);
    expect(reconciliation.totals.contentMismatches).toBe(0);
    expect(reconciliation.ok).toBe(true);
    expect(reconciliation.totals.dossiers).toBe(7);
    expect(reconciliation.totals.dossiersOk).toBe(7);
    expect(summary.status).toBe('succeeded');
    expect(summary.records).toEqual({
      read: reconciliation.totals.source,
      loaded: reconciliation.totals.loaded,
      merged: reconciliation.totals.merged,
      skipped: reconciliation.totals.skipped,
      rejected: reconciliation.totals.rejected,
    });
  });

  it('holds source = loaded + skipped + rejected per dossier and entity, with every loaded record a target row', () => {
    const broken: string[] = [];
    for (const dossier of migrated.reconciliation.dossiers) {
      for (const entity of dossier.entities) {
        const where = `${dossier.id}/${entity.entity}`;
        if (entity.source !== entity.loaded + entity.skipped + entity.rejected)
          broken.push(`${where} identity`);
        if (entity.unaccounted !== 0) broken.push(`${where} unaccounted ${entity.unaccounted}`);
        if (entity.targetRows !== entity.loaded)
          broken.push(`${where} target rows ${entity.targetRows} vs loaded ${entity.loaded}`);
        if (entity.extraInTarget !== 0 || entity.orphans !== 0) broken.push(`${where} extra/orphans`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('counts, per dossier and entity, exactly the source records manifest.json says the portfolio holds', () => {
    const reconciled: Record<string, Record<string, number>> = {};
    for (const dossier of migrated.reconciliation.dossiers) {
      // Entities a dossier has no input for (CRM entities of a FEC dossier) read 0 records: the manifest omits them.
      reconciled[dossier.id] = Object.fromEntries(
        dossier.entities
          .filter((entity) => entity.source > 0)
          .map((entity) => [entity.entity, entity.source]),
      );
    }
    expect(reconciled).toEqual(manifest.countsByDossier);

    const perEntity: Record<string, number> = {};
    for (const dossier of migrated.reconciliation.dossiers) {
      for (const entity of dossier.entities) {
        if (entity.source > 0) perEntity[entity.entity] = (perEntity[entity.entity] ?? 0) + entity.source;
      }
    }
    expect(perEntity).toEqual(manifest.counts);
  });

  it('finds every injected defect under its expected fate: in the ledger with its reason or rule, or as a target row', () => {
    expect(manifest.defects.length).toBeGreaterThan(100);
    const kinds = new Set(manifest.defects.map((defect) => defect.expected.fate));
    expect([...kinds].sort()).toEqual(['loaded', 'rejected', 'skipped']);

    const ledgerAt = new Map(
      migrated.ledger.map((entry) => [`${entry.entity} ${entry.source}:${entry.line}`, entry]),
    );
    const wrong: string[] = [];
    for (const defect of manifest.defects) {
      const dossier = dossierOfDefect(defect);
      const where = `${defect.kind} ${defect.entity} ${defect.file}:${defect.line} key ${defect.sourceKey}`;
      if (defect.expected.fate === 'loaded') {
        if (!targetKeys.get(`${dossier}/${defect.entity}`)?.has(defect.sourceKey))
          wrong.push(`${where}: no target row`);
        if (ledgerAt.has(`${defect.entity} ${defect.file}:${defect.line}`))
          wrong.push(`${where}: also in the ledger`);
        continue;
      }
      const entry = ledgerAt.get(`${defect.entity} ${defect.file}:${defect.line}`);
      if (entry === undefined) {
        wrong.push(`${where}: not in the ledger`);
        continue;
      }
      const found = {
        dossier: entry.dossierId,
        fate: entry.fate,
        reason: entry.reason ?? undefined,
        rule: entry.rule ?? undefined,
        sourceKey: entry.sourceKey,
      };
      const expected = {
        dossier,
        fate: defect.expected.fate,
        reason: defect.expected.reason,
        rule: defect.expected.rule,
        sourceKey: defect.sourceKey,
      };
      if (JSON.stringify(found) !== JSON.stringify(expected)) {
        wrong.push(`${where}: found ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`);
      }
      if (entry.raw.length === 0) wrong.push(`${where}: raw record not kept`);
    }
    expect(wrong).toEqual([]);
  });

  it('holds nothing in the ledger but the defects the generator injected (no collateral rejects)', () => {
    const expected = manifest.defects.filter((defect) => defect.expected.fate !== 'loaded');
    expect(migrated.ledger).toHaveLength(expected.length);
    expect(
      countBy(migrated.ledger, (entry) => `${entry.entity} ${entry.fate} ${entry.reason ?? entry.rule}`),
    ).toEqual(
      countBy(
        expected,
        (defect) =>
          `${defect.entity} ${defect.expected.fate} ${defect.expected.reason ?? defect.expected.rule}`,
      ),
    );
  });

  it('reports, in a dry run, the counts per entity and fate of the real run, and writes no ledger', async () => {
    const loaded = await loadPlanFile(path.join(dir, 'cutover.yaml'));
    const state = await StateStore.open(path.join(dir, 'dry-run-state.db'));
    try {
      const dry = await runMigration({ loaded, state, target: undefined });
      expect(dry.dryRun).toBe(true);
      // The real run also says which rows were new (all: a first load), which a dry run cannot tell.
      expect(migrated.summary.entities).toMatchObject(dry.entities);
      expect(dry.records).toEqual(migrated.summary.records);
      expect(await state.ledgerEntries()).toEqual([]);
    } finally {
      await state.close();
    }
  });
});
