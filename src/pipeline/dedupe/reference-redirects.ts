import type { Plan } from '../../core/plan/plan-schema.js';
import type { StateStore } from '../../store/state/state-store.js';
import type { EntityReference } from '../plan/entity-order.js';
import { loadSurvivorOf, type SurvivorRef } from './merge-map.js';

/** Per reference column: parent source key absorbed by `cutover dedupe` → the survivor that stands for it. */
export type ReferenceRedirects = ReadonlyMap<string, ReadonlyMap<string, SurvivorRef>>;

export const NO_REDIRECTS: ReferenceRedirects = new Map();

/**
 * A merged parent has no row: its children (the deals of a contact typed twice) must attach to the survivor, not
 * be rejected for an unknown parent. Reads the active merges of each deduplicated parent entity of this dossier
 * (small next to a source), for the load and for reconcile, which must compare the same thing.
 */
export const loadReferenceRedirects = async (
  state: StateStore,
  dossier: string,
  plan: Plan,
  references: readonly EntityReference[],
): Promise<ReferenceRedirects> => {
  const redirects = new Map<string, ReadonlyMap<string, SurvivorRef>>();
  for (const reference of references) {
    const parentPlan = plan.entities[reference.parent];
    if (parentPlan?.dedupe === undefined) continue;
    const survivorOf = await loadSurvivorOf(state, dossier, reference.parent);
    if (survivorOf.size > 0) redirects.set(reference.column, survivorOf);
  }
  return redirects;
};
