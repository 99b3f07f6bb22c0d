import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generatePortfolio } from '../../../src/generator/generate-portfolio.js';
import type { Defect, Manifest } from '../../../src/generator/manifest.js';
import { loadPlanFile, type LoadedPlan } from '../../../src/pipeline/plan/load-plan-file.js';
import { reconcile, type Reconciliation } from '../../../src/pipeline/reconcile/reconcile.js';
import { openTarget } from '../../../src/pipeline/run/open-target.js';
import { runMigration, type RunSummary } from '../../../src/pipeline/run/run-migration.js';
import { StateStore, type LedgerEntry } from '../../../src/store/state/state-store.js';
import type { TargetStore } from '../../../src/store/target/target-store.js';
import { tempDir } from '../../support/stores.js';

/** The small portfolio of the spine tests: 6 accounting dossiers and the CRM export, fixed seed. */
export const PORTFOLIO = { dossiers: 6, seed: 11 } as const;

export const generateSmallPortfolio = async (): Promise<{ dir: string; manifest: Manifest }> => {
  const dir = tempDir('cutover-e2e-portfolio-');
  await generatePortfolio({ dossiers: PORTFOLIO.dossiers, seed: PORTFOLIO.seed, outDir: dir, crm: true });
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  return { dir, manifest };
};

/** The dossier a defect belongs to: `crm` for the CRM export, the folder name under fec/ for a FEC. */
export const dossierOfDefect = (defect: Defect): string =>
  defect.file.startsWith('crm/') ? 'crm' : (defect.file.split('/')[1] ?? '');

export interface Migrated {
  readonly loaded: LoadedPlan;
  readonly summary: RunSummary;
  readonly reconciliation: Reconciliation;
  readonly ledger: readonly LedgerEntry[];
}

/** Opens the plan's target and the given state store, for work done in-process; always closes both. */
export const withStores = async <T>(
  planFile: string,
  stateLocation: string,
  stateSchema: string | undefined,
  work: (loaded: LoadedPlan, state: StateStore, target: TargetStore) => Promise<T>,
): Promise<T> => {
  const loaded = await loadPlanFile(planFile);
  const state = await StateStore.open(
    stateLocation,
    stateSchema === undefined ? {} : { schema: stateSchema },
  );
  try {
    const target = await openTarget(loaded);
    try {
      return await work(loaded, state, target);
    } finally {
      await target.close();
    }
  } finally {
    await state.close();
  }
};

/** runMigration then reconcile, in-process, as the CLI's `run` and `reconcile` do. */
export const migrateAndReconcile = (
  planFile: string,
  stateLocation: string,
  stateSchema?: string,
): Promise<Migrated> =>
  withStores(planFile, stateLocation, stateSchema, async (loaded, state, target) => {
    const summary = await runMigration({ loaded, state, target });
    const reconciliation = await reconcile({ loaded, state, target });
    const ledger = await state.ledgerEntries();
    return { loaded, summary, reconciliation, ledger };
  });

/** `dossier/entity` → counts, from a reconciliation: what two runs of one plan must agree on. */
export const countsPerUnit = (reconciliation: Reconciliation) =>
  Object.fromEntries(
    reconciliation.dossiers.flatMap((dossier) =>
      dossier.entities.map((entity) => [
        `${dossier.id}/${entity.entity}`,
        { source: entity.source, loaded: entity.loaded, skipped: entity.skipped, rejected: entity.rejected },
      ]),
    ),
  );
