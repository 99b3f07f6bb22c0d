import { CutoverError, ErrorCode } from '../../core/errors.js';
import { groupBy } from '../../core/group-by.js';
import { jsonText } from '../../core/json-text.js';
import type { EntityName } from '../../core/model/canonical-model.js';
import type { EntityPlan } from '../../core/plan/plan-schema.js';
import type { RecordSource, SourceNotice } from '../../core/record-source.js';
import { RejectReason } from '../../core/reject-reasons.js';
import { locationKey, type SourceRecord } from '../../core/source-record.js';
import type { LedgerEntry, StateStore, StepCounts } from '../../store/state/state-store.js';
import { targetColumns } from '../../store/target/target-ddl.js';
import type { LoadCheckpoint, TargetRow, TargetStore } from '../../store/target/target-store.js';
import { loadMergeMap } from '../dedupe/merge-map.js';
import type { ReferenceRedirects } from '../dedupe/reference-redirects.js';
import { rejectMergesIntoMissing } from '../dedupe/reject-merges-into-missing.js';
import { staleMergesNotice } from '../dedupe/stale-merges-notice.js';
import {
  numbersOccurrences,
  type MappedRecord,
  type MappingContext,
  type MappingOutcome,
} from '../map/compile-entity-mapping.js';
import { sourceColumnsCheck } from '../map/source-columns-check.js';
import type { EntityReference } from '../plan/entity-order.js';
import { createDossierRecords } from './dossier-records.js';
import { KeySet } from '../../core/key-set.js';
import { createReplayCheck, type ReplayedRecord } from './replay-check.js';

/** Keys loaded so far per entity of one dossier: the parent index and duplicate check of a dry run. */
export type DryRunKeys = Map<EntityName, KeySet>;

export interface LoadEntityInput {
  readonly runId: string;
  readonly dossier: string;
  readonly entity: EntityName;
  readonly plan: EntityPlan;
  readonly map: (record: SourceRecord, context: MappingContext) => MappingOutcome;
  readonly references: readonly EntityReference[];
  /** Parents merged by `cutover dedupe`: their children attach to the survivor. */
  readonly redirects: ReferenceRedirects;
  readonly sources: readonly RecordSource[];
  /**
   * What the plan's path tells of this dossier before any read (its folder holds no file of the path's name): the
   * unit's first notices, stored with those of its read.
   */
  readonly pathNotices?: readonly (SourceNotice & { source: string })[];
  /** What the sources' files are now (EntityInputs.stamp); undefined for a database server. */
  readonly sourceStamp?: string;
  /**
   * Started over by the run before it began, its dossier's sources having changed since this run began them: its own
   * files (`files`, their stamp), its own rows (`rows`: what its replay found, RowsChangedOnResume), or others of the
   * dossier (`dossier`: read again with them, so that the dossier is one export). Said so.
   */
  readonly restarted?: UnitRestart;
  /** Keep only records whose column equals the dossier (dossiers grouped by a column of a shared file). */
  readonly filterField: string | undefined;
  readonly batchSize: number;
  readonly maxRejectedRatio: number | undefined;
  /** How many more rejected records the run's summary shows (the unit gives up to 20 of them); 0: none looked for. */
  readonly samplesWanted: number;
  /** Absent in a dry run: nothing is written. */
  readonly target: TargetStore | undefined;
  readonly state: StateStore;
  readonly dryRunKeys: DryRunKeys;
  readonly onRecords: (count: number) => void;
}

/** Why the run started a unit over before loading it (see LoadEntityInput.restarted). */
export type UnitRestart =
  | { readonly cause: 'files' }
  | { readonly cause: 'rows'; readonly found: string }
  | { readonly cause: 'dossier'; readonly by: 'files' | 'rows' };

export interface LoadEntityResult {
  readonly status: 'done' | 'threshold_crossed';
  readonly counts: StepCounts;
  /** What the unit said (its path, its read); of a unit this run finished before a resume, as its load stored them. */
  readonly notices: readonly (SourceNotice & { source: string })[];
  /**
   * The unit's first rejected records, in the order read, for summaries (all of them are in the ledger); of a unit
   * this run began before a resume, as the ledger holds them, so that the resumed run shows those it did not read.
   */
  readonly samples: readonly LedgerEntry[];
  /** Rows of earlier runs removed because this complete run no longer loads them. */
  readonly removed: number;
}

