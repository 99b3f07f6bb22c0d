import type { EntityName } from '../../core/model/canonical-model.js';
import type { SourceNotice } from '../../core/record-source.js';
import type { SourceRecord } from '../../core/source-record.js';
import type { MappedRecord } from '../map/compile-entity-mapping.js';
import { isStaleMerge } from './is-stale-merge.js';
import type { MergeMap } from './merge-map.js';

/** Keys named in the notice: enough to find the cluster, the count says the rest. */
const SHOWN_KEYS = 5;

export interface StaleMergesNotice {
  /** Looks at one mapped record of the unit (replayed ones too, so that a resumed unit counts them all). */
  readonly check: (mapped: MappedRecord, record: SourceRecord) => void;
  /**
   * One notice for the unit when a record was stale, else none. `stopped`: its threshold stopped the unit's read, so
   * the count is of the records read before it, a lower bound (reconcile counts them all).
   */
  readonly notice: (options?: {
    readonly stopped?: boolean;
  }) => (SourceNotice & { source: string }) | undefined;
}

/**
 * Collects, while `cutover run` loads one dossier × entity, the records whose merge `cutover dedupe` decided on
 * values they no longer have (isStaleMerge, reconcile's rule). The run still applies those merges as decided (the
 * user chose them; exit code unchanged, reconcile is the proof that fails), but says so now rather than at
 * reconcile time. Undefined for a unit with no fingerprinted merge: most runs pay nothing per record.
 */
export const staleMergesNotice = (
  merges: MergeMap,
  unit: { readonly dossier: string; readonly entity: EntityName },
): StaleMergesNotice | undefined => {
  if (merges.fingerprintOf.size === 0) return undefined;
  let count = 0;
  const shown: string[] = [];
  let first: SourceRecord | undefined;
  return {
    check: (mapped, record) => {
      if (!isStaleMerge(merges, mapped)) return;
      count++;
      first ??= record;
      if (shown.length < SHOWN_KEYS) {
        const survivor = merges.survivorOf.get(mapped.sourceKey);
        shown.push(
          survivor === undefined
            ? `${mapped.sourceKey} (survivor)`
            : `${mapped.sourceKey} (merged into ${survivor.dossierId === unit.dossier ? '' : `${survivor.dossierId}/`}${survivor.key})`,
        );
      }
    },
    notice: (options) => {
      if (first === undefined) return undefined;
      const stopped = options?.stopped === true;
      return {
        code: 'STALE_MERGES',
        message: `${stopped ? 'at least ' : ''}${count} ${unit.entity} record${count === 1 ? '' : 's'} of dossier ${unit.dossier} changed in the source or its mapping since cutover dedupe merged ${count === 1 ? 'it' : 'them'}${stopped ? ' (in what was read before the threshold stopped the unit)' : ''}: ${shown.join(', ')}${count > shown.length ? ', ...' : ''}; the merges were applied as decided, with golden records made from the old values (cutover reconcile will fail on them): run cutover dedupe --entity ${unit.entity} again, then cutover run, before going live`,
        ...(first.location.line === undefined ? {} : { line: first.location.line }),
        source: first.location.source,
      };
    },
  };
};
