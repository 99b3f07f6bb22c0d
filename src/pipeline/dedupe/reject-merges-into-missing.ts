import type { EntityName } from '../../core/model/canonical-model.js';
import { RejectReason } from '../../core/reject-reasons.js';
import type { StateStore } from '../../store/state/state-store.js';
import type { TargetStore } from '../../store/target/target-store.js';
import type { MergeMap } from './merge-map.js';

const LOOKUP_CHUNK = 1000;

/**
 * After a unit's last batch: a record merged into a survivor that has no target row (the survivor was rejected
 * at load, say for an unknown parent its golden record took from another member) would be merged into nothing.
 * Such records become rejected (`SURVIVOR_NOT_LOADED`) with their raw content, so the ledger still accounts for
 * each one and `cutover replay` loads them once the survivor passes. Returns how many records of the unit stand
 * rejected that way (idempotent, so a resumed unit adjusts its counts by the same number).
 */
export const rejectMergesIntoMissing = async (
  state: StateStore,
  target: TargetStore,
  unit: { readonly dossier: string; readonly entity: EntityName; readonly merges: MergeMap },
): Promise<number> => {
  const survivors = [...unit.merges.goldenOf.keys()];
  const missing: string[] = [];
  for (let start = 0; start < survivors.length; start += LOOKUP_CHUNK) {
    const chunk = survivors.slice(start, start + LOOKUP_CHUNK);
    const found = await target.resolveKeys(unit.entity, unit.dossier, chunk);
    for (const key of chunk) if (!found.has(key)) missing.push(key);
  }
  return state.rejectMergedInto(
    unit.dossier,
    unit.entity,
    missing,
    RejectReason.SURVIVOR_NOT_LOADED,
    (survivor) =>
      `merged by cutover dedupe into ${survivor}, which was not loaded (see its own ledger entry); ` +
      'replay once it is fixed',
  );
};
