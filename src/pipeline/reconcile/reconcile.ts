import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fixedShapeMaker, propertyReader } from '../../core/fixed-shape.js';
import { groupBy } from '../../core/group-by.js';
import { removeLeftoversOfGoneProcesses } from '../../core/process-alive.js';
import { isEntityName, type EntityName } from '../../core/model/canonical-model.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import type { LedgerEntry, StateStore } from '../../store/state/state-store.js';
import { targetColumns } from '../../store/target/target-ddl.js';
import { crossDossierReference } from '../../store/target/target-sql.js';
import type { TargetStore } from '../../store/target/target-store.js';
import { compileEntityMapping } from '../map/compile-entity-mapping.js';
import { sourceColumnsCheck } from '../map/source-columns-check.js';
import { entityLoadOrder, mappedReferences } from '../plan/entity-order.js';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import { planInputs } from '../run/dossier-inputs.js';
import { loadMergeMap } from '../dedupe/merge-map.js';
import { isStaleMerge } from '../dedupe/is-stale-merge.js';
import { loadReferenceRedirects } from '../dedupe/reference-redirects.js';
import { createDossierRecords } from '../run/dossier-records.js';
import { planDossierIds } from '../run/plan-dossiers.js';
import { readRegistry } from '../run/read-registry.js';
import { refuseUnknownDossiers } from '../run/refuse-unknown-dossiers.js';
import { isUnreadableFile } from '../run/unreadable-file.js';
import { sharedSourceReads } from '../run/shared-source-reads.js';
import { createAccountingProof, type AccountingProof } from './accounting-proof.js';
import { recordHash } from './record-hash.js';

export interface EntityReconciliation {
  readonly entity: EntityName;
  /** Records of the entity read again from the source now. */
  readonly source: number;
  readonly loaded: number;
  /** Absorbed by a survivor (`cutover dedupe`): stood for by the survivor's row. */
  readonly merged: number;
  readonly skipped: number;
  readonly rejected: number;
  /** source - (loaded + merged + skipped + rejected): must be 0. */
  readonly unaccounted: number;
  /** Target rows for this dossier and entity. */
  readonly targetRows: number;
  /** Target rows whose content differs from the record mapped from the source now. */
  readonly contentMismatches: number;
  /** Target rows with no source record (not loaded by this plan from this source). */
  readonly extraInTarget: number;
  /**
   * Source records with no target row and no fate in the ledger: loaded and deleted from the target since, or never
   * loaded. Each is also unaccounted; these are the ones that can be named.
   */
  readonly missingFromTarget: number;
  /** Target rows whose reference points to no row. */
  readonly orphans: number;
  /**
   * Merged records whose survivor has no target row: nothing would stand for them. The load rejects such records
   * (`SURVIVOR_NOT_LOADED`), so this counts rows that went missing afterwards, behind cutover's back.
   */
  readonly mergedIntoMissing: number;
  /**
   * Records whose reference named a record merged by `cutover dedupe` (a deal of a contact typed twice): loaded,
   * and compared here, as pointing to its survivor. Listed so that key users know their records moved.
   */
  readonly referencesToMerged: number;
  /**
   * Survivors and absorbed records whose source record changed since `cutover dedupe` made their golden record:
   * the target holds values of the record as it was (a change to the survivor, or to a record it absorbed, never
   * reached the target). `cutover dedupe` then `cutover run` bring the golden record up to date.
   */
  readonly staleMerges: number;
  /**
   * Records `cutover dedupe` merged into a survivor that still have a target row of their own: no run has applied
   * the merges since, so the survivors' golden records and the references to merged records differ until one does.
   * Absent when there are none.
   */
  readonly pendingMerges?: number;
  /**
   * Records the ledger says merged that are no longer (`cutover dedupe undo`, or the plan's `dedupe` section taken
   * out) since the last run: no row of their own until a run loads them, and their survivors' rows and the
   * references to them differ until then. Absent when there are none.
   */
  readonly pendingUnmerges?: number;
  /** A few source keys with differences, to start looking. */
  readonly samples: readonly string[];
  /**
   * The plan no longer maps this entity, but a run of the plan loaded it into this dossier: its target rows are
   * left from then (all counted in extraInTarget), to delete or to map again.
   */
  readonly notInPlan?: true;
  readonly ok: boolean;
}

