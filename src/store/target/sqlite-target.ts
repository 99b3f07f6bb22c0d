import type Database from 'better-sqlite3';
import { entityNames, type EntityName } from '../../core/model/canonical-model.js';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { jsonText } from '../../core/json-text.js';
import { quoteIdentifier, targetColumns, targetDdl, targetMigrationDdl } from './target-ddl.js';
import { targetRowReader } from './target-values.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { createSqliteBatchWriter, type SqliteBatchWritten } from './sqlite-batch-writer.js';
import { EncodedBatches } from './encoded-batches.js';
import { encodeSqliteRows, type SqliteRows } from './sqlite-rows.js';
import { statementCache } from './sqlite-statements.js';
import { SqliteWriterHandle, writerThreadScript, type SqliteWriterOptions } from './sqlite-writer-handle.js';
import { bookLineFromRow, bookLinesSql, type BookLine } from './book-lines.js';
import { dossierFromRow } from './dossier-row.js';
import {
  checkpointFromRow,
  checkpointParameters,
  begunCheckpoint,
  checkpointUpsertSql,
  restartedCheckpoint,
  restartedRunId,
  orphanCountSql,
  readBackSql,
  checkpointWithDuplicates,
  type SqlShape,
} from './target-sql.js';
import type {
  BatchWritten,
  DossierRow,
  LoadCheckpoint,
  RowsTally,
  TargetRowRead,
  TargetStore,
  WriteBatch,
} from './target-store.js';

const sqliteShape: SqlShape = { table: quoteIdentifier, parameter: () => '?' };

/** The steps of one batch write, on the writer thread or on this one. */
interface BatchSteps {
  insert(rows: SqliteRows, checkpoint: LoadCheckpoint): Promise<SqliteBatchWritten> | SqliteBatchWritten;
  commit(dossier: string, entity: EntityName, checkpoint: LoadCheckpoint): Promise<void> | void;
  rollback(): Promise<void> | void;
}

/** The embedded default target: one SQLite file in the canonical model. */
export class SqliteTarget implements TargetStore {
  readonly dialect = 'sqlite';
  private readonly db: Database.Database;
  private readonly statement: (sql: string) => Database.Statement;

  /** Started at the first batch, once the schema exists; absent where no thread can run. */
  private writerThread: SqliteWriterHandle | undefined;
  private sameThreadWriter: ReturnType<typeof createSqliteBatchWriter> | undefined;
  /** One batch at a time: a batch's transaction stays open while its duplicates are recorded in the ledger. */
  private writing: Promise<unknown> = Promise.resolve();
  /** Rows encoded by encodeAhead, until their batch is written. */
  private readonly encoded = new EncodedBatches<SqliteRows>();

  constructor(
    readonly file: string,
    private readonly options: SqliteWriterOptions = {},
  ) {
    this.db = openSqliteDatabase(file);
    this.statement = statementCache(this.db);
  }

  /**
   * Batches go to a writer thread with its own connection to the file, so that SQLite's inserts (most of a load's
   * time) run beside the reading and mapping of the next batch. An in-memory database is one connection's own,
   * so it is written here, like everything when running from the TypeScript sources.
   */
  private batchSteps(): BatchSteps {
    const script = this.options.writerScript ?? writerThreadScript;
    if (this.file !== ':memory:' && SqliteWriterHandle.canRun(script)) {
      this.writerThread ??= new SqliteWriterHandle(this.file, this.options);
      return this.writerThread;
    }
    this.sameThreadWriter ??= createSqliteBatchWriter(this.db);
    return this.sameThreadWriter;
  }

  ensureSchema(): Promise<void> {
    this.db.transaction(() => {
      for (const sql of targetDdl('sqlite')) this.db.exec(sql);
      const existing = new Map(
        [...entityNames, '_cutover_checkpoint'].map((table) => [
          table,
          new Set(
            (this.db.pragma(`table_info(${quoteIdentifier(table)})`) as { name: string }[]).map(
              (row) => row.name,
            ),
          ),
        ]),
      );
      for (const sql of targetMigrationDdl('sqlite', existing)) this.db.exec(sql);
    })();
    return Promise.resolve();
  }

