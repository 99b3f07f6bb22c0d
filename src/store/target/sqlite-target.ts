import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { entityNames, type EntityName } from '../../core/model/canonical-model.js';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { quoteIdentifier, targetColumns, targetDdl, targetMigrationDdl } from './target-ddl.js';
import { rowRead } from './target-values.js';
import { bookLineFromRow, bookLinesSql, type BookLine } from './book-lines.js';
import { dossierFromRow } from './dossier-row.js';
import {
  checkpointFromRow,
  checkpointParameters,
  checkpointUpsertSql,
  orphanCountSql,
  readBackSql,
  type SqlShape,
} from './target-sql.js';
import type {
  DossierRow,
  LoadCheckpoint,
  TargetRow,
  TargetRowRead,
  TargetStore,
  WriteBatch,
} from './target-store.js';

const sqliteShape: SqlShape = { table: quoteIdentifier, parameter: () => '?' };

const isUniqueViolation = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE';

/** The embedded default target: one SQLite file in the canonical model. */
export class SqliteTarget implements TargetStore {
  readonly dialect = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly file: string) {
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      this.db = new Database(file);
    } catch (error) {
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `cannot open the SQLite target ${file}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
    // WAL keeps readers (reconcile, dashboards) off the writer's back; NORMAL sync is durable across process
    // crashes, which is what resume needs.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  ensureSchema(): Promise<void> {
    this.db.transaction(() => {
      for (const sql of targetDdl('sqlite')) this.db.exec(sql);
      const existing = new Map(
        entityNames.map((entity) => [
          entity,
          new Set(
            (this.db.pragma(`table_info(${quoteIdentifier(entity)})`) as { name: string }[]).map(
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
        upsert.run(dossier.id, dossier.name, JSON.stringify(dossier.attributes));
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

  hasRows(dossier: string, entity: EntityName): Promise<boolean> {
    const row = this.statement(`SELECT 1 FROM ${quoteIdentifier(entity)} WHERE dossier_id = ? LIMIT 1`).get(
      dossier,
    );
    return Promise.resolve(row !== undefined);
  }

  resolveKeys(entity: EntityName, dossier: string, keys: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (keys.length === 0) return Promise.resolve(found);
    const rows = this.statement(
      `SELECT source_key, id FROM ${quoteIdentifier(entity)} WHERE dossier_id = ? AND source_key IN (SELECT value FROM json_each(?))`,
    ).all(dossier, JSON.stringify(keys)) as { source_key: string; id: number }[];
    for (const row of rows) found.set(row.source_key, row.id);
    return Promise.resolve(found);
  }

  private writeCheckpoint(dossier: string, entity: EntityName, checkpoint: LoadCheckpoint): void {
    this.statement(checkpointUpsertSql(sqliteShape)).run(checkpointParameters(dossier, entity, checkpoint));
  }

  async writeBatch(batch: WriteBatch): Promise<{ duplicates: number }> {
    const columns = targetColumns(batch.entity);
    const names = ['dossier_id', 'source_key', 'run_id', ...columns.map((column) => column.name)];
    const placeholders = names.map(() => '?').join(', ');
    let sql = `INSERT INTO ${quoteIdentifier(batch.entity)} (${names.map(quoteIdentifier).join(', ')}) VALUES (${placeholders})`;
    if (batch.mode === 'upsert') {
      // A row of an earlier run is updated; a row this run already wrote is a duplicate source key (no change).
      const updates = names
        .slice(2)
        .map((name) => `${quoteIdentifier(name)} = excluded.${quoteIdentifier(name)}`);
      sql += ` ON CONFLICT (dossier_id, source_key) DO UPDATE SET ${updates.join(', ')} WHERE run_id <> excluded.run_id`;
    }
    const insert = this.statement(sql);
    const duplicates: TargetRow[] = [];
    const parameters: unknown[] = new Array<unknown>(names.length);
    const width = columns.length;
    const booleanColumns = columns.flatMap((column, index) => (column.type === 'boolean' ? [index] : []));
    parameters[0] = batch.dossier;
    parameters[2] = batch.runId;
    // Manual BEGIN/COMMIT rather than db.transaction(): the ledger callback for duplicates is async and must
    // complete before the commit.
    this.db.exec('BEGIN');
    try {
      for (const row of batch.rows) {
        parameters[1] = row.sourceKey;
        const values = row.values;
        for (let index = 0; index < width; index++) parameters[index + 3] = values[index] ?? null;
        // SQLite has no boolean type: flags are stored as 0/1.
        for (const index of booleanColumns) {
          const flag = values[index];
          if (flag !== null && flag !== undefined) parameters[index + 3] = flag === true ? 1 : 0;
        }
        try {
          if (insert.run(parameters).changes === 0) duplicates.push(row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          duplicates.push(row);
        }
      }
      if (duplicates.length > 0) await batch.onDuplicates(duplicates);
      this.writeCheckpoint(batch.dossier, batch.entity, {
        ...batch.checkpoint,
        loaded: batch.checkpoint.loaded - duplicates.length,
        rejected: batch.checkpoint.rejected + duplicates.length,
      });
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
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
    return { duplicates: duplicates.length };
  }

  finishLoad(dossier: string, entity: EntityName, checkpoint: LoadCheckpoint): Promise<{ removed: number }> {
    let removed = 0;
    this.db.transaction(() => {
      removed = this.statement(
        `DELETE FROM ${quoteIdentifier(entity)} WHERE dossier_id = ? AND run_id <> ?`,
      ).run(dossier, checkpoint.runId).changes;
      this.writeCheckpoint(dossier, entity, { ...checkpoint, done: true });
    })();
    return Promise.resolve({ removed });
  }

  // better-sqlite3 reads synchronously; the async generator keeps the interface shared with PostgreSQL.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *readRows(entity: EntityName, dossier: string, batchSize = 5000): AsyncIterable<TargetRowRead[]> {
    const columns = targetColumns(entity);
    let batch: TargetRowRead[] = [];
    const rows = this.db
      .prepare(readBackSql(sqliteShape, entity, 't.source_key'))
      .iterate(dossier) as Iterable<Record<string, unknown>>;
    for (const raw of rows) {
      batch.push(rowRead(columns, raw));
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

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
