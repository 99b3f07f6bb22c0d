import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { isPostgresUrl, redactUrl } from '../../core/connection-url.js';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { stateMigrations } from './state-migrations.js';
import type { StateDatabase } from './state-schema.js';

export type Fate = 'loaded' | 'skipped' | 'rejected';

/** A ledger entry for a record that has no target row: skipped or rejected, with the record exactly as read. */
export interface LedgerEntry {
  readonly dossierId: string;
  readonly entity: string;
  readonly location: string;
  readonly runId: string;
  readonly fate: 'skipped' | 'rejected';
  readonly reason: string | null;
  readonly rule: string | null;
  readonly message: string | null;
  readonly column: string | null;
  readonly sourceKey: string | null;
  readonly source: string;
  readonly line: number | null;
  readonly record: number;
  readonly raw: string;
}

export interface RunRow {
  readonly id: string;
  readonly planHash: string;
  readonly command: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly summary: unknown;
}

export interface StepCounts {
  readonly recordsRead: number;
  readonly loaded: number;
  readonly skipped: number;
  readonly rejected: number;
  readonly repeats: number;
}

export interface SourceNoticeRow {
  readonly runId: string;
  readonly dossierId: string;
  readonly entity: string;
  readonly source: string;
  readonly code: string;
  readonly message: string;
  readonly line: number | null;
}

const now = () => new Date().toISOString();

/** PostgreSQL schema of the state store when the caller names none. */
export const DEFAULT_STATE_SCHEMA = 'cutover_state';

/** Some drivers return bigint columns as text: counts come back as numbers. */
const toNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(value));

/**
 * The state store: plan versions, dossiers, runs, steps, the ledger of records without a target row, and source
 * notices. One schema, migrated by Kysely, over SQLite (a file, the default) or PostgreSQL (team mode).
 */
export class StateStore {
  private constructor(
    readonly db: Kysely<StateDatabase>,
    readonly dialect: 'sqlite' | 'postgres',
    readonly location: string,
  ) {}

  static async open(location: string, options: { schema?: string } = {}): Promise<StateStore> {
    let db: Kysely<StateDatabase>;
    const dialect = isPostgresUrl(location) ? 'postgres' : 'sqlite';
    // On PostgreSQL the state lives in a schema of its own, never in `public` beside other tables.
    const schema = dialect === 'postgres' ? (options.schema ?? DEFAULT_STATE_SCHEMA) : undefined;
    try {
      if (dialect === 'postgres') {
        // Fail now, with a clear message, rather than at the first query.
        const probe = new pg.Client({ connectionString: location, connectionTimeoutMillis: 10_000 });
        await probe.connect();
        await probe.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await probe.end();
        const pool = new pg.Pool({
          connectionString: location,
          max: 4,
          connectionTimeoutMillis: 10_000,
          options: `-c search_path="${schema}"`,
        });
        db = new Kysely<StateDatabase>({ dialect: new PostgresDialect({ pool }) });
      } else {
        if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
        const database = new Database(location);
        database.pragma('journal_mode = WAL');
        database.pragma('busy_timeout = 10000');
        db = new Kysely<StateDatabase>({ dialect: new SqliteDialect({ database }) });
      }
    } catch (error) {
      throw new CutoverError(
        dialect === 'postgres' ? ErrorCode.CONNECTION_FAILED : ErrorCode.STATE_FAILED,
        `cannot open the state store ${redactUrl(location)}: ${messageOf(error)}`,
        { cause: error },
      );
    }
    const store = new StateStore(db, dialect, location);
    await store.migrate(schema);
    return store;
  }