/** A batch read and mapped, ready to commit; counts are this batch's own. */
interface PreparedBatch {
  /** Records of the dossier consumed once this batch is committed. */
  readonly position: number;
  readonly rows: TargetRow[];
  /** The source record of each row, at the row's index: a Map per batch cost more in the GC than it saves. */
  readonly recordOfRow: SourceRecord[];
  readonly ledger: LedgerEntry[];
  readonly skipped: number;
  readonly rejected: number;
  readonly repeats: number;
  readonly merged: number;
}

/** Below this many records a rejected ratio says little; the threshold is checked from here on, and at the end. */
const MIN_RECORDS_FOR_THRESHOLD = 1000;
/** The most rejected records a unit gives the run's summary. */
const MAX_UNIT_SAMPLES = 20;
const PARENT_CACHE_LIMIT = 200_000;

/** A record of a text source as read; a row of a database as JSON, a JSON column's numbers as written (jsonText). */
const rawOf = (record: SourceRecord): string => record.raw ?? jsonText(record.fields) ?? '{}';

const thresholdCrossed = (counts: StepCounts, ratio: number | undefined, final: boolean): boolean => {
  if (ratio === undefined) return false;
  const records = counts.recordsRead - counts.repeats;
  if (records === 0 || (!final && records < MIN_RECORDS_FOR_THRESHOLD)) return false;
  return counts.rejected / records > ratio;
};

/**
 * Loads one entity of one dossier: the unit of work. Reads the sources in order, maps every record, resolves
 * references against the target, records every record that is not loaded in the ledger (before the target
 * commit that moves the checkpoint past it), and writes rows and checkpoint together. Running it again after a
 * crash resumes after the last committed batch; running it again after it finished does nothing.
 */
