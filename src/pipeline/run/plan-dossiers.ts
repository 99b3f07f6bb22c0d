import { dossierIdOf, type EntityInputs } from './dossier-inputs.js';
import { NO_DOSSIER } from './dossier-records.js';
import type { RegistryDossier } from './read-registry.js';

/** Dossier values of a column-grouped source, found by reading it once, or by asking a database for them. */
export const scanDossiers = async (inputs: EntityInputs): Promise<string[]> => {
  if (inputs.scanDossiers !== undefined) return inputs.scanDossiers();
  const found = new Set<string>();
  const field = inputs.filterField;
  if (field === undefined) return [];
  for (const source of inputs.open(NO_DOSSIER)) {
    for await (const batch of source.read()) {
      for (const record of batch) {
        found.add(dossierIdOf(record.fields[field]) ?? NO_DOSSIER);
      }
    }
  }
  return [...found];
};

/**
 * The dossiers a plan covers, sorted: those of its registry, and those its sources name (a constant, a folder of
 * the path, or the values of a dossier column, found by reading the source once). What `run` migrates, and what
 * `reconcile` must account for even when no run has loaded it yet.
 */
export const planDossierIds = async (
  inputs: ReadonlyMap<string, EntityInputs>,
  registry: readonly RegistryDossier[],
): Promise<string[]> => {
  const ids = new Set(registry.map((dossier) => dossier.id));
  for (const input of inputs.values()) {
    for (const id of input.dossiers ?? (await scanDossiers(input))) ids.add(id);
  }
  return [...ids].sort();
};
