import type { EntityName } from '../../core/model/canonical-model.js';
import { describeLocation, locationKey, type SourceLocation } from '../../core/source-record.js';
import type { StateStore } from '../../store/state/state-store.js';
import type { TargetStore } from '../../store/target/target-store.js';
import { RowsChangedOnResume } from './rows-changed-on-resume.js';

/** A record a resume reads again before its checkpoint, as the load made it out. */
export interface ReplayedRecord {
  readonly location: SourceLocation;
  /** Its source key, mapped (null: none, as for a record rejected without one). */
  readonly sourceKey: string | null;
  /** Mapped: it may be one of the rows this run loaded; else the ledger must hold it (skipped, rejected). */
  readonly mapped: boolean;
}

export interface ReplayCheckInput {
  readonly runId: string;
  readonly dossier: string;
  readonly entity: EntityName;
  readonly target: TargetStore;
  readonly state: StateStore;
  /** Records the checkpoint counts: the ones replayed. */
  readonly resumeAfter: number;
  /** Of those, records that were no record of their own (a `distinct` entity's repeated key, an empty key). */
  readonly repeats: number;
  /**
   * Whether the ledger may hold records of the checkpoint's (it counts some skipped or rejected, or `cutover dedupe`
   * merged some of the unit's keys): when not, each replayed record must be a row, and the ledger is not asked.
   */
  readonly ledgerInPrefix: boolean;
}

/**
 * Checks, as a resume replays the records its checkpoint counts, that they are the ones the interrupted load had:
 * a database table is not stamped like a file, and a row added, removed or given another key before the checkpoint
 * shifts positions, so a resume by position would skip a record never loaded (or keep one no longer there). Each
 * replayed record must be, at its very place (its location: key and record number), one of the unit's ledger entries
 * of this run, or else, mapped, one of the rows this run wrote, each row once: two queries per replayed batch, one
 * by location against the ledger and one by key against the target (rows are not matched by place: they have none).
 * At the end, the rows so found must be all the rows this run wrote, counted and their ids added up (a key changed
 * into one already read stands for a row twice and another never, which no single batch can see), the source must
 * have reached the checkpoint, and as many records repeated a key as before. Memory: one batch's keys at a time.
 * Only a resume of a source without a stamp (PostgreSQL, MySQL) pays this; a run that is not resumed does not.
 */
export const createReplayCheck = (input: ReplayCheckInput) => {
  const { runId, dossier, entity, target, state, resumeAfter } = input;
  const changed = (found: string) => new RowsChangedOnResume(entity, found);
  let rowsFound = 0;
  let idSum = 0n;
  let repeats = 0;
  let ended = false;
  return {
    /** Whether the replay has been checked to its end (the checkpoint reached, or the source ended before it). */
    get ended(): boolean {
      return ended;
    },
    /** A replayed record that was no record of its own. */
    repeat(): void {
      repeats++;
    },
    /** Checks one batch's replayed records; throws RowsChangedOnResume at the first that is not the load's. */
    async batch(records: readonly ReplayedRecord[]): Promise<void> {
      if (records.length === 0) return;
      const rest: number[] = [];
      if (input.ledgerInPrefix) {
        const locations = records.map((record) => locationKey(record.location));
        const inLedger = await state.runLedgerKeysAt(runId, dossier, entity, locations);
        for (let index = 0; index < records.length; index++) {
          const entry = inLedger.get(locations[index]!);
          if (entry === undefined || entry !== records[index]!.sourceKey) rest.push(index);
        }
      } else for (let index = 0; index < records.length; index++) rest.push(index);
      const keys = new Set<string>();
      for (const index of rest) {
        const { sourceKey, mapped } = records[index]!;
        if (mapped && sourceKey !== null) keys.add(sourceKey);
      }
      const ids =
        keys.size === 0
          ? new Map<string, number>()
          : await target.resolveKeys(entity, dossier, [...keys], runId);
      // A batch's ids add up well below 2^53; the bigint is for the whole table.
      let batchSum = 0;
      const claimed = new Set<string>();
      for (const index of rest) {
        const { location, sourceKey, mapped } = records[index]!;
        const id = mapped && sourceKey !== null && !claimed.has(sourceKey) ? ids.get(sourceKey) : undefined;
        if (id === undefined)
          throw changed(
            `${describeLocation(location)} is not a record this run had read there before it stopped (at record ${resumeAfter.toLocaleString('en-US')})`,
          );
        claimed.add(sourceKey!);
        batchSum += id;
      }
      rowsFound += claimed.size;
      idSum += BigInt(batchSum);
    },
    /** Once the replay reached the checkpoint (`position`: records read), or the source ended before it. */
    async end(position: number): Promise<void> {
      ended = true;
      if (position < resumeAfter)
        throw changed(
          `it now holds ${position.toLocaleString('en-US')} records, where this run had read ${resumeAfter.toLocaleString('en-US')} before it stopped`,
        );
      const tally = await target.runRowsTally(entity, dossier, runId);
      if (repeats !== input.repeats || tally.rows !== rowsFound || tally.idSum !== idSum)
        throw changed(
          `its first ${resumeAfter.toLocaleString('en-US')} records are no longer those this run had read before it stopped (a key changed into another, or repeated)`,
        );
    },
  };
};
