import type { EntityName } from '../../core/model/canonical-model.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import type { BookLine } from './book-lines.js';

/**
 * How far the load of one (dossier, entity) has gone. It lives in the target and is written in the same
 * transaction as the rows it counts, so a crash can never leave rows without their checkpoint or the reverse.
 */
export interface LoadCheckpoint {
  readonly runId: string;
  /** Source records consumed so far, in source order: resume skips exactly these. */
  readonly recordsRead: number;
  readonly loaded: number;
  readonly skipped: number;
  readonly rejected: number;
  /** `distinct` entities: records that repeat a key already seen (not records of the entity). */
  readonly repeats: number;
  /**
   * Of the rows loaded, those that were there before this load (an earlier run's row of the same source key): with
   * content changed (`updated`) or the same in every column (`unchanged`); the others are new. Absent: none (a
   * checkpoint written before these were counted, or a first load, which inserts only).
   */
  readonly updated?: number;
  readonly unchanged?: number;
  /** `insert` on a first load; `upsert` when the target already held rows of this dossier and entity. */
  readonly mode: 'insert' | 'upsert';
  readonly done: boolean;
}

/** A row to write: the source key and one value per column of the entity, references as target ids. */
export interface TargetRow {
  readonly sourceKey: string;
  readonly values: readonly CanonicalValue[];
}

/** A row read back: values by column, references as the parent's source key (comparable with the source). */
export interface TargetRowRead {
  readonly id: number;
  readonly sourceKey: string;
  readonly runId: string;
  readonly values: Readonly<Record<string, CanonicalValue>>;
}

export interface WriteBatch {
  readonly dossier: string;
  readonly entity: EntityName;
  readonly runId: string;
  readonly mode: 'insert' | 'upsert';
  readonly rows: readonly TargetRow[];
  /**
   * The checkpoint after this batch, before counting duplicates found while writing; its `updated` and `unchanged`
   * are those of the batches before (the write adds this batch's).
   */
  readonly checkpoint: LoadCheckpoint;
  /**
   * Called inside the write, before commit, with the rows refused because this run already loaded their key:
   * the caller records them in the ledger first, so a crash cannot lose their fate.
   */
  readonly onDuplicates: (rows: readonly TargetRow[]) => Promise<void>;
}

/** What writing a batch did: rows refused as duplicates, and rows of an earlier run updated or left as they were. */
export interface BatchWritten {
  readonly duplicates: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** Rows counted and their target ids added up (a bigint: ids of millions of rows pass 2^53). */
export interface RowsTally {
  readonly rows: number;
  readonly idSum: bigint;
}

export interface DossierRow {
  readonly id: string;
  readonly name: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** The new system. Embedded default: SQLite in the canonical model; PostgreSQL for real deployments. */
export interface TargetStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates or migrates the canonical schema. Idempotent. */
  ensureSchema(): Promise<void>;
  upsertDossiers(dossiers: readonly DossierRow[]): Promise<void>;
  checkpoint(dossier: string, entity: EntityName): Promise<LoadCheckpoint | undefined>;
  /**
   * The units whose load began and did not finish (a process killed, a threshold crossed): their ledger was cleared
   * when they began and holds the fates of the records read so far only.
   */
  unfinishedLoads(): Promise<{ dossier: string; entity: string }[]>;
  /**
   * The units whose checkpoint names this run, done or not: the loads it began and that no later run has begun since.
   * A resumed replay runs them again (runMigration), its list of units being made afresh from the ledger.
   */
  runLoads(runId: string): Promise<{ dossier: string; entity: string }[]>;
  /** Whether the target holds any row of this dossier and entity. */
  hasRows(dossier: string, entity: EntityName): Promise<boolean>;
  /**
   * Target ids of parent records by source key, for the keys that exist; with `runId`, only rows that run wrote (the
   * rows a complete run of the unit keeps: finishLoad deletes the others).
   */
  resolveKeys(
    entity: EntityName,
    dossier: string,
    keys: readonly string[],
    runId?: string,
  ): Promise<Map<string, number>>;
  /**
   * How many rows of this dossier and entity a run wrote, and their ids added up: what a resume, having found each
   * record it replays among those rows, compares with, so that a key read twice cannot stand for a row read never.
   */
  runRowsTally(entity: EntityName, dossier: string, runId: string): Promise<RowsTally>;
  /**
   * Turns a batch's rows into what writeBatch sends (UTF-8 bytes for the SQLite writer thread, COPY text for
   * PostgreSQL), ahead of writeBatch: the load calls it while the batch before is being written, so that the target
   * is not left waiting while the rows are encoded. writeBatch of these very rows (same array) then sends the result.
   */
  encodeAhead(batch: Pick<WriteBatch, 'dossier' | 'entity' | 'runId' | 'mode' | 'rows'>): void;
  /**
   * Writes the rows and the checkpoint in one transaction. Returns how many rows were duplicates and, in upsert
   * mode, how many rows of earlier runs were updated or found unchanged (the checkpoint written counts them too).
   */
  writeBatch(batch: WriteBatch): Promise<BatchWritten>;
  /**
   * Marks a load begun, before anything of it is written: its checkpoint says this run, nothing read, not done. The
   * unit's ledger is cleared next, so a process killed before the first batch commits leaves a load that
   * unfinishedLoads lists (replay finds its units there, its rejects being gone), not the earlier run's done one.
   */
  beginLoad(dossier: string, entity: EntityName, runId: string, mode: LoadCheckpoint['mode']): Promise<void>;
  /**
   * Starts an unfinished load over from its first record (its sources changed since it began): the rows it wrote
   * are kept, with their ids, but no longer count as this run's, so that finishLoad removes those the new read does
   * not load again; its checkpoint goes back to nothing read, in upsert mode. One transaction.
   */
  restartLoad(dossier: string, entity: EntityName, runId: string): Promise<void>;
  /** Marks the load done and deletes rows of earlier runs that this complete run did not load again. */
  finishLoad(dossier: string, entity: EntityName, checkpoint: LoadCheckpoint): Promise<{ removed: number }>;
  /** Streams the rows of a dossier and entity, ordered by source key. */
  readRows(entity: EntityName, dossier: string, batchSize?: number): AsyncIterable<TargetRowRead[]>;
  countRows(entity: EntityName, dossier: string): Promise<number>;
  /** Rows whose reference column holds an id with no parent row (must be none). */
  countOrphans(entity: EntityName, dossier: string): Promise<number>;
  /** The dossier as the last run recorded it (registry name and attributes), if the target knows it. */
  readDossier(id: string): Promise<DossierRow | undefined>;
  /** Streams the entry lines of a dossier joined with their entry, journal, account and third party, in book order. */
  /** `fiscalYearEnd` (`YYYY-MM-DD`): only the lines of the fiscal year closing that day. */
  readBookLines(dossier: string, batchSize?: number, fiscalYearEnd?: string): AsyncIterable<BookLine[]>;
  close(): Promise<void>;
}
