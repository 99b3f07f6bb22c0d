import type { EntityName } from '../../core/model/canonical-model.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { StateStore } from '../../store/state/state-store.js';
import type { TargetStore } from '../../store/target/target-store.js';
import type { MergeMap, SurvivorRef } from './merge-map.js';

const LOOKUP_CHUNK = 1000;

/**
 * After a unit's last batch: a record merged into a survivor that has no target row (the survivor was rejected
 * at load, say for an unknown parent its golden record took from another member) would be merged into nothing.
 * Such records become rejected (`SURVIVOR_NOT_LOADED`) with their raw content, so the ledger still accounts for
 * each one and `cutover replay` loads them once the survivor passes. Returns how many records of the unit stand
 * rejected that way (idempotent, so a resumed unit adjusts its counts by the same number).
 *
 * A survivor in another dossier (`acrossDossiers`) is in the first dossier of its cluster, which loads first.
 */
export const rejectMergesIntoMissing = async (
  state: StateStore,
  target: TargetStore,
  unit: { readonly dossier: string; readonly entity: EntityName; readonly merges: MergeMap },
): Promise<number> => {
  const byDossier = new Map<string, Set<string>>();
  for (const survivor of unit.merges.survivorOf.values()) {
    const keys = byDossier.get(survivor.dossierId) ?? new Set<string>();
    keys.add(survivor.key);
    byDossier.set(survivor.dossierId, keys);
  }
  const missing: SurvivorRef[] = [];
  for (const [dossierId, keySet] of byDossier) {
    const keys = [...keySet];
    for (let start = 0; start < keys.length; start += LOOKUP_CHUNK) {
      const chunk = keys.slice(start, start + LOOKUP_CHUNK);
      const found = await target.resolveKeys(unit.entity, dossierId, chunk);
      for (const key of chunk) if (!found.has(key)) missing.push({ dossierId, key });
    }
  }
  return state.rejectMergedInto(
    unit.dossier,
    unit.entity,
    missing,
    RejectReason.SURVIVOR_NOT_LOADED,
    (survivor) =>
      `merged by cutover dedupe into ${survivor.dossierId === unit.dossier ? '' : `${survivor.dossierId}/`}${survivor.key}, ` +
      'which was not loaded (see its own ledger entry); replay once it is fixed',
  );
};
