import type { LoadedPlan } from '../plan/load-plan-file.js';
import { planInputs, type EntityInputs } from './dossier-inputs.js';
import { readRegistry } from './read-registry.js';
import { scanDossiers } from './run-migration.js';

/**
 * The dossiers a plan covers, sorted: those of its registry, and those its sources name (a constant, a folder of
 * the path, or the values of a dossier column, found by reading the source once). What `run` migrates, and what
 * `reconcile` must account for even when no run has loaded it yet.
 */
export const planDossierIds = async (
  loaded: LoadedPlan,
  inputs?: ReadonlyMap<string, EntityInputs>,
): Promise<string[]> => {
  const ids = new Set((await readRegistry(loaded.plan, loaded.baseDir)).map((dossier) => dossier.id));
  for (const input of (inputs ?? (await planInputs(loaded.plan, loaded.baseDir))).values()) {
    for (const id of input.dossiers ?? (await scanDossiers(input))) ids.add(id);
  }
  return [...ids].sort();
};