export interface AccountBalance {
  readonly account: string;
  readonly sourceDebit: string;
  readonly sourceCredit: string;
  readonly targetDebit: string;
  readonly targetCredit: string;
  /** Amounts of source lines that were mapped but rejected at load (unknown parent, duplicate key). */
  readonly rejectedDebit: string;
  readonly rejectedCredit: string;
  readonly ok: boolean;
}

export interface DossierReconciliation {
  readonly id: string;
  readonly ok: boolean;
  /** A dossier of the plan that no run has loaded: its source records are unaccounted. */
  readonly notMigrated?: true;
  /** Why a source file of the dossier could not be read: it is not proven (no entity is listed). */
  readonly unreadable?: string;
  /**
   * No source of the plan was there to read for it (a client whose folder holds no file of the plan's path: the
   * run's DOSSIER_WITHOUT_SOURCES): its identity holds with nothing on either side, which proves nothing of its
   * records, so it is told apart from a dossier proven on its records (the exit code is the identity's alone).
   */
  readonly nothingRead?: true;
  readonly entities: readonly EntityReconciliation[];
  /** Accounting: per-account debit and credit totals, source against target (entry lines). */
  readonly balances?: {
    readonly sourceDebit: string;
    readonly sourceCredit: string;
    readonly targetDebit: string;
    readonly targetCredit: string;
    /** Accounts whose target totals differ from the source beyond what rejected lines explain. */
    readonly differences: readonly AccountBalance[];
    readonly accounts: number;
  };
  /** Accounting: the full proof (trial balances, journals per month, lettering, opening balances), to the line. */
  readonly accounting?: AccountingProof;
}

export interface Reconciliation {
  readonly ok: boolean;
  readonly dossiers: readonly DossierReconciliation[];
  readonly totals: {
    readonly dossiers: number;
    readonly dossiersOk: number;
    /** Of `dossiersOk`, those proven with nothing read (`nothingRead`). */
    readonly dossiersNothingRead: number;
    readonly source: number;
    readonly loaded: number;
    readonly merged: number;
    readonly skipped: number;
    readonly rejected: number;
    readonly unaccounted: number;
    readonly contentMismatches: number;
    readonly referencesToMerged: number;
  };
}

/** Where the accounting proof finds what it needs in the mapped values (target column names). */
const proofColumns = {
  journal: { kind: 'kind' },
  entry: { journal: 'journal_id', date: 'date', fiscalYear: 'fiscal_year_id' },
  entry_line: {
    entry: 'entry_id',
    account: 'account_id',
    auxiliaryAccount: 'third_party_id',
    debit: 'debit',
    credit: 'credit',
    lettering: 'lettering_code',
  },
} as const;

const isProofEntity = (entity: EntityName): entity is keyof typeof proofColumns => entity in proofColumns;

/** `cutover-reconcile-PID-XXXXXX`: a scratch folder, named after the process that made it and removes it. */
const scratchName = /^cutover-reconcile-(?<pid>\d+)-[^/]+$/;

/**
 * A new folder for a reconciler's scratch file (hashes and proof rows of the dossier at hand), in `parent` (the
 * temp dir), named after this process; the folders there of reconciles that were killed are removed first.
 */
export const scratchFolder = (parent: string = tmpdir()): string => {
  // A reconcile killed with `kill -9` (or out of memory) removes nothing, and its folders can be large.
  removeLeftoversOfGoneProcesses(parent, scratchName);
  return mkdtempSync(join(parent, `cutover-reconcile-${process.pid}-`));
};