export const loadEntity = async (input: LoadEntityInput): Promise<LoadEntityResult> => {
  const { runId, dossier, entity, target, state } = input;
  const dryRun = target === undefined;
  const referenceIndex = new Map(
    targetColumns(entity).flatMap((column, index) =>
      column.references === undefined ? [] : [[column.name, index] as const],
    ),
  );
  const notices: (SourceNotice & { source: string })[] = [...(input.pathNotices ?? [])];
  const samplesWanted = Math.min(MAX_UNIT_SAMPLES, input.samplesWanted);
  const samples: LedgerEntry[] = [];
  /** Keeps the first rejected records of a committed batch (its records, in the order read) while more are wanted. */
  const sample = (entries: readonly LedgerEntry[]) => {
    if (samples.length >= samplesWanted) return;
    const rejected = entries.filter((entry) => entry.fate === 'rejected').sort((a, b) => a.record - b.record);
    samples.push(...rejected.slice(0, samplesWanted - samples.length));
  };
  /**
   * The unit's first rejected records as its ledger holds them: those of a unit this run began before a resume, the
   * resumed process having read only the rest. In the order read: one source after the other (each numbers its own
   * records), by record number.
   */
  const storedSamples = async (rejected: number): Promise<LedgerEntry[]> => {
    const found: LedgerEntry[] = [];
    if (rejected === 0) return found;
    const perSource =
      input.sources.length > 1 ? input.sources.map((source) => source.parts ?? [source.name]) : [undefined];
    for (const sources of perSource) {
      if (found.length >= samplesWanted) break;
      found.push(
        ...(await state.ledgerEntries({
          dossierId: dossier,
          entity,
          fate: 'rejected',
          ...(sources === undefined ? {} : { sources }),
          limit: samplesWanted - found.length,
        })),
      );
    }
    return found;
  };
  // A unit this run finished before a kill is not read again: what it said is what its load stored.
  const storedNotices = async () =>
    (await state.unitNotices(runId, dossier, entity)).map(({ source, code, message, line }) => ({
      source,
      code,
      message,
      ...(line === null ? {} : { line }),
    }));

  // Absorbed records (ledger fate `merged`) and survivors' golden values, from `cutover dedupe`.
  const merges = await loadMergeMap(state, dossier, entity, input.plan);
  // Merges decided on records that changed since: applied all the same, but said (STALE_MERGES) at the end.
  const stale = staleMergesNotice(merges, { dossier, entity });
  /**
   * Whether the ledger holds a fate for a parent key that has no target row: the parent is in the source but was
   * rejected or skipped, which the child's message says rather than that it does not exist. Asked on that path only.
   */
  const parentKeysWithFate = new Map<EntityName, Promise<Set<string>>>();
  const parentHasFate = async (parent: EntityName, key: string): Promise<boolean> => {
    let keys = parentKeysWithFate.get(parent);
    if (keys === undefined) {
      keys = state.ledgerSourceKeys(dossier, parent).then((found) => new Set(found));
      parentKeysWithFate.set(parent, keys);
    }
    return (await keys).has(key);
  };
  const deduped = input.plan.dedupe !== undefined;
  // The target's checkpoint has no `merged` column: a resumed unit counts its merged records in the ledger.
  const withMerged = async (stored: StepCounts): Promise<StepCounts> =>
    deduped ? { ...stored, merged: await state.countLedger(dossier, entity, 'merged') } : stored;
  /**
   * What the summary says of the rows loaded: new, or an earlier run's updated or unchanged (the target counts these
   * as it writes, in the checkpoint); a dry run writes nothing and cannot tell.
   */
  const withNew = (stored: StepCounts): StepCounts => {
    if (dryRun) return stored;
    const updated = stored.updated ?? 0;
    const unchanged = stored.unchanged ?? 0;
    return { ...stored, new: stored.loaded - updated - unchanged, updated, unchanged };
  };
  let counts: StepCounts = {
    recordsRead: 0,
    loaded: 0,
    skipped: 0,
    rejected: 0,
    repeats: 0,
    ...(deduped ? { merged: 0 } : {}),
  };
  let mode: LoadCheckpoint['mode'] = 'insert';
  // An object, not a variable: commit() changes it from a promise the compiler cannot follow.
  const progress: { status: LoadEntityResult['status'] } = { status: 'done' };
  const previous = dryRun ? undefined : await target.checkpoint(dossier, entity);
  const resumedUnit = previous !== undefined && previous.runId === runId;
  if (previous !== undefined && previous.runId === runId) {
    if (previous.done)
      return {
        status: 'done',
        counts: withNew(await withMerged(previous)),
        notices: await storedNotices(),
        samples: await storedSamples(previous.rejected),
        removed: 0,
      };
    // Merged records before the checkpoint are counted again while replaying (below): the ledger may also hold
    // those of a batch whose target commit the crash prevented, so its count would be too high.
    // A unit stopped by its threshold is not an interrupted one: resuming must not load past where it stopped
    // (the uninterrupted run stopped there too, right after the commit that crossed it).
    if (thresholdCrossed(previous, input.maxRejectedRatio, false)) {
      // Its notices are stored after that commit, and the run saves its step after them: with the step saved, they
      // are there to repeat.
      if ((await state.stepStatus(runId, dossier, entity)) === 'threshold_crossed')
        return {
          status: 'threshold_crossed',
          counts: withNew(await withMerged(previous)),
          notices: await storedNotices(),
          samples: await storedSamples(previous.rejected),
          removed: 0,
        };
      // Killed between that commit and its notices: read again up to where it stopped, committing nothing (the read
      // stops at the first batch past the checkpoint, as the uninterrupted run did), to say and store them.
      progress.status = 'threshold_crossed';
    }
    counts = { ...previous, ...(deduped ? { merged: 0 } : {}) };
    mode = previous.mode;
    // A unit whose dossier's sources changed since this run began them was started over by the run before it came
    // here (runMigration: every begun unit of the dossier at once), so it resumes from nothing read, below.
    if (input.restarted !== undefined) {
      const restarted = input.restarted;
      const names = input.sources.map((source) => source.name).join(', ');
      notices.push({
        code: 'SOURCE_CHANGED_ON_RESUME',
        message:
          restarted.cause === 'dossier'
            ? `${entity} read again from the start with the rest of dossier ${dossier}, whose ${restarted.by} changed since this run began loading them`
            : restarted.cause === 'files'
              ? `the files of ${entity} changed since this run began loading them (${names}): read again from the start, not resumed by position`
              : `the rows of ${entity} changed since this run began loading them (${names}): ${restarted.found}; read again from the start, not resumed by position`,
        source: input.sources[0]?.name ?? '',
      });
    }
    if (previous.recordsRead === 0) {
      // Begun (beginLoad) and stopped before its first commit, maybe before its ledger was cleared: it is cleared
      // now, as a load that begins clears it, or the earlier run's fates of records read again would stay.
      await state.clearLedger(dossier, entity);
      if (input.sourceStamp !== undefined)
        await state.saveUnitSourceStamp(runId, dossier, entity, input.sourceStamp);
    }
  } else if (!dryRun) {
    mode = (await target.hasRows(dossier, entity)) ? 'upsert' : 'insert';
    // A dossier whose files are gone (its folder moved or renamed) would read nothing, and the complete run would
    // then remove every row an earlier run loaded, exit 0: its rows are kept and the dossier is stopped, saying so.
    if (mode === 'upsert' && input.sources.length === 0 && 'path' in input.plan.source)
      throw new CutoverError(
        ErrorCode.FILE_NOT_FOUND,
        `${input.plan.source.path}: no file for dossier ${dossier} any more, though the target holds its ${entity} rows of an earlier run; they are kept (a folder moved or renamed?)`,
        { context: { file: input.plan.source.path, dossier, entity } },
      );
    // The checkpoint says the load has begun before the ledger loses the unit's fates: a process killed before the
    // first commit leaves an unfinished load, which replay runs again, rather than the earlier run's done one with
    // an empty ledger (its rejects gone, nothing left to name the unit).
    await target.beginLoad(dossier, entity, runId, mode);
    await state.clearLedger(dossier, entity);
    if (input.sourceStamp !== undefined)
      await state.saveUnitSourceStamp(runId, dossier, entity, input.sourceStamp);
  }
  const resumeAfter = counts.recordsRead;
  // A source without a stamp (a database server's table or query) may have changed since the load began: the records
  // the resume skips by position are checked to be the load's, as it reads them again. Not on a load that resumes
  // nothing, nor one whose files are stamped (a change there restarted it already).
  const check =
    dryRun || resumeAfter === 0 || input.sourceStamp !== undefined
      ? undefined
      : createReplayCheck({
          runId,
          dossier,
          entity,
          target,
          state,
          resumeAfter,
          repeats: counts.repeats,
          ledgerInPrefix: counts.skipped + counts.rejected > 0 || merges.survivorOf.size > 0,
        });

  const records = createDossierRecords({
    dossier,
    filterField: input.filterField,
    distinct: input.plan.distinct === true,
    map: input.map,
  });
  const mappingContext: MappingContext = { dossier, occurrences: new Map() };
  // A key numbered by `$occurrence` counts every record before it, and a distinct key every key before it: a
  // resume maps those it replays too.
  const replayMaps = input.plan.distinct === true || deduped || numbersOccurrences(input.plan);
  const dryRunLoaded = input.dryRunKeys.get(entity) ?? new KeySet();
  input.dryRunKeys.set(entity, dryRunLoaded);
  const parentCaches = new Map<EntityName, Map<string, number>>();

  const ledgerEntry = (
    record: SourceRecord,
    fate: LedgerEntry['fate'],
    details: {
      reason?: string;
      rule?: string;
      message: string;
      column?: string;
      sourceKey: string | null;
      survivorKey?: string;
      survivorDossierId?: string;
    },
  ): LedgerEntry => {
    const entry: LedgerEntry = {
      dossierId: dossier,
      entity,
      location: locationKey(record.location),
      runId,
      fate,
      reason: details.reason ?? null,
      rule: details.rule ?? null,
      message: details.message,
      column: details.column ?? null,
      sourceKey: details.sourceKey,
      source: record.location.source,
      line: record.location.line ?? null,
      record: record.location.record,
      raw: rawOf(record),
      ...(details.survivorKey === undefined ? {} : { survivorKey: details.survivorKey }),
      ...(details.survivorDossierId === undefined ? {} : { survivorDossierId: details.survivorDossierId }),
    };
    return entry;
  };

  const resolveParents = async (pending: readonly MappedRecord[]) => {
    const resolved = new Map<string, Map<string, number>>();
    for (const reference of input.references) {
      let cache = parentCaches.get(reference.parent);
      if (cache === undefined || cache.size > PARENT_CACHE_LIMIT) {
        cache = new Map();
        parentCaches.set(reference.parent, cache);
      }
      const wanted = new Set<string>();
      const index = referenceIndex.get(reference.column)!;
      for (const mapped of pending) {
        const key = mapped.values[index];
        if (typeof key === 'string' && !cache.has(key)) wanted.add(key);
      }
      if (wanted.size > 0) {
        // A parent merged by dedupe is looked up as its survivor (in the survivor's dossier).
        const redirect = input.redirects.get(reference.column);
        const lookups = groupBy(
          wanted,
          (key) => redirect?.get(key)?.dossierId ?? dossier,
          (key): [string, string] => [key, redirect?.get(key)?.key ?? key],
        );
        for (const [where, pairs] of lookups) {
          if (dryRun) {
            // A dry run has no target ids: parents found in this dry run stand in with a placeholder id (a
            // survivor of another dossier is taken on trust: that dossier's dry run is not this one).
            const known = input.dryRunKeys.get(reference.parent);
            for (const [key, lookup] of pairs) if (where !== dossier || known?.has(lookup)) cache.set(key, 0);
          } else {
            const ids = await target.resolveKeys(reference.parent, where, [
              ...new Set(pairs.map(([, lookup]) => lookup)),
            ]);
            for (const [key, lookup] of pairs) {
              const id = ids.get(lookup);
              if (id !== undefined) cache.set(key, id);
            }
          }
        }
      }
      resolved.set(reference.column, cache);
    }
    return resolved;
  };

  /**
   * Commits one prepared batch: ledger entries first, then rows and checkpoint in one target transaction. Counts
   * are updated here, in batch order, so the checkpoint always matches what is committed.
   */
  const commit = async (prepared: PreparedBatch): Promise<void> => {
    const before = counts;
    counts = {
      recordsRead: prepared.position,
      loaded: before.loaded + prepared.rows.length,
      skipped: before.skipped + prepared.skipped,
      rejected: before.rejected + prepared.rejected,
      repeats: before.repeats + prepared.repeats,
      ...(before.merged === undefined ? {} : { merged: before.merged + prepared.merged }),
      // The batches before's: the target adds this one's as it writes it (below).
      ...(before.updated === undefined ? {} : { updated: before.updated, unchanged: before.unchanged ?? 0 }),
    };
    // Entries the target adds as it writes (a repeated source key), for the samples.
    let duplicateEntries: LedgerEntry[] = [];
    if (!dryRun) {
      await state.writeLedger(prepared.ledger);
      const { duplicates, updated, unchanged } = await target.writeBatch({
        dossier,
        entity,
        runId,
        mode,
        rows: prepared.rows,
        checkpoint: { runId, mode, done: false, ...counts },
        onDuplicates: (duplicateRows) => {
          // Rare: only a repeated source key gets here, so the index of rows is built only then.
          const indexOfRow = new Map(prepared.rows.map((row, index) => [row, index]));
          duplicateEntries = duplicateRows.map((row) =>
            ledgerEntry(prepared.recordOfRow[indexOfRow.get(row)!]!, 'rejected', {
              reason: RejectReason.DUPLICATE_SOURCE_KEY,
              message: `source key ${row.sourceKey} was already loaded from an earlier record of this dossier`,
              sourceKey: row.sourceKey,
            }),
          );
          return state.writeLedger(duplicateEntries);
        },
      });
      counts = {
        ...counts,
        loaded: counts.loaded - duplicates,
        rejected: counts.rejected + duplicates,
        ...(updated === 0 && unchanged === 0
          ? {}
          : { updated: (counts.updated ?? 0) + updated, unchanged: (counts.unchanged ?? 0) + unchanged }),
      };
    }
    // A resumed unit's come from its ledger at its end (storedSamples): the first ones were read before the resume.
    if (!resumedUnit)
      sample(duplicateEntries.length === 0 ? prepared.ledger : [...prepared.ledger, ...duplicateEntries]);
    // Records as the summary counts them: a line seen again by a derived entity (a FEC's journal) is no new record.
    input.onRecords(counts.recordsRead - counts.repeats - (before.recordsRead - before.repeats));
    if (thresholdCrossed(counts, input.maxRejectedRatio, false)) progress.status = 'threshold_crossed';
  };

  // While one batch is being committed (PostgreSQL works on the other core), the next one is read and mapped.
  let inflight: Promise<void> = Promise.resolve();
  let position = 0;
  const checkColumns = sourceColumnsCheck(entity, input.plan, { notices: true });
  try {
    reading: for (const source of input.sources) {
      for await (const batch of source.read({ batchSize: input.batchSize })) {
        checkColumns.check(source, batch);
        const prepared = await prepare(batch);
        if (prepared === undefined) continue;
        await inflight;
        if (progress.status === 'threshold_crossed') break reading;
        inflight = commit(prepared);
      }
      for (const notice of source.notices?.() ?? []) notices.push({ ...notice, source: source.name });
      // Only after a complete read: one stopped by its threshold has not seen every record.
      for (const notice of checkColumns.afterRead(source)) notices.push({ ...notice, source: source.name });
    }
    // The source ended before the checkpoint: rows were removed from it.
    if (check !== undefined && !check.ended) await check.end(position);
    await inflight;
  } finally {
    // On an error elsewhere, a commit still running must not become an unhandled rejection.
    await inflight.catch(() => undefined);
  }
  if (progress.status === 'done' && thresholdCrossed(counts, input.maxRejectedRatio, true)) {
    progress.status = 'threshold_crossed';
  }
  const status = progress.status;
  const staleNotice = stale?.notice({ stopped: status === 'threshold_crossed' });
  if (staleNotice !== undefined) notices.push(staleNotice);

  async function prepare(batch: readonly SourceRecord[]): Promise<PreparedBatch | undefined> {
    // Mapped records and their source records, at the same index: one object per record fewer than pairs.
    const pending: MappedRecord[] = [];
    const pendingRecords: SourceRecord[] = [];
    const ledger: LedgerEntry[] = [];
    const start = position;
    let skipped = 0;
    let rejected = 0;
    let repeats = 0;
    let merged = 0;
    const replayed: ReplayedRecord[] = [];
    for (const record of batch) {
      if (!records.belongs(record)) continue;
      position++;
      const replaying = position <= resumeAfter;
      if (replaying && !replayMaps && check === undefined) continue;
      const outcome = records.outcome(record, mappingContext);
      if (outcome.fate === 'not-a-record' || outcome.fate === 'repeat') {
        if (!replaying) repeats++;
        else check?.repeat();
        continue;
      }
      if (replaying) {
        if (check !== undefined)
          replayed.push({
            location: record.location,
            sourceKey: outcome.fate === 'mapped' ? outcome.record.sourceKey : outcome.sourceKey,
            mapped: outcome.fate === 'mapped',
          });
        if (outcome.fate === 'mapped') stale?.check(outcome.record, record);
        if (deduped && outcome.fate === 'mapped' && merges.survivorOf.has(outcome.record.sourceKey)) {
          // No batch is committing while the resume replays (nothing new has been prepared yet).
          counts = { ...counts, merged: (counts.merged ?? 0) + 1 };
        }
        continue;
      }
      switch (outcome.fate) {
        case 'skipped':
          skipped++;
          ledger.push(
            ledgerEntry(record, 'skipped', {
              rule: outcome.rule,
              message: `skipped by rule ${outcome.rule}`,
              sourceKey: outcome.sourceKey,
            }),
          );
          break;
        case 'rejected':
          rejected++;
          ledger.push(
            ledgerEntry(record, 'rejected', {
              reason: outcome.reason,
              message: outcome.message,
              ...(outcome.column === undefined ? {} : { column: outcome.column }),
              sourceKey: outcome.sourceKey,
            }),
          );
          break;
        case 'mapped': {
          stale?.check(outcome.record, record);
          const survivor = merges.survivorOf.get(outcome.record.sourceKey);
          if (survivor !== undefined) {
            // Never loaded as a row: the survivor's row stands for it, and the ledger says which.
            merged++;
            const across = survivor.dossierId !== dossier;
            ledger.push(
              ledgerEntry(record, 'merged', {
                message: `merged into ${across ? `${survivor.dossierId}/` : ''}${survivor.key}`,
                sourceKey: outcome.record.sourceKey,
                survivorKey: survivor.key,
                ...(across ? { survivorDossierId: survivor.dossierId } : {}),
              }),
            );
            break;
          }
          const golden = merges.goldenOf.get(outcome.record.sourceKey);
          // A copy: the load writes target ids into reference columns of the array it is given.
          pending.push(golden === undefined ? outcome.record : { ...outcome.record, values: [...golden] });
          pendingRecords.push(record);
          break;
        }
      }
    }
    if (check !== undefined && !check.ended) {
      // Before anything of this batch is committed: a resume that would skip other records writes nothing.
      await check.batch(replayed);
      if (position >= resumeAfter) await check.end(position);
    }
    if (position <= resumeAfter || position === start) return undefined;

    const parents = await resolveParents(pending);
    const rows: TargetRow[] = [];
    const recordOfRow: SourceRecord[] = [];
    for (let index = 0; index < pending.length; index++) {
      const mapped = pending[index]!;
      const record = pendingRecords[index]!;
      // The mapped array becomes the row: reference columns swap the parent's source key for its target id.
      const values = mapped.values;
      let missing: string | undefined;
      let missingColumn: string | undefined;
      for (const reference of input.references) {
        const index = referenceIndex.get(reference.column)!;
        const parentKey = values[index];
        if (typeof parentKey !== 'string') continue;
        const id = parents.get(reference.column)?.get(parentKey);
        if (id === undefined) {
          missingColumn = reference.column;
          // Quoted: a key with a space around it (`C2 ` for `C2`) looked like the key of a parent that exists.
          const shown = `${reference.parent} ${JSON.stringify(parentKey)}${parentKey.trim() === parentKey ? '' : ' (note the spaces around the key)'}`;
          missing = (await parentHasFate(reference.parent, parentKey))
            ? `${reference.column} refers to ${shown}, which was not loaded in dossier ${dossier} (see its own ledger entry)`
            : `${reference.column} refers to ${shown}, which does not exist in dossier ${dossier}`;
          break;
        }
        values[index] = id;
      }
      if (missing !== undefined) {
        rejected++;
        ledger.push(
          ledgerEntry(record, 'rejected', {
            reason: RejectReason.UNKNOWN_PARENT,
            message: missing,
            column: missingColumn ?? '',
            sourceKey: mapped.sourceKey,
          }),
        );
        continue;
      }
      if (dryRun) {
        // A dry run has no target to refuse a repeated key: it checks here, in source order, like the target would.
        if (!dryRunLoaded.add(mapped.sourceKey)) {
          rejected++;
          ledger.push(
            ledgerEntry(record, 'rejected', {
              reason: RejectReason.DUPLICATE_SOURCE_KEY,
              message: `source key ${mapped.sourceKey} was already read in this dossier`,
              sourceKey: mapped.sourceKey,
            }),
          );
          continue;
        }
      }
      // The mapped record is the row ({ sourceKey, values }, references now target ids): no copy.
      rows.push(mapped);
      recordOfRow.push(record);
    }
    // Encoded now, while the batch before is being written, rather than after it is (the target would wait).
    if (!dryRun && rows.length > 0) target.encodeAhead({ dossier, entity, runId, mode, rows });
    return { position, rows, recordOfRow, ledger, skipped, rejected, repeats, merged };
  }

  let removed = 0;
  let orphans = 0;
  if (!dryRun && status === 'done' && merges.survivorOf.size > 0) {
    orphans = await rejectMergesIntoMissing(state, target, { dossier, entity, merges, runId });
    counts = { ...counts, merged: (counts.merged ?? 0) - orphans, rejected: counts.rejected + orphans };
  }
  // A resumed unit's first rejects were read before the resume; records merged into nothing are rejected only now,
  // though read anywhere in the unit: the ledger has either in its place among the others.
  const unitSamples = resumedUnit || orphans > 0 ? await storedSamples(counts.rejected) : samples;
  // Stored before the done mark: a kill between the two leaves the unit unfinished, and its resume says them again.
  // Stored after it, a kill there lost them for good, the resume skipping the finished unit. A unit this run began
  // only now, saying nothing, has nothing to replace: no transaction (a portfolio has thousands of such units).
  if (!dryRun && (notices.length > 0 || resumedUnit))
    await state.replaceUnitNotices(
      runId,
      dossier,
      entity,
      notices.map((notice) => ({ ...notice, line: notice.line ?? null })),
    );
  if (!dryRun && status === 'done') {
    ({ removed } = await target.finishLoad(dossier, entity, { runId, mode, done: true, ...counts }));
  }
  return { status, counts: withNew(counts), notices, samples: unitSamples, removed };
};
