import type { EntityName } from '../../core/model/canonical-model.js';
import { noticeIdentity, type SourceNotice } from '../../core/record-source.js';
import type { LedgerEntry, StateStore, StepCounts } from '../../store/state/state-store.js';
import type { TargetStore } from '../../store/target/target-store.js';
import { compileEntityMapping } from '../map/compile-entity-mapping.js';
import { loadReferenceRedirects } from '../dedupe/reference-redirects.js';
import { entityLoadOrder, mappedReferences } from '../plan/entity-order.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import { planInputs, type EntityInputs } from './dossier-inputs.js';
import { sharedSourceReads } from './shared-source-reads.js';
import { loadEntity, type DryRunKeys, type LoadEntityResult, type UnitRestart } from './load-entity.js';
import { noDossierFound } from './no-dossier-found.js';
import { planDossierIds } from './plan-dossiers.js';
import { NO_DOSSIER } from './dossier-records.js';
import { readRegistry } from './read-registry.js';
import { refuseUnknownDossiers } from './refuse-unknown-dossiers.js';
import { RowsChangedOnResume } from './rows-changed-on-resume.js';
import { createRunEta } from './run-eta.js';
import { isUnreadableFile } from './unreadable-file.js';

export interface RunProgress {
  readonly runId: string;
  readonly dossiersDone: number;
  readonly dossiersTotal: number;
  readonly records: number;
  readonly elapsedMs: number;
  readonly recordsPerSecond: number;
  /**
   * Estimated time left, from the bytes of the files read so far (see RunEta), or, when a source is a database, from
   * the share of dossiers done; undefined until there is something to go by.
   */
  readonly etaMs: number | undefined;
  readonly dossier: string | undefined;
  readonly entity: EntityName | undefined;
}

export interface RunOptions {
  readonly loaded: LoadedPlan;
  readonly state: StateStore;
  /** Absent for a dry run. */
  readonly target: TargetStore | undefined;
  /** `run`, or `replay` (limited to `only`). */
  readonly command?: 'run' | 'replay';
  /** Restrict the run to these dossiers. */
  readonly dossiers?: readonly string[];
  /**
   * Restrict the run to these (dossier, entity) units, as `dossier/entity` (dossier `*`: the entity in every dossier),
   * and, when it resumes a run, the units that run began as well.
   */
  readonly only?: ReadonlySet<string>;
  readonly onProgress?: (progress: RunProgress) => void;
}

export interface DossierOutcome {
  readonly id: string;
  readonly status: 'done' | 'threshold_crossed' | 'unreadable';
  readonly entities: Record<string, StepCounts>;
}

/** A dossier stopped by its rejects: the entity whose rejects crossed, what it had read, and the ratio it went past. */
export interface ThresholdCrossing {
  readonly dossier: string;
  readonly entity: EntityName;
  readonly rejected: number;
  readonly records: number;
  readonly maxRejectedRatio: number;
}

/** A dossier a source file of which could not be read at all (missing, not of its type): the others went on. */
export interface UnreadableDossier {
  readonly id: string;
  readonly entity: EntityName;
  readonly message: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly resumed: boolean;
  readonly dryRun: boolean;
  readonly planHash: string;
  /** `unreadable_sources` wins over `threshold_crossed`: the run is left unfinished, for the same command to resume. */
  readonly status: 'succeeded' | 'threshold_crossed' | 'unreadable_sources';
  readonly dossiers: {
    readonly total: number;
    readonly done: number;
    readonly thresholdCrossed: readonly string[];
    readonly unreadable: readonly UnreadableDossier[];
  };
  /** The dossiers of `dossiers.thresholdCrossed`, each with what stopped it. */
  readonly thresholds: readonly ThresholdCrossing[];
  readonly records: {
    readonly read: number;
    readonly loaded: number;
    /** Absorbed by a survivor of `cutover dedupe`: no row of their own. */
    readonly merged: number;
    readonly skipped: number;
    readonly rejected: number;
  };
  readonly entities: Record<string, StepCounts>;
  readonly removedStaleRows: number;
  readonly elapsedMs: number;
  readonly recordsPerSecond: number;
  readonly notices: readonly (SourceNotice & { source: string; dossier: string; entity: string })[];
  readonly rejectedSamples: readonly LedgerEntry[];
  readonly perDossier: readonly DossierOutcome[];
}