  private async migrate(schema: string | undefined): Promise<void> {
    // Kysely looks for its own bookkeeping tables in any schema unless told which: name ours.
    const { error, results } = await new Migrator({
      db: this.db,
      provider: stateMigrations,
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    }).migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
      throw new CutoverError(
        ErrorCode.STATE_FAILED,
        `state store migration ${failed} failed: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async savePlanVersion(hash: string, name: string, text: string): Promise<void> {
    await this.db
      .insertInto('plan_version')
      .values({ hash, name, text, created_at: now() })
      .onConflict((conflict) => conflict.column('hash').doNothing())
      .execute();
  }

  async upsertDossiers(
    dossiers: readonly { id: string; name: string | null; attributes: unknown }[],
  ): Promise<void> {
    for (let start = 0; start < dossiers.length; start += 500) {
      const rows = dossiers.slice(start, start + 500).map((dossier) => ({
        id: dossier.id,
        name: dossier.name,
        attributes: JSON.stringify(dossier.attributes ?? {}),
        created_at: now(),
      }));
      await this.db
        .insertInto('dossier')
        .values(rows)
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            attributes: eb.ref('excluded.attributes'),
          })),
        )
        .execute();
    }
  }

  async listDossiers(): Promise<{ id: string; name: string | null; attributes: Record<string, unknown> }[]> {
    const rows = await this.db
      .selectFrom('dossier')
      .select(['id', 'name', 'attributes'])
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ ...row, attributes: JSON.parse(row.attributes) as Record<string, unknown> }));
  }

  async createRun(planHash: string, command: string): Promise<RunRow> {
    const startedAt = now();
    // Sortable ids: a person reading a list of runs sees them in order.
    const id = `${startedAt.replace(/[-:TZ.]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
    await this.db
      .insertInto('run')
      .values({
        id,
        plan_hash: planHash,
        command,
        status: 'running',
        started_at: startedAt,
        finished_at: null,
        summary: null,
      })
      .execute();
    return { id, planHash, command, status: 'running', startedAt, finishedAt: null, summary: null };
  }

  /** The last run of this command that did not finish (crash, kill): `cutover run` resumes it. */
  async unfinishedRun(command: string): Promise<RunRow | undefined> {
    const row = await this.db
      .selectFrom('run')
      .selectAll()
      .where('command', '=', command)
      .where('status', '=', 'running')
      .orderBy('started_at', 'desc')
      .executeTakeFirst();
    return row === undefined ? undefined : toRunRow(row);
  }

  async latestRun(commands: readonly string[] = ['run', 'replay']): Promise<RunRow | undefined> {
    const row = await this.db
      .selectFrom('run')
      .selectAll()
      .where('command', 'in', [...commands])
      .orderBy('started_at', 'desc')
      .executeTakeFirst();
    return row === undefined ? undefined : toRunRow(row);
  }

  async finishRun(id: string, status: string, summary: unknown): Promise<void> {
    await this.db
      .updateTable('run')
      .set({ status, finished_at: now(), summary: JSON.stringify(summary) })
      .where('id', '=', id)
      .execute();
  }

  async saveStep(
    runId: string,
    dossierId: string,
    entity: string,
    status: string,
    counts: StepCounts,
  ): Promise<void> {
    const values = {
      status,
      records_read: counts.recordsRead,
      loaded: counts.loaded,
      skipped: counts.skipped,
      rejected: counts.rejected,
      repeats: counts.repeats,
      updated_at: now(),
    };
    await this.db
      .insertInto('run_step')
      .values({ run_id: runId, dossier_id: dossierId, entity, ...values })
      .onConflict((conflict) => conflict.columns(['run_id', 'dossier_id', 'entity']).doUpdateSet(values))
      .execute();
  }

  async steps(
    runId: string,
  ): Promise<({ dossierId: string; entity: string; status: string } & StepCounts)[]> {
    const rows = await this.db.selectFrom('run_step').selectAll().where('run_id', '=', runId).execute();
    return rows.map((row) => ({
      dossierId: row.dossier_id,
      entity: row.entity,
      status: row.status,
      recordsRead: toNumber(row.records_read),
      loaded: toNumber(row.loaded),
      skipped: toNumber(row.skipped),
      rejected: toNumber(row.rejected),
      repeats: toNumber(row.repeats),
    }));
  }

  /** Idempotent: writing the same entry twice (a unit run twice) leaves one entry. */
  async writeLedger(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (let start = 0; start < entries.length; start += 200) {
        await upsertLedger(trx, entries.slice(start, start + 200));
      }
    });
  }

  /** Forgets the fates of a dossier and entity before a complete new load recomputes them. */
  async clearLedger(dossierId: string, entity: string): Promise<void> {
    await this.db
      .deleteFrom('ledger_entry')
      .where('dossier_id', '=', dossierId)
      .where('entity', '=', entity)
      .execute();
  }

  async ledgerCounts(): Promise<{ dossierId: string; entity: string; fate: string; count: number }[]> {
    const rows = await this.db
      .selectFrom('ledger_entry')
      .select(['dossier_id', 'entity', 'fate', (eb) => eb.fn.countAll().as('count')])
      .groupBy(['dossier_id', 'entity', 'fate'])
      .execute();
    return rows.map((row) => ({
      dossierId: row.dossier_id,
      entity: row.entity,
      fate: row.fate,
      count: toNumber(row.count),
    }));
  }

  async ledgerEntries(
    filter: { dossierId?: string; entity?: string; fate?: string; limit?: number } = {},
  ): Promise<LedgerEntry[]> {
    let query = this.db.selectFrom('ledger_entry').selectAll();
    if (filter.dossierId !== undefined) query = query.where('dossier_id', '=', filter.dossierId);
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    if (filter.fate !== undefined) query = query.where('fate', '=', filter.fate);
    const rows = await query
      .orderBy('dossier_id')
      .orderBy('entity')
      .orderBy('record')
      .orderBy('location')
      .limit(filter.limit ?? 1_000_000)
      .execute();
    return rows.map((row) => ({
      dossierId: row.dossier_id,
      entity: row.entity,
      location: row.location,
      runId: row.run_id,
      fate: row.fate === 'skipped' ? 'skipped' : 'rejected',
      reason: row.reason,
      rule: row.rule,
      message: row.message,
      column: row.column_name,
      sourceKey: row.source_key,
      source: row.source,
      line: row.line === null ? null : toNumber(row.line),
      record: toNumber(row.record),
      raw: row.raw,
    }));
  }

  async addNotices(notices: readonly SourceNoticeRow[]): Promise<void> {
    if (notices.length === 0) return;
    for (let start = 0; start < notices.length; start += 200) {
      await this.db
        .insertInto('source_notice')
        .values(
          notices.slice(start, start + 200).map((notice) => ({
            id: randomUUID(),
            run_id: notice.runId,
            dossier_id: notice.dossierId,
            entity: notice.entity,
            source: notice.source,
            code: notice.code,
            message: notice.message,
            line: notice.line,
          })),
        )
        .execute();
    }
  }

  async notices(runId: string): Promise<SourceNoticeRow[]> {
    const rows = await this.db.selectFrom('source_notice').selectAll().where('run_id', '=', runId).execute();
    return rows.map((row) => ({
      runId: row.run_id,
      dossierId: row.dossier_id,
      entity: row.entity,
      source: row.source,
      code: row.code,
      message: row.message,
      line: row.line === null ? null : toNumber(row.line),
    }));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

const upsertLedger = async (trx: Transaction<StateDatabase>, entries: readonly LedgerEntry[]) => {
  await trx
    .insertInto('ledger_entry')
    .values(
      entries.map((entry) => ({
        dossier_id: entry.dossierId,
        entity: entry.entity,
        location: entry.location,
        run_id: entry.runId,
        fate: entry.fate,
        reason: entry.reason,
        rule: entry.rule,
        message: entry.message,
        column_name: entry.column,
        source_key: entry.sourceKey,
        source: entry.source,
        line: entry.line,
        record: entry.record,
        raw: entry.raw,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['dossier_id', 'entity', 'location']).doUpdateSet((eb) => ({
        run_id: eb.ref('excluded.run_id'),
        fate: eb.ref('excluded.fate'),
        reason: eb.ref('excluded.reason'),
        rule: eb.ref('excluded.rule'),
        message: eb.ref('excluded.message'),
        column_name: eb.ref('excluded.column_name'),
        source_key: eb.ref('excluded.source_key'),
        line: eb.ref('excluded.line'),
        record: eb.ref('excluded.record'),
        raw: eb.ref('excluded.raw'),
      })),
    )
    .execute();
};

const toRunRow = (row: StateDatabase['run']): RunRow => ({
  id: row.id,
  planHash: row.plan_hash,
  command: row.command,
  status: row.status,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  summary: row.summary === null ? null : (JSON.parse(row.summary) as unknown),
});