  upsertDossiers(dossiers: readonly DossierRow[]): Promise<void> {
    const upsert = this.statement(
      'INSERT INTO dossier (id, name, attributes) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, attributes = excluded.attributes',
    );
    this.db.transaction(() => {
      for (const dossier of dossiers)
        upsert.run(dossier.id, dossier.name, jsonText(dossier.attributes) ?? '{}');
    })();
    return Promise.resolve();
  }

  checkpoint(dossier: string, entity: EntityName): Promise<LoadCheckpoint | undefined> {
    const row = this.statement('SELECT * FROM _cutover_checkpoint WHERE dossier_id = ? AND entity = ?').get(
      dossier,
      entity,
    ) as Record<string, unknown> | undefined;
    return Promise.resolve(row === undefined ? undefined : checkpointFromRow(row));
  }

  unfinishedLoads(): Promise<{ dossier: string; entity: string }[]> {
    const rows = this.statement(
      'SELECT dossier_id AS dossier, entity FROM _cutover_checkpoint WHERE done = 0 ORDER BY dossier_id, entity',
    ).all() as { dossier: string; entity: string }[];
    return Promise.resolve(rows);
  }

  runLoads(runId: string): Promise<{ dossier: string; entity: string }[]> {
    const rows = this.statement(
      'SELECT dossier_id AS dossier, entity FROM _cutover_checkpoint WHERE run_id = ? ORDER BY dossier_id, entity',
    ).all(runId) as { dossier: string; entity: string }[];
    return Promise.resolve(rows);
  }

  hasRows(dossier: string, entity: EntityName): Promise<boolean> {
    const row = this.statement(`SELECT 1 FROM ${quoteIdentifier(entity)} WHERE dossier_id = ? LIMIT 1`).get(
      dossier,
    );
    return Promise.resolve(row !== undefined);
  }

  resolveKeys(
    entity: EntityName,
    dossier: string,
    keys: readonly string[],
    runId?: string,
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (keys.length === 0) return Promise.resolve(found);
    const sql = `SELECT source_key, id FROM ${quoteIdentifier(entity)} WHERE dossier_id = ? AND source_key IN (SELECT value FROM json_each(?))`;
    const rows = (
      runId === undefined
        ? this.statement(sql).all(dossier, JSON.stringify(keys))
        : this.statement(`${sql} AND run_id = ?`).all(dossier, JSON.stringify(keys), runId)
    ) as { source_key: string; id: number }[];
    for (const row of rows) found.set(row.source_key, row.id);
    return Promise.resolve(found);
  }

  runRowsTally(entity: EntityName, dossier: string, runId: string): Promise<RowsTally> {
    const row = this.statement(
      `SELECT count(*) AS n, sum(id) AS s FROM ${quoteIdentifier(entity)} WHERE dossier_id = ? AND run_id = ?`,
    )
      .safeIntegers(true)
      .get(dossier, runId) as { n: bigint; s: bigint | null };
    return Promise.resolve({ rows: Number(row.n), idSum: row.s ?? 0n });
  }

  private writeCheckpoint(dossier: string, entity: EntityName, checkpoint: LoadCheckpoint): void {
    this.statement(checkpointUpsertSql(sqliteShape)).run(checkpointParameters(dossier, entity, checkpoint));
  }

  encodeAhead(batch: Pick<WriteBatch, 'dossier' | 'entity' | 'runId' | 'mode' | 'rows'>): void {
    this.encoded.set(batch, encodeSqliteRows(batch, batch.rows));
  }

  writeBatch(batch: WriteBatch): Promise<BatchWritten> {
    const written = this.writing.then(() => this.writeNow(batch));
    this.writing = written.catch(() => undefined);
    return written;
  }