/** One dossier's units as loadDossier ran them, before the run's totals count them. */
interface DossierAttempt {
  readonly status: DossierOutcome['status'];
  readonly entities: Record<string, StepCounts>;
  readonly units: readonly {
    readonly entity: EntityName;
    readonly result: LoadEntityResult;
    readonly maxRejectedRatio: number | undefined;
  }[];
  readonly sourcesOpened: number;
  readonly unreadable?: UnreadableDossier;
}

const addCounts = (a: StepCounts, b: StepCounts): StepCounts => ({
  recordsRead: a.recordsRead + b.recordsRead,
  loaded: a.loaded + b.loaded,
  skipped: a.skipped + b.skipped,
  rejected: a.rejected + b.rejected,
  repeats: a.repeats + b.repeats,
  ...(a.merged === undefined && b.merged === undefined ? {} : { merged: (a.merged ?? 0) + (b.merged ?? 0) }),
  ...(a.new === undefined && b.new === undefined
    ? {}
    : {
        new: (a.new ?? 0) + (b.new ?? 0),
        updated: (a.updated ?? 0) + (b.updated ?? 0),
        unchanged: (a.unchanged ?? 0) + (b.unchanged ?? 0),
      }),
});
const zero: StepCounts = { recordsRead: 0, loaded: 0, skipped: 0, rejected: 0, repeats: 0 };
/** The most rejected records a run's summary gives (`rejectedSamples`): the first ones, unit after unit. */
const MAX_RUN_SAMPLES = 50;

/**
 * A dossier no registry lists, found by its FEC files' folder: the SIREN their names give (`SIRENFECYYYYMMDD.txt`)
 * is its `siren` attribute, as a registry would give it, so that `fec export` names its file as the norm asks.
 */
const sirenAttribute = (
  inputs: ReadonlyMap<EntityName, EntityInputs>,
  dossier: string,
): Record<string, string> => {
  for (const input of inputs.values()) {
    const siren = input.siren?.(dossier);
    if (siren !== undefined) return { siren };
  }
  return {};
};

/**
 * Runs the plan over its dossiers: every entity of every dossier, parents first. Resumes the last unfinished run
 * of the same plan version, so the same command after a crash ends with the same target and ledger as a run
 * that was never interrupted.
 */
