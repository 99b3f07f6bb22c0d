import type { MappedRecord } from '../map/compile-entity-mapping.js';
import { recordHash } from '../reconcile/record-hash.js';
import type { MergeMap } from './merge-map.js';

/**
 * Whether a survivor or absorbed record, as mapped now, differs from what `cutover dedupe` saw when it made the
 * golden record: its merge was decided on other values. The one rule for `cutover run`'s STALE_MERGES notice and
 * reconcile's staleMerges, so that the run warns of exactly what reconcile will fail on. A record of no merge, or
 * of a merge stored before fingerprints, is never stale (only a map lookup, no hash).
 */
export const isStaleMerge = (merges: MergeMap, record: MappedRecord): boolean => {
  const fingerprint = merges.fingerprintOf.get(record.sourceKey);
  return fingerprint !== undefined && fingerprint !== recordHash(record.values);
};