/** The dossiers a reconciliation covers: those of the state store, or the ones asked for, in the store's order. */
export const dossiersToReconcile = async (
  loaded: LoadedPlan,
  state: StateStore,
  only?: readonly string[],
): Promise<string[]> => {
  // The plan's dossiers, run or not (a dossier never migrated is not proven, it is unaccounted), and those its runs
  // loaded (a dossier migrated earlier whose source is gone is reconciled against nothing, not skipped). The state
  // store serves this plan only (another plan's is refused when opened).
  const known = [
    ...new Set([
      ...(await planDossierIds(
        await planInputs(loaded.plan, loaded.baseDir),
        await readRegistry(loaded.plan, loaded.baseDir),
      )),
      ...(await state.dossiersLoadedByPlan(loaded.plan.name)),
    ]),
  ].sort();
  if (only === undefined) return known;
  // A mistyped id must not pass for a dossier that reconciles (0 dossiers, all ok).
  refuseUnknownDossiers(only, known);
  const wanted = new Set(only);
  return known.filter((id) => wanted.has(id));
};

/** Reconciles one dossier at a time, with what all dossiers share (plan inputs, ledger counts, scratch file) set up once. */
export interface Reconciler {
  reconcileDossier(dossier: string): Promise<DossierReconciliation>;
  /** Removes the scratch file. */
  close(): void;
}

/**
 * Proves, per dossier and entity, that every source record is accounted for and arrived intact: it reads the
 * source again, maps it with the plan, and compares it with the target read back and the ledger. Hashes go to a
 * scratch SQLite file so that the comparison is a join, whatever the size.
 */