export const runMigration = async (options: RunOptions): Promise<RunSummary> => {
  const { loaded, state, target } = options;
  const { plan } = loaded;
  const dryRun = target === undefined;
  const command = dryRun ? 'dry-run' : (options.command ?? 'run');
  const started = Date.now();

  const order = entityLoadOrder(plan);
  const inputs = await planInputs(plan, loaded.baseDir);

  const registry = await readRegistry(plan, loaded.baseDir);
  const known = new Map(registry.map((dossier) => [dossier.id, dossier]));
  const planned = await planDossierIds(inputs, registry);
  // Records once rejected NO_DOSSIER whose dossier column has since been filled: their pseudo-dossier is no longer
  // named by any source, yet its ledger still holds them, so it is run once more, reads nothing, and its entries
  // are replaced by none (the records now have their fate in their dossier). It has no target rows to lose; a real
  // dossier that leaves the sources is not run, so that a missing folder never empties a dossier of the target.
  if (
    !planned.includes(NO_DOSSIER) &&
    (await state.ledgerCounts()).some((row) => row.dossierId === NO_DOSSIER)
  )
    planned.push(NO_DOSSIER);
  const allDossiers = planned.map(
    (id) => known.get(id) ?? { id, name: null, attributes: sirenAttribute(inputs, id) },
  );
  if (options.dossiers !== undefined)
    refuseUnknownDossiers(
      options.dossiers,
      allDossiers.map((dossier) => dossier.id),
    );
  const wanted = options.dossiers === undefined ? undefined : new Set(options.dossiers);
  const selected = wanted === undefined ? allDossiers : allDossiers.filter((d) => wanted.has(d.id));

  // Only once the dossiers are known and the command line accepted: a run recorded before the refusal of an unknown
  // --dossier (or a registry that cannot be read) stayed 'running', so the next dedupe was refused as unfinished
  // work, evidence named that run, and the next run said it resumed it.
  await state.savePlanVersion(loaded.hash, plan.name, loaded.text);
  const unfinished = dryRun ? undefined : await state.unfinishedRun(command);
  const resumed = unfinished !== undefined && unfinished.planHash === loaded.hash;
  if (unfinished !== undefined && !resumed)
    await state.finishRun(unfinished.id, 'abandoned', { reason: 'plan changed' });
  const run = resumed ? unfinished : await state.createRun(loaded.hash, command);
  const { only } = options;
  // A resumed replay runs the units its killed invocation began too, not only those of its list: the list is made
  // afresh from the ledger's rejects and the unfinished loads, so a unit that invocation finished (a parent run again
  // with its child, its rejects now loaded) is left out, yet must be read again with the rest of its dossier when the
  // dossier's files changed since (below); when they did not, it is done and not read.
  const begun =
    resumed && only !== undefined && target !== undefined
      ? new Set((await target.runLoads(run.id)).map((unit) => `${unit.dossier}/${unit.entity}`))
      : undefined;
  const inRun = (dossier: string, entity: EntityName) =>
    only === undefined ||
    only.has(`${dossier}/${entity}`) ||
    only.has(`*/${entity}`) ||
    begun?.has(`${dossier}/${entity}`) === true;
  // A replay runs some units only: the dossiers it counts, reads and shows as done are those holding one of them, not
  // every dossier of the plan ("dossiers 31/31 done" for a replay of three).
  const running =
    only === undefined
      ? selected
      : selected.filter((dossier) => order.some((entity) => inRun(dossier.id, entity)));
  if (!dryRun) {
    await state.upsertDossiers(selected);
    await target.upsertDossiers(selected);
  }

  const mappings = new Map(
    order.map((entity) => [entity, compileEntityMapping(entity, plan.entities[entity]!)]),
  );
  const references = new Map(order.map((entity) => [entity, mappedReferences(plan, entity)]));

  // The bytes each unit reads, for an ETA from the first seconds (see RunEta); none when a source is a database.
  const unitBytes = new Map<string, number>();
  let plannedByDossier: Map<string, number> | undefined = new Map();
  for (const dossier of running) {
    let dossierBytes = 0;
    for (const entity of order) {
      if (!inRun(dossier.id, entity)) continue;
      const bytes = inputs.get(entity)!.bytes(dossier.id);
      if (bytes === undefined) {
        plannedByDossier = undefined;
        break;
      }
      unitBytes.set(`${dossier.id}/${entity}`, bytes);
      dossierBytes += bytes;
    }
    if (plannedByDossier === undefined) break;
    plannedByDossier.set(dossier.id, dossierBytes);
  }
  const eta = createRunEta(plannedByDossier);

  let records = 0;
  let dossiersDone = 0;
  let lastProgress = 0;
  const progress = (dossier: string | undefined, entity: EntityName | undefined, force = false) => {
    const now = Date.now();
    if (options.onProgress === undefined || (!force && now - lastProgress < 200)) return;
    lastProgress = now;
    const elapsedMs = now - started;
    options.onProgress({
      runId: run.id,
      dossiersDone,
      dossiersTotal: running.length,
      records,
      elapsedMs,
      recordsPerSecond: elapsedMs > 0 ? (records * 1000) / elapsedMs : 0,
      etaMs:
        eta.etaMs(elapsedMs) ??
        (dossiersDone === 0 ? undefined : (elapsedMs * (running.length - dossiersDone)) / dossiersDone),
      dossier,
      entity,
    });
  };

  const perDossier: DossierOutcome[] = [];
  const thresholds: ThresholdCrossing[] = [];
  // A run that finds no dossier at all reads nothing: said, with the sources' reasons, not left as "dossiers 0/0".
  const notices: RunSummary['notices'][number][] =
    allDossiers.length === 0
      ? (await noDossierFound(inputs, plan.entities)).map((notice) => ({ ...notice, dossier: '' }))
      : [];
  const seenNotices = new Set<string>();
  const rejectedSamples: LedgerEntry[] = [];
  const entityTotals: Record<string, StepCounts> = {};
  let removedStaleRows = 0;
  const reads = sharedSourceReads(Object.values(plan.entities).map((entity) => entity.source));
  const unreadable: UnreadableDossier[] = [];
  /**
   * Loads the units of one dossier in order (parents first), until one crosses its threshold; a file that cannot be
   * read stops the dossier (the others go on). What it loaded is returned, for the run's totals to count once: a
   * dossier started over midway (RowsChangedOnResume, thrown through) counts only its last attempt.
   */
  const loadDossier = async (
    dossier: string,
    restarted: ReadonlyMap<EntityName, UnitRestart>,
    stamps: ReadonlyMap<EntityName, string>,
  ): Promise<DossierAttempt> => {
    const dryRunKeys: DryRunKeys = new Map();
    const entities: Record<string, StepCounts> = {};
    const units: DossierAttempt['units'][number][] = [];
    let status: DossierOutcome['status'] = 'done';
    let current: EntityName | undefined;
    let sourcesOpened = 0;
    try {
      for (const entity of order) {
        current = entity;
        if (!inRun(dossier, entity)) continue;
        const entityPlan = plan.entities[entity]!;
        const maxRejectedRatio = entityPlan.thresholds?.maxRejectedRatio ?? plan.thresholds.maxRejectedRatio;
        const entityInput = inputs.get(entity)!;
        const sources = reads.share(entityPlan.source, entityInput.open(dossier));
        sourcesOpened += sources.length;
        eta.startUnit(unitBytes.get(`${dossier}/${entity}`) ?? 0, sources);
        // What the plan's path tells of this dossier (its folder holds no file of the path's name), then the read's.
        const pathNotices = (entityInput.notices?.(dossier) ?? []).map((notice) => ({
          ...notice,
          source: 'path' in entityPlan.source ? entityPlan.source.path : '',
        }));
        const stamp = stamps.get(entity);
        const result = await loadEntity({
          runId: run.id,
          dossier,
          entity,
          plan: entityPlan,
          map: mappings.get(entity)!,
          references: references.get(entity)!,
          redirects: await loadReferenceRedirects(state, dossier, plan, references.get(entity)!),
          sources,
          pathNotices,
          ...(stamp === undefined ? {} : { sourceStamp: stamp }),
          ...(restarted.has(entity) ? { restarted: restarted.get(entity)! } : {}),
          filterField: entityInput.filterField,
          batchSize: plan.batchSize,
          maxRejectedRatio,
          // The run's summary counts this dossier's samples once its attempt is kept (below).
          samplesWanted: Math.max(
            0,
            MAX_RUN_SAMPLES -
              rejectedSamples.length -
              units.reduce((count, unit) => count + unit.result.samples.length, 0),
          ),
          target,
          state,
          dryRunKeys,
          onRecords: (count) => {
            records += count;
            progress(dossier, entity);
          },
        });
        eta.endUnit();
        entities[entity] = result.counts;
        units.push({ entity, result, maxRejectedRatio });
        if (!dryRun) {
          await state.saveStep(run.id, dossier, entity, result.status, result.counts);
        }
        if (result.status === 'threshold_crossed') {
          status = 'threshold_crossed';
          break;
        }
      }
    } catch (error) {
      // One dossier's file that cannot be read stops that dossier, not the wave: the others are migrated, and the
      // run is left unfinished so that, the file fixed, the same command resumes it (done units are not redone).
      if (!isUnreadableFile(error) || current === undefined) throw error;
      return {
        status: 'unreadable',
        entities,
        units,
        sourcesOpened,
        unreadable: { id: dossier, entity: current, message: error.message },
      };
    }
    return { status, entities, units, sourcesOpened };
  };
  for (const dossier of running) {
    // Every unit's files are stamped before the dossier's first read: entities reading one file (a FEC) replay the
    // records of the first one's read (sharedSourceReads), so a stamp taken when a later unit begins may be of a file
    // written over since, and a resume would then skip by position records that were never those of that file.
    const stamps = new Map<EntityName, string>();
    for (const entity of order) {
      const stamp = inRun(dossier.id, entity) ? inputs.get(entity)!.stamp?.(dossier.id) : undefined;
      if (stamp !== undefined) stamps.set(entity, stamp);
    }
    // A resume whose sources changed since this run began reading them starts over every unit of the dossier that
    // this run began, the finished ones too: the entities of one file (a FEC's journals, accounts... lines) or of
    // files that refer to each other must all be of the same files, or a line on an account the new export adds is
    // rejected, the account being loaded from the old one. All are marked first, so that a kill midway leaves each
    // one either restarted or still stamped with the old files (and restarted by the next resume).
    const restartBegun = async (
      changed: ReadonlyMap<EntityName, UnitRestart>,
      by: 'files' | 'rows',
    ): Promise<Map<EntityName, UnitRestart>> => {
      const restarted = new Map<EntityName, UnitRestart>();
      if (target === undefined) return restarted;
      for (const entity of order) {
        if (!inRun(dossier.id, entity) || (await target.checkpoint(dossier.id, entity))?.runId !== run.id)
          continue;
        await target.restartLoad(dossier.id, entity, run.id);
        await state.clearLedger(dossier.id, entity);
        const stamp = stamps.get(entity);
        if (stamp !== undefined) await state.saveUnitSourceStamp(run.id, dossier.id, entity, stamp);
        restarted.set(entity, changed.get(entity) ?? { cause: 'dossier', by });
      }
      return restarted;
    };
    let restarted = new Map<EntityName, UnitRestart>();
    if (target !== undefined) {
      const changed = new Map<EntityName, UnitRestart>();
      for (const [entity, stamp] of stamps) {
        const began = await state.unitSourceStamp(run.id, dossier.id, entity);
        if (began !== undefined && began !== stamp) changed.set(entity, { cause: 'files' });
      }
      if (changed.size > 0) restarted = await restartBegun(changed, 'files');
    }
    // A database table has no stamp: its load, resumed, finds out while it replays the records its checkpoint
    // counts (RowsChangedOnResume, before it writes anything), and the dossier is then started over the same way.
    // Once at most: a unit started over resumes nothing, so nothing is replayed and checked again.
    let attempt: DossierAttempt;
    for (;;) {
      try {
        attempt = await loadDossier(dossier.id, restarted, stamps);
        break;
      } catch (error) {
        if (
          !(error instanceof RowsChangedOnResume) ||
          [...restarted.values()].some((r) => r.cause === 'rows')
        )
          throw error;
        restarted = await restartBegun(
          new Map([[error.entity, { cause: 'rows', found: error.found }]]),
          'rows',
        );
      } finally {
        reads.clear();
      }
    }
    eta.endDossier(dossier.id);
    const { entities, sourcesOpened } = attempt;
    const status = attempt.status;
    for (const { entity, result, maxRejectedRatio } of attempt.units) {
      entityTotals[entity] = addCounts(entityTotals[entity] ?? zero, result.counts);
      removedStaleRows += result.removed;
      // The unit's notices, stored by its load (before its done mark); those of a unit this run finished before
      // a kill are repeated, so that a resumed run's summary tells of the whole run, not of what it read itself.
      for (const notice of result.notices) {
        // Said once, under the first entity that read it.
        const key = `${dossier.id}\u0000${noticeIdentity(notice)}`;
        if (seenNotices.has(key)) continue;
        seenNotices.add(key);
        notices.push({ ...notice, dossier: dossier.id, entity });
      }
      rejectedSamples.push(...result.samples.slice(0, MAX_RUN_SAMPLES - rejectedSamples.length));
      if (result.status === 'threshold_crossed')
        thresholds.push({
          dossier: dossier.id,
          entity,
          rejected: result.counts.rejected,
          records: result.counts.recordsRead - result.counts.repeats,
          maxRejectedRatio: maxRejectedRatio ?? 0,
        });
    }
    if (attempt.unreadable !== undefined) unreadable.push(attempt.unreadable);
    if (status === 'done' && sourcesOpened === 0 && options.only === undefined && order.length > 0) {
      // A client of the registry whose folder holds nothing the plan reads (a FEC named export_2023.txt where the
      // plan reads *FEC*.txt): done, with nothing read, which reconcile proves as well. Said, not taken for a fact.
      const notice = {
        code: 'DOSSIER_WITHOUT_SOURCES',
        message: `dossier ${dossier.id} has no source file for any entity of the plan: nothing was read for it (are its files named as the plan's paths say?)`,
        source: '',
      };
      // A resume of a run that said it already has it from the stored notices of the dossier's first unit.
      const key = `${dossier.id}\u0000${noticeIdentity(notice)}`;
      if (!seenNotices.has(key)) {
        seenNotices.add(key);
        notices.push({ ...notice, dossier: dossier.id, entity: order[0]! });
        if (!dryRun)
          await state.addNotices([
            { runId: run.id, dossierId: dossier.id, entity: order[0]!, ...notice, line: null },
          ]);
      }
    }
    dossiersDone++;
    perDossier.push({ id: dossier.id, status, entities });
    progress(dossier.id, undefined, true);
  }

  const totals = Object.values(entityTotals).reduce(addCounts, zero);
  const thresholdCrossed = perDossier
    .filter((dossier) => dossier.status === 'threshold_crossed')
    .map((d) => d.id);
  const elapsedMs = Date.now() - started;
  const summary: RunSummary = {
    runId: run.id,
    resumed,
    dryRun,
    planHash: loaded.hash,
    status:
      unreadable.length > 0
        ? 'unreadable_sources'
        : thresholdCrossed.length > 0
          ? 'threshold_crossed'
          : 'succeeded',
    dossiers: {
      total: running.length,
      done: perDossier.filter((dossier) => dossier.status === 'done').length,
      thresholdCrossed,
      unreadable,
    },
    thresholds,
    records: {
      read: totals.recordsRead - totals.repeats,
      loaded: totals.loaded,
      merged: totals.merged ?? 0,
      skipped: totals.skipped,
      rejected: totals.rejected,
    },
    entities: entityTotals,
    removedStaleRows,
    elapsedMs,
    recordsPerSecond:
      elapsedMs > 0 ? Math.round(((totals.recordsRead - totals.repeats) * 1000) / elapsedMs) : 0,
    notices,
    rejectedSamples,
    perDossier,
  };
  // Left unfinished when a file could not be read (a dry run writes nothing to resume, so it is finished), and when
  // a `--dossier` selection resumed a run that had worked on other dossiers: those are still to do, and the next
  // complete command resumes it (finished here, it said the whole run succeeded, and the next run started afresh).
  const partOfAnUnfinishedRun =
    resumed &&
    wanted !== undefined &&
    (await state.steps(run.id)).some((step) => !wanted.has(step.dossierId));
  if ((unreadable.length === 0 && !partOfAnUnfinishedRun) || dryRun)
    await state.finishRun(run.id, summary.status, {
      ...summary,
      perDossier: undefined,
      rejectedSamples: undefined,
    });
  return summary;
};
