import { groupBy } from '../../core/group-by.js';
import type { EntityName } from '../../core/model/canonical-model.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { StateStore } from '../../store/state/state-store.js';
import type { TargetStore } from '../../store/target/target-store.js';
import type { MergeMap, SurvivorRef } from './merge-map.js';

/**
 * After a unit's last batch: a record merged into a survivor that has no target row (the survivor was rejected
 * at load, say for an unknown parent its golden record took from another member) would be merged into nothing.
 * Such records become rejected (`SURVIVOR_NOT_LOADED`) with their raw content, so the ledger still accounts for
 * each one and `cutover replay` loads them once the survivor passes. Returns how many records of the unit stand
 * rejected that way (idempotent, so a resumed unit adjusts its counts by the same number).
 *
 * A survivor in another dossier (`acrossDossiers`) is in the first dossier of its cluster, which loads first. A
 * survivor of the unit's own dossier counts only if this run wrote its row: one loaded by an earlier run and rejected
 * by this one is a row that finishLoad is about to delete.
 */
export const rejectMergesIntoMissing = async (
  state: StateStore,
  target: TargetStore,
  unit: {
    readonly dossier: string;
    readonly entity: EntityName;
    readonly merges: MergeMap;
    readonly runId: string;
  },
): Promise<number> => {
  const missing: SurvivorRef[] = [];
  const survivors = groupBy(unit.merges.survivorOf.values(), (survivor) => survivor.dossierId);
  for (const [dossierId, refs] of survivors) {
    const keys = [...new Set(refs.map((survivor) => survivor.key))];
    const found = await target.resolveKeys(
      unit.entity,
      dossierId,
      keys,
      dossierId === unit.dossier ? unit.runId : undefined,
    );
    for (const key of keys) if (!found.has(key)) missing.push({ dossierId, key });
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