export const openReconciler = async (options: {
  loaded: LoadedPlan;
  state: StateStore;
  target: TargetStore;
  /** An empty folder for the scratch file, made by a caller that removes it itself; else one in the temp dir. */
  scratchDir?: string;
}): Promise<Reconciler> => {
  const { loaded, state, target } = options;
  const plan = loaded.plan;
  const order = entityLoadOrder(plan);
  const inputs = await planInputs(plan, loaded.baseDir);
  const entitiesLoaded = await state.entitiesLoadedByPlan(plan.name);
  const migrated = new Set(entitiesLoaded.keys());
  const ledger = new Map<string, number>();
  for (const row of await state.ledgerCounts())
    ledger.set(`${row.dossierId}/${row.entity}/${row.fate}`, row.count);

  const folder = options.scratchDir ?? scratchFolder();
  const scratch = new Database(join(folder, 'scratch.db'));
  scratch.pragma('journal_mode = OFF');
  scratch.pragma('synchronous = OFF');
  scratch.exec(`CREATE TABLE src (k TEXT PRIMARY KEY, h TEXT NOT NULL);
                CREATE TABLE tgt (k TEXT PRIMARY KEY, h TEXT NOT NULL);
                CREATE TABLE fated (k TEXT PRIMARY KEY)`);
  const insertFated = scratch.prepare('INSERT OR IGNORE INTO fated (k) VALUES (?)');
  const insertSource = scratch.prepare('INSERT OR IGNORE INTO src (k, h) VALUES (?, ?)');
  const proof = createAccountingProof(scratch);
  const toProof = (
    side: 'source' | 'target',
    entity: EntityName,
    key: string,
    named: Record<string, unknown>,
  ) => {
    if (entity === 'journal') proof.journal(side, key, named[proofColumns.journal.kind]);
    else if (entity === 'entry') {
      const columns = proofColumns.entry;
      proof.entry(side, key, {
        journal: named[columns.journal],
        date: named[columns.date],
        fiscalYear: named[columns.fiscalYear],
      });
    } else if (entity === 'entry_line') {
      const columns = proofColumns.entry_line;
      proof.line(side, key, {
        entry: named[columns.entry],
        account: named[columns.account],
        auxiliaryAccount: named[columns.auxiliaryAccount],
        debit: named[columns.debit],
        credit: named[columns.credit],
        lettering: named[columns.lettering],
      });
    }
  };
  const insertTarget = scratch.prepare('INSERT OR IGNORE INTO tgt (k, h) VALUES (?, ?)');
  // One pass over the target's hashes: rows with a source record (loaded), of which differing, and rows with none.
  const compareHashes = scratch.prepare(
    `SELECT count(src.k) AS loaded, coalesce(sum(src.k IS NOT NULL AND tgt.h <> src.h), 0) AS mismatches,
       coalesce(sum(src.k IS NULL), 0) AS extra
     FROM tgt LEFT JOIN src USING (k)`,
  );
  const differingKeys = scratch.prepare(
    `SELECT k FROM (SELECT tgt.k FROM tgt JOIN src USING (k) WHERE tgt.h <> src.h
       UNION ALL SELECT k FROM tgt WHERE NOT EXISTS (SELECT 1 FROM src WHERE src.k = tgt.k)) LIMIT 10`,
  );
  const hasTargetRow = scratch.prepare('SELECT 1 FROM tgt WHERE k = ?');
  // Source records neither in the target nor given a fate by the ledger: what no one can account for, by name.
  const missingWhere = `NOT EXISTS (SELECT 1 FROM tgt WHERE tgt.k = src.k)
    AND NOT EXISTS (SELECT 1 FROM fated WHERE fated.k = src.k)`;
  const countMissing = scratch.prepare(`SELECT count(*) AS n FROM src WHERE ${missingWhere}`);
  const anyWithoutTargetRow = scratch.prepare(
    'SELECT 1 FROM src WHERE NOT EXISTS (SELECT 1 FROM tgt WHERE tgt.k = src.k) LIMIT 1',
  );
  const missingKeys = scratch.prepare(`SELECT k FROM src WHERE ${missingWhere} ORDER BY k LIMIT 10`);

  // Per entity, made once for all dossiers: values by column name from values in target column order (one compiled
  // object literal), and a reader per column of the values read back (one shared `values[column.name]` would make
  // V8's access site megamorphic).
  const accessOf = new Map(
    order.map((entity) => {
      const names = targetColumns(entity).map((column) => column.name);
      return [entity, { byName: fixedShapeMaker(names), valueReaders: names.map(propertyReader) }] as const;
    }),
  );

  // Entities read off one file (a FEC) read it once per dossier, as in the run.
  const reads = sharedSourceReads(Object.values(plan.entities).map((entity) => entity.source));
  // A dossier whose source file cannot be read cannot be proven: it is reported so, and the others are reconciled.
  const reconcileDossier = async (dossier: string): Promise<DossierReconciliation> => {
    try {
      return await reconcileReadable(dossier);
    } catch (error) {
      if (!isUnreadableFile(error)) throw error;
      reads.clear();
      return {
        id: dossier,
        ok: false,
        ...(migrated.has(dossier) ? {} : { notMigrated: true as const }),
        unreadable: error.message,
        entities: [],
      };
    }
  };
  /**
   * Entities a run of this plan loaded into the dossier that the plan no longer maps: rows left in the target that
   * nothing proves any more (another plan's entities sharing the target are not this plan's to judge).
   */
  const entitiesNoLongerMapped = async (dossier: string): Promise<EntityReconciliation[]> => {
    const left: EntityReconciliation[] = [];
    for (const name of entitiesLoaded.get(dossier) ?? []) {
      if (!isEntityName(name) || plan.entities[name] !== undefined) continue;
      const targetRows = await target.countRows(name, dossier);
      if (targetRows === 0) continue;
      const samples: string[] = [];
      for await (const batch of target.readRows(name, dossier, 10)) {
        samples.push(...batch.map((row) => row.sourceKey));
        break;
      }
      left.push({
        entity: name,
        source: 0,
        loaded: 0,
        merged: 0,
        skipped: 0,
        rejected: 0,
        unaccounted: 0,
        targetRows,
        contentMismatches: 0,
        extraInTarget: targetRows,
        missingFromTarget: 0,
        orphans: 0,
        mergedIntoMissing: 0,
        referencesToMerged: 0,
        staleMerges: 0,
        samples: samples.slice(0, 10),
        notInPlan: true,
        ok: false,
      });
    }
    return left;
  };

  const reconcileReadable = async (dossier: string): Promise<DossierReconciliation> => {
    const entities: EntityReconciliation[] = [];
    proof.reset();
    // As the run counts them for DOSSIER_WITHOUT_SOURCES: a source opened for the dossier, empty or not.
    let sourcesOpened = 0;
    for (const entity of order) {
      scratch.exec('DELETE FROM src; DELETE FROM tgt; DELETE FROM fated');
      const entityPlan = plan.entities[entity]!;
      const map = compileEntityMapping(entity, entityPlan);
      const checkColumns = sourceColumnsCheck(entity, entityPlan, { notices: false });
      const columns = targetColumns(entity);
      const { byName, valueReaders } = accessOf.get(entity)!;
      const inProof = isProofEntity(entity);
      const input = inputs.get(entity)!;
      // A survivor's row holds its golden record: that is what its content is compared with.
      const merges = await loadMergeMap(state, dossier, entity, entityPlan);
      // A reference to a merged parent was loaded as a reference to its survivor: compare it as such.
      const redirects = [
        ...(await loadReferenceRedirects(state, dossier, plan, mappedReferences(plan, entity))),
      ].map(([column, survivorOf]) => [columns.findIndex((c) => c.name === column), survivorOf] as const);
      let referencesToMerged = 0;
      const redirected = (values: readonly CanonicalValue[]): readonly CanonicalValue[] => {
        if (redirects.length === 0) return values;
        const copy = [...values];
        let moved = false;
        for (const [index, survivorOf] of redirects) {
          const key = copy[index];
          const survivor = typeof key === 'string' ? survivorOf.get(key) : undefined;
          if (survivor === undefined) continue;
          // The load looked the survivor up in its own dossier (`acrossDossiers`): its row is that dossier's.
          copy[index] =
            survivor.dossierId === dossier
              ? survivor.key
              : crossDossierReference(survivor.dossierId, survivor.key);
          moved = true;
        }
        if (moved) referencesToMerged++;
        return copy;
      };
      let sourceCount = 0;
      const stale: string[] = [];
      // The records as the run saw them: the same dossier filter, NO_DOSSIER rejects and distinct keys.
      const records = createDossierRecords({
        dossier,
        filterField: input.filterField,
        distinct: entityPlan.distinct === true,
        map,
      });
      const context = { dossier, occurrences: new Map<string, number>() };
      const sources = reads.share(entityPlan.source, input.open(dossier));
      sourcesOpened += sources.length;
      for (const source of sources) {
        for await (const batch of source.read({ batchSize: plan.batchSize })) {
          checkColumns.check(source, batch);
          scratch.exec('BEGIN');
          for (const record of batch) {
            if (!records.belongs(record)) continue;
            const outcome = records.outcome(record, context);
            if (outcome.fate === 'not-a-record' || outcome.fate === 'repeat') continue;
            sourceCount++;
            if (outcome.fate !== 'mapped') continue;
            if (isStaleMerge(merges, outcome.record)) stale.push(outcome.record.sourceKey);
            const values = redirected(merges.goldenOf.get(outcome.record.sourceKey) ?? outcome.record.values);
            insertSource.run(outcome.record.sourceKey, recordHash(values));
            if (inProof) toProof('source', entity, outcome.record.sourceKey, byName(values));
          }
          scratch.exec('COMMIT');
        }
      }
      let targetRows = 0;
      for await (const batch of target.readRows(entity, dossier)) {
        scratch.exec('BEGIN');
        for (const row of batch) {
          targetRows++;
          const values = valueReaders.map((read) => (read(row.values) as CanonicalValue | undefined) ?? null);
          insertTarget.run(row.sourceKey, recordHash(values));
          if (inProof) toProof('target', entity, row.sourceKey, row.values);
        }
        scratch.exec('COMMIT');
      }
      // The ledger is asked only when a source record has no target row: the usual dossier costs no query.
      const fatedKeys =
        anyWithoutTargetRow.get() === undefined ? [] : await state.ledgerSourceKeys(dossier, entity);
      scratch.exec('BEGIN');
      for (const key of fatedKeys) {
        insertFated.run(key);
        if (entity === 'entry_line') proof.explainedByLedger(key);
      }
      scratch.exec('COMMIT');
      const missingFromTarget = (countMissing.get() as { n: number }).n;
      const {
        loaded: loadedCount,
        mismatches: contentMismatches,
        extra: extraInTarget,
      } = compareHashes.get() as { loaded: number; mismatches: number; extra: number };
      const samples = [
        ...(missingFromTarget === 0 ? [] : (missingKeys.all() as { k: string }[]).map((row) => row.k)),
        ...(contentMismatches + extraInTarget === 0
          ? []
          : (differingKeys.all() as { k: string }[]).map((row) => row.k)),
      ];
      const skipped = ledger.get(`${dossier}/${entity}/skipped`) ?? 0;
      const rejected = ledger.get(`${dossier}/${entity}/rejected`) ?? 0;
      const merged = ledger.get(`${dossier}/${entity}/merged`) ?? 0;
      const orphans = await target.countOrphans(entity, dossier);
      const lost: LedgerEntry[] = [];
      let pendingUnmerges = 0;
      if (merged > 0) {
        // Survivors of this dossier are rows read above; those of another (`acrossDossiers`) are looked up.
        const elsewhere: LedgerEntry[] = [];
        for (const entry of await state.ledgerEntries({ dossierId: dossier, entity, fate: 'merged' })) {
          if (entry.sourceKey !== null && !merges.survivorOf.has(entry.sourceKey)) pendingUnmerges++;
          const survivorDossier = entry.survivorDossierId ?? dossier;
          if (entry.survivorKey == null) lost.push(entry);
          else if (survivorDossier === dossier) {
            if (hasTargetRow.get(entry.survivorKey) === undefined) lost.push(entry);
          } else elsewhere.push(entry);
        }
        for (const [survivorDossier, entries] of groupBy(elsewhere, (entry) => entry.survivorDossierId!)) {
          const found = await target.resolveKeys(
            entity,
            survivorDossier,
            entries.map((entry) => entry.survivorKey!),
          );
          lost.push(...entries.filter((entry) => !found.has(entry.survivorKey!)));
        }
      }
      let pendingMerges = 0;
      for (const absorbed of merges.survivorOf.keys())
        if (hasTargetRow.get(absorbed) !== undefined) pendingMerges++;
      const unaccounted = sourceCount - (loadedCount + merged + skipped + rejected);
      entities.push({
        entity,
        source: sourceCount,
        loaded: loadedCount,
        merged,
        skipped,
        rejected,
        unaccounted,
        targetRows,
        contentMismatches,
        extraInTarget,
        missingFromTarget,
        orphans,
        mergedIntoMissing: lost.length,
        referencesToMerged,
        staleMerges: stale.length,
        ...(pendingMerges === 0 ? {} : { pendingMerges }),
        ...(pendingUnmerges === 0 ? {} : { pendingUnmerges }),
        samples: [
          ...samples,
          ...lost.slice(0, 10).map((entry) => entry.sourceKey ?? entry.location),
          ...stale.slice(0, 10),
        ].slice(0, 10),
        ok:
          unaccounted === 0 &&
          missingFromTarget === 0 &&
          contentMismatches === 0 &&
          extraInTarget === 0 &&
          orphans === 0 &&
          lost.length === 0 &&
          stale.length === 0,
      });
    }
    reads.clear();
    entities.push(...(await entitiesNoLongerMapped(dossier)));
    const accounting = proof.finish();
    const balances: DossierReconciliation['balances'] =
      accounting === undefined
        ? undefined
        : {
            sourceDebit: accounting.totals.source.debit,
            sourceCredit: accounting.totals.source.credit,
            targetDebit: accounting.totals.target.debit,
            targetCredit: accounting.totals.target.credit,
            differences: accounting.accounts
              .filter((row) => !row.ok)
              .map((row) => ({
                account: row.key,
                sourceDebit: row.source.debit,
                sourceCredit: row.source.credit,
                targetDebit: row.target.debit,
                targetCredit: row.target.credit,
                rejectedDebit: row.notLoaded.debit,
                rejectedCredit: row.notLoaded.credit,
                ok: false,
              })),
            accounts: accounting.accounts.length,
          };
    const ok = entities.every((entity) => entity.ok) && (accounting === undefined || accounting.ok);
    return {
      id: dossier,
      ok,
      ...(migrated.has(dossier) ? {} : { notMigrated: true as const }),
      ...(sourcesOpened === 0 && order.length > 0 ? { nothingRead: true as const } : {}),
      entities,
      ...(balances === undefined ? {} : { balances }),
      ...(accounting === undefined ? {} : { accounting }),
    };
  };
  return {
    reconcileDossier,
    close: () => {
      scratch.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
};

/** Reconciles the dossiers one after the other on this thread (see reconcileInThreads for several at once). */
export const reconcile = async (options: {
  loaded: LoadedPlan;
  state: StateStore;
  target: TargetStore;
  dossiers?: readonly string[];
  onDossier?: (done: number, total: number, dossier: DossierReconciliation) => void;
}): Promise<Reconciliation> => {
  const dossierIds = await dossiersToReconcile(options.loaded, options.state, options.dossiers);
  return reconcileEach(options, dossierIds, options.onDossier);
};

/** Reconciles the given dossiers (ids of dossiersToReconcile) one after the other on this thread. */
export const reconcileEach = async (
  stores: { loaded: LoadedPlan; state: StateStore; target: TargetStore },
  dossierIds: readonly string[],
  onDossier?: (done: number, total: number, dossier: DossierReconciliation) => void,
): Promise<Reconciliation> => {
  const reconciler = await openReconciler(stores);
  const results: DossierReconciliation[] = [];
  try {
    for (const dossier of dossierIds) {
      const result = await reconciler.reconcileDossier(dossier);
      results.push(result);
      onDossier?.(results.length, dossierIds.length, result);
    }
  } finally {
    reconciler.close();
  }
  return summarizeReconciliation(results);
};

/** The whole reconciliation from its dossiers' (in the order given): ok only if every dossier is. */
export const summarizeReconciliation = (results: readonly DossierReconciliation[]): Reconciliation => {
  const all = results.flatMap((dossier) => dossier.entities);
  const sum = (pick: (entity: EntityReconciliation) => number) =>
    all.reduce((total, entity) => total + pick(entity), 0);
  return {
    ok: results.every((dossier) => dossier.ok),
    dossiers: results,
    totals: {
      dossiers: results.length,
      dossiersOk: results.filter((dossier) => dossier.ok).length,
      dossiersNothingRead: results.filter((dossier) => dossier.ok && dossier.nothingRead === true).length,
      source: sum((entity) => entity.source),
      loaded: sum((entity) => entity.loaded),
      merged: sum((entity) => entity.merged),
      skipped: sum((entity) => entity.skipped),
      rejected: sum((entity) => entity.rejected),
      unaccounted: sum((entity) => Math.abs(entity.unaccounted)),
      contentMismatches: sum((entity) => entity.contentMismatches),
      referencesToMerged: sum((entity) => entity.referencesToMerged),
    },
  };
};
