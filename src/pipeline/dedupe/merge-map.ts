import type { EntityName } from '../../core/model/canonical-model.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import type { EntityPlan } from '../../core/plan/plan-schema.js';
import type { MergeDecision, StateStore } from '../../store/state/state-store.js';
import { targetColumns } from '../../store/target/target-ddl.js';

/** The record an absorbed record was merged into: its dossier (another one only with `acrossDossiers`) and key. */
export interface SurvivorRef {
  readonly dossierId: string;
  readonly key: string;
}

/** The active merges of one dossier and entity: small next to the source, so loaded whole before reading it. */
export interface MergeMap {
  /** Absorbed source key (of this dossier) → its survivor. */
  readonly survivorOf: ReadonlyMap<string, SurvivorRef>;
  /**
   * Survivor source key (of this dossier) → its golden values, in target column order (references still as parent
   * keys). Its absorbed records may be in other dossiers.
   */
  readonly goldenOf: ReadonlyMap<string, CanonicalValue[]>;
  /**
   * Source key (of this dossier) of a survivor or absorbed record → the content hash of its mapped values when
   * `cutover dedupe` made the golden record (merges stored before fingerprints have none).
   */
  readonly fingerprintOf: ReadonlyMap<string, string>;
}

export const EMPTY_MERGE_MAP: MergeMap = {
  survivorOf: new Map(),
  goldenOf: new Map(),
  fingerprintOf: new Map(),
};

/**
 * Reads the merge map of a unit. Only entities with a `dedupe` section have one: taking a section out of the plan
 * turns its merges off, and every other entity costs no query.
 */
export const loadMergeMap = async (
  state: StateStore,
  dossier: string,
  entity: EntityName,
  plan: EntityPlan,
): Promise<MergeMap> => {
  if (plan.dedupe === undefined) return EMPTY_MERGE_MAP;
  const columns = targetColumns(entity);
  const fingerprintOf = new Map<string, string>();
  const absorbed = await state.merges({ dossierId: dossier, entity, active: true });
  const survivorOf = survivorsOf(absorbed);
  for (const merge of absorbed) {
    const fingerprint = merge.golden.fingerprints?.[`${dossier}/${merge.absorbedKey}`];
    if (fingerprint !== undefined) fingerprintOf.set(merge.absorbedKey, fingerprint);
  }
  const goldenOf = new Map<string, CanonicalValue[]>();
  for (const merge of await state.merges({ survivorDossierId: dossier, entity, active: true })) {
    if (!goldenOf.has(merge.survivorKey)) {
      goldenOf.set(
        merge.survivorKey,
        columns.map((column) => merge.golden.values[column.name] ?? null),
      );
      const fingerprint = merge.golden.fingerprints?.[`${dossier}/${merge.survivorKey}`];
      if (fingerprint !== undefined) fingerprintOf.set(merge.survivorKey, fingerprint);
    }
  }
  return { survivorOf, goldenOf, fingerprintOf };
};

/** The absorbed records of one dossier and entity and their survivors: all a reference to them needs. */
export const loadSurvivorOf = async (
  state: StateStore,
  dossier: string,
  entity: EntityName,
): Promise<Map<string, SurvivorRef>> =>
  survivorsOf(await state.merges({ dossierId: dossier, entity, active: true }));

const survivorsOf = (merges: readonly MergeDecision[]): Map<string, SurvivorRef> =>
  new Map(
    merges.map((merge) => [
      merge.absorbedKey,
      { dossierId: merge.survivorDossierId, key: merge.survivorKey },
    ]),
  );