  private async writeNow(batch: WriteBatch): Promise<BatchWritten> {
    const steps = this.batchSteps();
    try {
      const encoded = this.encoded.take(batch) ?? encodeSqliteRows(batch, batch.rows);
      const { duplicates: refused, updated, unchanged } = await steps.insert(encoded, batch.checkpoint);
      // No duplicate: the batch is committed already.
      if (refused.length === 0) return { duplicates: 0, updated, unchanged };
      const duplicates = refused.map((index) => batch.rows[index]!);
      try {
        await batch.onDuplicates(duplicates);
      } catch (error) {
        await steps.rollback();
        throw error;
      }
      await steps.commit(
        batch.dossier,
        batch.entity,
        checkpointWithDuplicates(batch.checkpoint, { duplicates: duplicates.length, updated, unchanged }),
      );
      return { duplicates: duplicates.length, updated, unchanged };
    } catch (error) {
      if (error instanceof CutoverError) throw error;
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `writing ${batch.entity} of dossier ${batch.dossier}: ${messageOf(error)}`,
        {
          cause: error,
          context: { entity: batch.entity, dossier: batch.dossier },
        },
      );
    }
  }

  async beginLoad(
    dossier: string,
    entity: EntityName,
    runId: string,
    mode: LoadCheckpoint['mode'],
  ): Promise<void> {
    await this.writing;
    this.writeCheckpoint(dossier, entity, begunCheckpoint(runId, mode));
  }

  async restartLoad(dossier: string, entity: EntityName, runId: string): Promise<void> {
    await this.writing;
    this.db.transaction(() => {
      this.statement(
        `UPDATE ${quoteIdentifier(entity)} SET run_id = ? WHERE dossier_id = ? AND run_id = ?`,
      ).run(restartedRunId(runId), dossier, runId);
      this.writeCheckpoint(dossier, entity, restartedCheckpoint(runId));
    })();
  }

  async finishLoad(
    dossier: string,
    entity: EntityName,
    checkpoint: LoadCheckpoint,
  ): Promise<{ removed: number }> {
    // This connection writes too: a batch still open on the writer thread would hold the lock it needs.
    await this.writing;
    let removed = 0;
    this.db.transaction(() => {
      // A load in insert mode started on an empty dossier: every row is this run's, no scan is needed.
      if (checkpoint.mode === 'upsert') {
        removed = this.statement(
          `DELETE FROM ${quoteIdentifier(entity)} WHERE dossier_id = ? AND run_id <> ?`,
        ).run(dossier, checkpoint.runId).changes;
      }
      this.writeCheckpoint(dossier, entity, { ...checkpoint, done: true });
    })();
    return { removed };
  }

  // better-sqlite3 reads synchronously; the async generator keeps the interface shared with PostgreSQL.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *readRows(entity: EntityName, dossier: string, batchSize = 5000): AsyncIterable<TargetRowRead[]> {
    const read = targetRowReader(targetColumns(entity));
    let batch: TargetRowRead[] = [];
    const rows = this.db
      .prepare(readBackSql(sqliteShape, entity, 't.source_key'))
      .raw(true)
      .iterate(dossier) as Iterable<unknown[]>;
    for (const raw of rows) {
      batch.push(read(raw));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  countRows(entity: EntityName, dossier: string): Promise<number> {
    const row = this.statement(
      `SELECT count(*) AS n FROM ${quoteIdentifier(entity)} WHERE dossier_id = ?`,
    ).get(dossier) as {
      n: number;
    };
    return Promise.resolve(row.n);
  }

  countOrphans(entity: EntityName, dossier: string): Promise<number> {
    const sql = orphanCountSql(sqliteShape, entity);
    if (sql === undefined) return Promise.resolve(0);
    return Promise.resolve((this.statement(sql).get(dossier) as { n: number }).n);
  }

  readDossier(id: string): Promise<DossierRow | undefined> {
    const row = this.statement('SELECT id, name, attributes FROM dossier WHERE id = ?').get(id) as
      Record<string, unknown> | undefined;
    return Promise.resolve(row === undefined ? undefined : dossierFromRow(row));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async *readBookLines(dossier: string, batchSize = 5000, fiscalYearEnd?: string): AsyncIterable<BookLine[]> {
    // SQLite compares text byte-wise already. Its parameters are positional: the dossier is given for each use.
    const byYear = fiscalYearEnd !== undefined;
    const statement = this.db.prepare(bookLinesSql(sqliteShape, (expression) => expression, byYear));
    const rows = (
      byYear ? statement.iterate(dossier, dossier, fiscalYearEnd) : statement.iterate(dossier)
    ) as Iterable<Record<string, unknown>>;
    let batch: BookLine[] = [];
    for (const raw of rows) {
      batch.push(bookLineFromRow(raw));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async close(): Promise<void> {
    await this.writing;
    // The writer first: the last connection to close folds the write-ahead log into the file.
    await this.writerThread?.close();
    this.db.close();
  }
}
