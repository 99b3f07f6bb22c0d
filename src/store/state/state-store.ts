import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, sql, type Transaction } from 'kysely';
import { isPostgresUrl, literalConnection, type ResolvedConnection } from '../../core/connection-url.js';
import { splitStateUrl } from './state-url.js';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { groupBy } from '../../core/group-by.js';
import { jsonText } from '../../core/json-text.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import { withRunLock } from './run-lock.js';
import { useWriteAheadLog } from '../sqlite-write-ahead-log.js';
import { stateMigrations } from './state-migrations.js';
import type { StateDatabase } from './state-schema.js';
import { TransactionalSqliteDialect } from './transactional-sqlite-dialect.js';

export type Fate = 'loaded' | 'merged' | 'skipped' | 'rejected';

/**
 * A ledger entry for a record that has no target row of its own: skipped, rejected, or merged into a survivor,
 * with the record exactly as read.
 */
export interface LedgerEntry {
  readonly dossierId: string;
  readonly entity: string;
  readonly location: string;
  readonly runId: string;
  readonly fate: 'skipped' | 'rejected' | 'merged';
  readonly reason: string | null;
  readonly rule: string | null;
  readonly message: string | null;
  readonly column: string | null;
  readonly sourceKey: string | null;
  readonly source: string;
  readonly line: number | null;
  readonly record: number;
  readonly raw: string;
  /** For `merged`: the source key of the survivor whose target row now stands for this record. */
  readonly survivorKey?: string | null;
  /** For `merged` across dossiers (`acrossDossiers`): the survivor's dossier, when not this entry's own. */
  readonly survivorDossierId?: string | null;
}

/** Which ledger entries: every one when a field is left out. */
export interface LedgerFilter {
  readonly dossierId?: string;
  readonly entity?: string;
  readonly fate?: string;
  /** Entries of records read from these sources (their files, as the ledger names them). */
  readonly sources?: readonly string[];
}

/** A cluster's golden record: the value of each mapped column and the source key of the record it came from. */
export interface GoldenRecord {
  readonly values: Readonly<Record<string, CanonicalValue>>;
  readonly origins: Readonly<Record<string, string>>;
  /** Columns whose value a person chose (`cutover review golden`) rather than the survivorship rule. */
  readonly chosenByHand?: readonly string[];
  /**
   * Content hash of each member's mapped values when `cutover dedupe` read it, by `dossier/key`: the golden record
   * was made from these, so a member whose source record changed since makes it stale (reconcile says so).
   */
  readonly fingerprints?: Readonly<Record<string, string>>;
}

/** A person's choice: the golden record of the cluster holding `chosenKey` takes that record's `column`. */
export interface GoldenValueChoice {
  readonly dossierId: string;
  readonly entity: string;
  readonly column: string;
  readonly chosenKey: string;
  readonly chosenAt: string;
}

/** One absorbed record of a merge: the survivor's target row stands for it while the decision is active. */
export interface MergeDecision {
  readonly clusterId: string;
  readonly dossierId: string;
  readonly entity: string;
  readonly survivorKey: string;
  /** The survivor's dossier: `dossierId` (the absorbed record's) unless the plan matches across dossiers. */
  readonly survivorDossierId: string;
  readonly absorbedKey: string;
  readonly golden: GoldenRecord;
  readonly createdAt: string;
  /** Set by `cutover dedupe undo`: the next run loads the absorbed record again. */
  readonly undoneAt: string | null;
}

export const ReviewDecision = { same: 'same', different: 'different' } as const;
export type ReviewDecision = (typeof ReviewDecision)[keyof typeof ReviewDecision];

/** A pair of the review queue; its id comes from the two source keys, so it is the same on every dedupe run. */
export interface ReviewPairRow {
  readonly pairId: string;
  readonly dossierId: string;
  readonly entity: string;
  readonly leftKey: string;
  readonly rightKey: string;
  /** The right record's dossier: `dossierId` (the left one's) unless the plan matches across dossiers. */
  readonly rightDossierId: string;
  /** Mapped columns side by side: [column, left value, right value]. */
  readonly fields: readonly (readonly [string, unknown, unknown])[];
  readonly probability: number;
  readonly explanation: unknown;
  readonly reason: string;
  readonly decision: ReviewDecision | null;
  readonly decidedAt: string | null;
}

export type ReviewPairInput = Omit<ReviewPairRow, 'pairId' | 'decision' | 'decidedAt' | 'rightDossierId'> & {
  readonly rightDossierId?: string;
};

/**
 * Stable id of a pair of records of one entity, whatever their order: from the dossier and the two keys, or, for
 * a pair across two dossiers, from each record's dossier and key.
 */
export const reviewPairId = (
  dossierId: string,
  entity: string,
  keyA: string,
  keyB: string,
  rightDossierId: string = dossierId,
): string => {
  if (rightDossierId === dossierId) {
    const [first, second] = keyA <= keyB ? [keyA, keyB] : [keyB, keyA];
    return createHash('sha1')
      .update(`${dossierId}\u0000${entity}\u0000${first}\u0000${second}`)
      .digest('hex')
      .slice(0, 12);
  }
  const sides = [`${dossierId}\u0001${keyA}`, `${rightDossierId}\u0001${keyB}`].sort();
  return createHash('sha1')
    .update(`${entity}\u0000${sides.join('\u0000')}`)
    .digest('hex')
    .slice(0, 12);
};

/** A different dossier, or NULL when it is the row's own (how the store spells "same dossier"). */
const otherDossier = (own: string, other: string | undefined): string | null =>
  other === undefined || other === own ? null : other;

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
  /** Only for entities with a `dedupe` section: records absorbed by a survivor. */
  readonly merged?: number;
  /**
   * Of the rows loaded (not in a dry run): those the target did not hold (`new`), and those an earlier run loaded,
   * with content changed (`updated`) or the same (`unchanged`). A first load's rows are all new.
   */
  readonly new?: number;
  readonly updated?: number;
  readonly unchanged?: number;
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
    /** The location for messages: a URL as written, no variable's value in it (see resolveConnection). */
    private readonly shown: string,
    /** The PostgreSQL schema of the store (unset on SQLite). */
    readonly schema?: string,
  ) {}

  /**
   * Opens (and migrates) the store. `at`: a SQLite file path, a postgres:// URL naming no variable, or the plan's
   * resolved (see resolveConnection). With `plan`, the store is opened for that plan only: a store that holds
   * another plan's versions is refused before anything is written to it, migrations included (see
   * refuseOtherPlans).
   */
  static async open(
    at: string | ResolvedConnection,
    options: {
      schema?: string;
      plan?: string;
      planFrom?: 'option' | 'plan';
      /**
       * The command only reads (or amends) what earlier ones stored: a PostgreSQL schema that holds no state store
       * is refused (exit 4) rather than made, as a SQLite file that is not there is (checkedStateLocation).
       */
      mustExist?: boolean;
    } = {},
  ): Promise<StateStore> {
    const { url: location, shown, scrub } = typeof at === 'string' ? literalConnection(at) : at;
    let db: Kysely<StateDatabase>;
    const dialect = isPostgresUrl(location) ? 'postgres' : 'sqlite';
    // On PostgreSQL the state lives in a schema of its own, never in `public` beside other tables: the URL's
    // `?schema=` one, else the default.
    const asked = dialect === 'postgres' ? splitStateUrl(location) : { url: location };
    const connection = asked.url;
    const schema =
      dialect === 'postgres' ? (options.schema ?? asked.schema ?? DEFAULT_STATE_SCHEMA) : undefined;
    try {
      if (dialect === 'postgres') {
        // The driver loads only for a state store on PostgreSQL.
        const [{ default: pg }, { SchemaScopedPostgresDialect }, { NulSafeTextPlugin }] = await Promise.all([
          import('pg'),
          import('./schema-scoped-postgres-dialect.js'),
          import('./nul-safe-text-plugin.js'),
        ]);
        // Fail now, with a clear message, rather than at the first query.
        const probe = new pg.Client({ connectionString: connection, connectionTimeoutMillis: 10_000 });
        await probe.connect();
        if (options.mustExist === true) {
          // A mistyped ?schema= made an empty store, and `cutover ledger` answered "no record", exit 0.
          const found = await probe.query(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'ledger_entry'",
            [schema],
          );
          if (found.rowCount === 0) {
            await probe.end();
            throw new CutoverError(
              ErrorCode.FILE_NOT_FOUND,
              `no state store at ${shown} (schema ${schema}): has \`cutover run\` been run with this plan and this state store? (this command reads it and creates none)`,
              { context: { state: shown, schema } },
            );
          }
        }
        await probe.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await probe.end();
        const pool = new pg.Pool({
          connectionString: connection,
          max: 4,
          connectionTimeoutMillis: 10_000,
          options: `-c search_path="${schema}"`,
          // Whose connections these are, for an administrator looking at pg_stat_activity.
          application_name: `cutover state ${schema}`.slice(0, 63),
        });
        // A connection the server ends (restart, idle timeout, an administrator) emits 'error', on the pool when
        // it was idle, on its client when in use: with no listener either would end the process. The pool drops
        // it; a query in flight fails with the error and reports it.
        pool.on('error', () => undefined);
        pool.on('connect', (client) => client.on('error', () => undefined));
        db = new Kysely<StateDatabase>({
          dialect: new SchemaScopedPostgresDialect({ pool }, schema ?? DEFAULT_STATE_SCHEMA),
          // The ledger keeps rejected records as read, NUL characters included, which PostgreSQL text refuses.
          plugins: [new NulSafeTextPlugin()],
        });
      } else {
        if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
        const database = new Database(location);
        useWriteAheadLog(database);
        db = new Kysely<StateDatabase>({ dialect: new TransactionalSqliteDialect({ database }) });
      }
    } catch (error) {
      if (error instanceof CutoverError) throw error;
      throw new CutoverError(
        dialect === 'postgres' ? ErrorCode.CONNECTION_FAILED : ErrorCode.STATE_FAILED,
        `cannot open the state store ${shown}: ${scrub(messageOf(error))}`,
        { cause: error },
      );
    }
    const store = new StateStore(db, dialect, location, shown, schema);
    try {
      // Before migrating: a store of another plan is left exactly as it was.
      if (options.plan !== undefined && (await store.hasTable('plan_version')))
        await store.refuseOtherPlans(store.db, options.plan, options.planFrom);
      await store.migrate(schema);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private async hasTable(name: string): Promise<boolean> {
    const tables = await this.db.introspection.getTables();
    return tables.some(
      (table) => table.name === name && (this.schema === undefined || table.schema === this.schema),
    );
  }

  /** Names of the plans whose versions this store holds (normally one: a state store serves one plan). */
  async planNames(db: Kysely<StateDatabase> = this.db): Promise<string[]> {
    const rows = await db.selectFrom('plan_version').select('name').distinct().orderBy('name').execute();
    return rows.map((row) => row.name);
  }

  /**
   * One state store serves one plan: ledger entries, runs and merges are keyed by dossier and entity, not by plan,
   * so a second plan with the same dossier ids would overwrite the first one's fates, be counted in its
   * reconciliation and resume or abandon its unfinished run. Refused (exit 2) with what to do instead.
   */
  private async refuseOtherPlans(
    db: Kysely<StateDatabase>,
    plan: string,
    from: 'option' | 'plan' = 'plan',
  ): Promise<void> {
    const names = await this.planNames(db);
    const others = names.filter((name) => name !== plan);
    if (others.length === 0) return;
    const store = `${this.shown}${this.schema === undefined ? '' : ` (schema ${this.schema})`}`;
    const own = `give "${plan}" its own with --state LOCATION or \`state:\` in its plan`;
    throw new CutoverError(
      from === 'option' ? ErrorCode.USAGE : ErrorCode.PLAN_INVALID,
      names.length === 1
        ? `the state store ${store} belongs to the plan "${others[0]}", not to "${plan}": one state store serves ` +
            `one plan, so ${own} (if you renamed the plan, \`cutover state rename --from ${others[0]}\` goes on with this store under the new name)`
        : // Written by several plans before each store served one: their ledgers are mixed, no plan can trust it.
          `the state store ${store} holds the runs of several plans (${names.map((name) => `"${name}"`).join(', ')}), ` +
            `whose ledgers are mixed: one state store serves one plan, so ${own}`,
      { context: { state: this.shown, plan, heldBy: others.join(', ') } },
    );
  }

  /**
   * Records that this store serves `plan` (this version of it), unless it serves another plan (refused, nothing
   * written). Checked and recorded in one transaction, so that two plans opening a new store at once cannot both
   * take it.
   */
  async servePlan(hash: string, plan: string, text: string, from?: 'option' | 'plan'): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres')
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`cutover-plan:${this.schema ?? ''}`}))`.execute(
          trx,
        );
      await this.refuseOtherPlans(trx, plan, from);
      await trx
        .insertInto('plan_version')
        .values({ hash, name: plan, text, created_at: now() })
        .onConflict((conflict) => conflict.column('hash').doNothing())
        .execute();
    });
  }

  /**
   * After a plan was renamed: the store of the plan `from` serves it under its new name `to`, its runs, ledger and
   * decisions kept (they are keyed by dossier and entity, not by plan name). Refused (exit 2, nothing changed) when
   * the store serves another plan, or several; 'unchanged' when it already serves `to`.
   */
  async renamePlan(from: string, to: string): Promise<'renamed' | 'unchanged'> {
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres')
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`cutover-plan:${this.schema ?? ''}`}))`.execute(
          trx,
        );
      const names = await this.planNames(trx);
      if (names.length === 1 && names[0] === to) return 'unchanged';
      if (names.length !== 1 || names[0] !== from) {
        const holds =
          names.length === 0 ? 'holds no plan' : `serves ${names.map((name) => `"${name}"`).join(' and ')}`;
        throw new CutoverError(
          ErrorCode.USAGE,
          `the state store ${this.shown} ${holds}, not "${from}": nothing renamed`,
          { context: { state: this.shown, from, to } },
        );
      }
      await trx.updateTable('plan_version').set({ name: to }).where('name', '=', from).execute();
      return 'renamed';
    });
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
        attributes: jsonText(dossier.attributes ?? {}) ?? '{}',
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

  /** Runs `work` as the only run of this store: a second `cutover run` meanwhile is refused (see withRunLock). */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return withRunLock(
      this as unknown as Parameters<typeof withRunLock>[0],
      this.shown,
      this.schema ?? this.location,
      work,
    );
  }

  /**
   * Dossiers that runs of plans of this name have loaded (a step recorded). A state store serves one plan (see
   * refuseOtherPlans); the name keeps one plan's proof to its own runs all the same.
   */
  async dossiersLoadedByPlan(planName: string): Promise<string[]> {
    return [...(await this.entitiesLoadedByPlan(planName)).keys()];
  }

  /** The entities that runs of plans of this name loaded, per dossier (a step recorded), whatever the plan maps now. */
  async entitiesLoadedByPlan(planName: string): Promise<Map<string, string[]>> {
    const rows = await this.db
      .selectFrom('run_step')
      .innerJoin('run', 'run.id', 'run_step.run_id')
      .innerJoin('plan_version', 'plan_version.hash', 'run.plan_hash')
      .where('plan_version.name', '=', planName)
      .select(['run_step.dossier_id', 'run_step.entity'])
      .distinct()
      .orderBy('run_step.dossier_id')
      .orderBy('run_step.entity')
      .execute();
    const entities = new Map<string, string[]>();
    for (const row of rows) {
      const list = entities.get(row.dossier_id) ?? [];
      list.push(row.entity);
      entities.set(row.dossier_id, list);
    }
    return entities;
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
      merged: counts.merged ?? null,
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
      ...(row.merged === null ? {} : { merged: toNumber(row.merged) }),
    }));
  }

  /** The status a run saved for one unit (saveStep), undefined before it saved one. */
  async stepStatus(runId: string, dossierId: string, entity: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('run_step')
      .select('status')
      .where('run_id', '=', runId)
      .where('dossier_id', '=', dossierId)
      .where('entity', '=', entity)
      .executeTakeFirst();
    return row?.status;
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

  /** Keeps what a unit's sources are as its load begins (see unitSourceStamp), replacing an earlier stamp. */
  async saveUnitSourceStamp(runId: string, dossierId: string, entity: string, stamp: string): Promise<void> {
    await this.db
      .insertInto('unit_source')
      .values({ run_id: runId, dossier_id: dossierId, entity, stamp })
      .onConflict((conflict) => conflict.columns(['run_id', 'dossier_id', 'entity']).doUpdateSet({ stamp }))
      .execute();
  }

  /** What a unit's sources were when its load began in this run; undefined when not kept (a database source). */
  async unitSourceStamp(runId: string, dossierId: string, entity: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('unit_source')
      .select('stamp')
      .where('run_id', '=', runId)
      .where('dossier_id', '=', dossierId)
      .where('entity', '=', entity)
      .executeTakeFirst();
    return row?.stamp;
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

  /** The entries a filter selects, so that listing them and counting them cannot select differently. */
  private ledgerSelection(filter: LedgerFilter) {
    let query = this.db.selectFrom('ledger_entry');
    if (filter.dossierId !== undefined) query = query.where('dossier_id', '=', filter.dossierId);
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    if (filter.fate !== undefined) query = query.where('fate', '=', filter.fate);
    if (filter.sources !== undefined) query = query.where('source', 'in', [...filter.sources]);
    return query;
  }

  /** How many entries a filter selects, whatever a listing's limit. */
  async countLedgerEntries(filter: LedgerFilter = {}): Promise<number> {
    const row = await this.ledgerSelection(filter)
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirst();
    return toNumber(row?.count ?? 0);
  }

  async ledgerEntries(filter: LedgerFilter & { limit?: number } = {}): Promise<LedgerEntry[]> {
    const rows = await this.ledgerSelection(filter)
      .selectAll()
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
      fate: row.fate === 'skipped' || row.fate === 'merged' ? row.fate : 'rejected',
      reason: row.reason,
      rule: row.rule,
      message: row.message,
      column: row.column_name,
      sourceKey: row.source_key,
      source: row.source,
      line: row.line === null ? null : toNumber(row.line),
      record: toNumber(row.record),
      raw: row.raw,
      ...(row.survivor_key === null ? {} : { survivorKey: row.survivor_key }),
      ...(row.survivor_dossier_id === null ? {} : { survivorDossierId: row.survivor_dossier_id }),
    }));
  }

  /**
   * The source keys of one dossier and entity's entries: the records the ledger says were not loaded (skipped,
   * rejected, merged). Only the keys, so that a reconciliation can tell a record not loaded for a recorded reason
   * from one missing from the target for none.
   */
  async ledgerSourceKeys(dossierId: string, entity: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('ledger_entry')
      .select('source_key')
      .where('dossier_id', '=', dossierId)
      .where('entity', '=', entity)
      .where('source_key', 'is not', null)
      .execute();
    return rows.map((row) => row.source_key!);
  }

  /**
   * The source key of each entry this run wrote for one dossier and entity at these locations (those that have one):
   * what a resume checks the records it replays against (a record read again at another place is not found).
   */
  async runLedgerKeysAt(
    runId: string,
    dossierId: string,
    entity: string,
    locations: readonly string[],
  ): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    // A few hundred at a time: a batch may hold more records than a statement may bind parameters.
    for (let start = 0; start < locations.length; start += 500) {
      const rows = await this.db
        .selectFrom('ledger_entry')
        .select(['location', 'source_key'])
        .where('dossier_id', '=', dossierId)
        .where('entity', '=', entity)
        .where('run_id', '=', runId)
        .where('location', 'in', locations.slice(start, start + 500))
        .execute();
      for (const row of rows) found.set(row.location, row.source_key);
    }
    return found;
  }

  /** Entries of one fate for one dossier and entity: what a resumed load counted before it stopped. */
  async countLedger(dossierId: string, entity: string, fate: LedgerEntry['fate']): Promise<number> {
    const row = await this.db
      .selectFrom('ledger_entry')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('dossier_id', '=', dossierId)
      .where('entity', '=', entity)
      .where('fate', '=', fate)
      .executeTakeFirst();
    return toNumber(row?.count ?? 0);
  }

  /**
   * The raw records of one dossier, entity and fate, page by page in location order: a ledger may hold millions of
   * rejected lines, so a caller that reads each of them (to tell their fiscal year, say) holds one page at a time.
   * Pages follow the primary key (dossier, entity, location), so each is one indexed range read.
   */
  async *ledgerRawRecords(
    dossierId: string,
    entity: string,
    fate: LedgerEntry['fate'],
    pageSize = 1000,
  ): AsyncGenerator<string[]> {
    let after: string | undefined;
    for (;;) {
      let query = this.db
        .selectFrom('ledger_entry')
        .select(['location', 'raw'])
        .where('dossier_id', '=', dossierId)
        .where('entity', '=', entity)
        .where('fate', '=', fate);
      if (after !== undefined) query = query.where('location', '>', after);
      const rows = await query.orderBy('location').limit(pageSize).execute();
      if (rows.length === 0) return;
      yield rows.map((row) => row.raw);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.location;
    }
  }

  /**
   * Turns the `merged` entries of a unit whose survivor is one of `survivors` (dossier and key) into rejected ones
   * (reason, message per survivor), keeping their raw content and survivor. Idempotent: returns how many entries
   * of the unit now stand rejected for that reason with one of those survivors, converted now or earlier.
   */
  async rejectMergedInto(
    dossierId: string,
    entity: string,
    survivors: readonly { readonly dossierId: string; readonly key: string }[],
    reason: string,
    message: (survivor: { readonly dossierId: string; readonly key: string }) => string,
  ): Promise<number> {
    if (survivors.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      let total = 0;
      for (const survivor of survivors) {
        const other = otherDossier(dossierId, survivor.dossierId);
        const orientation = other === null ? 'is' : '=';
        await trx
          .updateTable('ledger_entry')
          .set({ fate: 'rejected', reason, message: message(survivor) })
          .where('dossier_id', '=', dossierId)
          .where('entity', '=', entity)
          .where('survivor_key', '=', survivor.key)
          .where('survivor_dossier_id', orientation, other)
          .where('fate', '=', 'merged')
          .execute();
        const row = await trx
          .selectFrom('ledger_entry')
          .select((eb) => eb.fn.countAll().as('count'))
          .where('dossier_id', '=', dossierId)
          .where('entity', '=', entity)
          .where('survivor_key', '=', survivor.key)
          .where('survivor_dossier_id', orientation, other)
          .where('reason', '=', reason)
          .executeTakeFirst();
        total += toNumber(row?.count ?? 0);
      }
      return total;
    });
  }

  /**
   * Replaces the active merges of a dossier and entity by those a new `cutover dedupe` found. Undone merges stay
   * as history; a cluster found again exactly as it was becomes active again.
   */
  async replaceMerges(
    dossierId: string,
    entity: string,
    merges: readonly (Pick<MergeDecision, 'clusterId' | 'survivorKey' | 'absorbedKey' | 'golden'> & {
      readonly survivorDossierId?: string;
    })[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('merge_decision')
        .where('dossier_id', '=', dossierId)
        .where('entity', '=', entity)
        .where('undone_at', 'is', null)
        .execute();
      const createdAt = now();
      for (let start = 0; start < merges.length; start += 200) {
        await trx
          .insertInto('merge_decision')
          .values(
            merges.slice(start, start + 200).map((merge) => ({
              cluster_id: merge.clusterId,
              dossier_id: dossierId,
              entity,
              survivor_key: merge.survivorKey,
              survivor_dossier_id: otherDossier(dossierId, merge.survivorDossierId),
              absorbed_key: merge.absorbedKey,
              golden: JSON.stringify(merge.golden),
              created_at: createdAt,
              undone_at: null,
            })),
          )
          .onConflict((conflict) =>
            conflict.columns(['cluster_id', 'dossier_id', 'absorbed_key']).doUpdateSet((eb) => ({
              survivor_key: eb.ref('excluded.survivor_key'),
              survivor_dossier_id: eb.ref('excluded.survivor_dossier_id'),
              golden: eb.ref('excluded.golden'),
              created_at: eb.ref('excluded.created_at'),
              undone_at: null,
            })),
          )
          .execute();
      }
    });
  }

  async merges(
    filter: {
      dossierId?: string;
      entity?: string;
      active?: boolean;
      survivorKey?: string;
      clusterId?: string;
      /** Merges whose survivor is in this dossier (the absorbed record may be in another). */
      survivorDossierId?: string;
    } = {},
  ): Promise<MergeDecision[]> {
    let query = this.db.selectFrom('merge_decision').selectAll();
    if (filter.dossierId !== undefined) query = query.where('dossier_id', '=', filter.dossierId);
    if (filter.survivorDossierId !== undefined) {
      const dossier = filter.survivorDossierId;
      query = query.where((eb) =>
        eb.or([
          eb('survivor_dossier_id', '=', dossier),
          eb.and([eb('survivor_dossier_id', 'is', null), eb('dossier_id', '=', dossier)]),
        ]),
      );
    }
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    if (filter.survivorKey !== undefined) query = query.where('survivor_key', '=', filter.survivorKey);
    if (filter.clusterId !== undefined) query = query.where('cluster_id', '=', filter.clusterId);
    if (filter.active !== undefined) query = query.where('undone_at', filter.active ? 'is' : 'is not', null);
    const rows = await query
      .orderBy('dossier_id')
      .orderBy('entity')
      .orderBy('survivor_key')
      .orderBy('absorbed_key')
      .execute();
    return rows.map((row) => ({
      clusterId: row.cluster_id,
      dossierId: row.dossier_id,
      entity: row.entity,
      survivorKey: row.survivor_key,
      survivorDossierId: row.survivor_dossier_id ?? row.dossier_id,
      absorbedKey: row.absorbed_key,
      golden: JSON.parse(row.golden) as GoldenRecord,
      createdAt: row.created_at,
      undoneAt: row.undone_at,
    }));
  }

  /** Marks active merges undone (all absorbed records of the clusters matched); returns what it undid. */
  async undoMerges(filter: {
    entity: string;
    /** The survivor's dossier. */
    survivorDossierId?: string;
    survivorKey?: string;
    clusterId?: string;
  }): Promise<MergeDecision[]> {
    const undone = await this.merges({ ...filter, active: true });
    const undoneAt = now();
    for (const clusterId of new Set(undone.map((merge) => merge.clusterId))) {
      await this.db
        .updateTable('merge_decision')
        .set({ undone_at: undoneAt })
        .where('cluster_id', '=', clusterId)
        .where('undone_at', 'is', null)
        .execute();
    }
    return undone.map((merge) => ({ ...merge, undoneAt }));
  }

  /**
   * Replaces the pending pairs of a dossier and entity by those of a new `cutover dedupe`. Decided pairs are
   * kept with their decision, whatever the new run says about them.
   */
  async replaceReviewPairs(
    dossierId: string,
    entity: string,
    pairs: readonly ReviewPairInput[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('review_pair')
        .where('dossier_id', '=', dossierId)
        .where('entity', '=', entity)
        .where('decision', 'is', null)
        .execute();
      const updatedAt = now();
      for (let start = 0; start < pairs.length; start += 200) {
        await trx
          .insertInto('review_pair')
          .values(
            pairs.slice(start, start + 200).map((pair) => ({
              pair_id: reviewPairId(dossierId, entity, pair.leftKey, pair.rightKey, pair.rightDossierId),
              dossier_id: dossierId,
              right_dossier_id: otherDossier(dossierId, pair.rightDossierId),
              entity,
              left_key: pair.leftKey,
              right_key: pair.rightKey,
              fields: JSON.stringify(pair.fields),
              probability: pair.probability,
              explanation: JSON.stringify(pair.explanation),
              reason: pair.reason,
              decision: null,
              decided_at: null,
              updated_at: updatedAt,
            })),
          )
          .onConflict((conflict) =>
            conflict.column('pair_id').doUpdateSet((eb) => ({
              fields: eb.ref('excluded.fields'),
              probability: eb.ref('excluded.probability'),
              explanation: eb.ref('excluded.explanation'),
              reason: eb.ref('excluded.reason'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
  }

  async reviewPairs(
    filter: { dossierId?: string; entity?: string; pending?: boolean } = {},
  ): Promise<ReviewPairRow[]> {
    let query = this.db.selectFrom('review_pair').selectAll();
    if (filter.dossierId !== undefined) query = query.where('dossier_id', '=', filter.dossierId);
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    if (filter.pending !== undefined) query = query.where('decision', filter.pending ? 'is' : 'is not', null);
    const rows = await query
      .orderBy('dossier_id')
      .orderBy('entity')
      .orderBy('probability', 'desc')
      .orderBy('pair_id')
      .execute();
    return rows.map((row) => ({
      pairId: row.pair_id,
      dossierId: row.dossier_id,
      entity: row.entity,
      leftKey: row.left_key,
      rightKey: row.right_key,
      rightDossierId: row.right_dossier_id ?? row.dossier_id,
      fields: JSON.parse(row.fields) as [string, unknown, unknown][],
      probability: Number(row.probability),
      explanation: JSON.parse(row.explanation) as unknown,
      reason: row.reason,
      decision: row.decision === 'same' || row.decision === 'different' ? row.decision : null,
      decidedAt: row.decided_at,
    }));
  }

  /** Stores a person's decision on a pair of the queue; false when no pair has this id. */
  async decideReviewPair(pairId: string, decision: ReviewDecision): Promise<boolean> {
    const result = await this.db
      .updateTable('review_pair')
      .set({ decision, decided_at: now() })
      .where('pair_id', '=', pairId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Records a person's choice of a golden value. A later choice for the same column of the same cluster wins
   * (choices are read newest first).
   */
  async chooseGoldenValue(choice: Omit<GoldenValueChoice, 'chosenAt'>): Promise<void> {
    const chosenAt = now();
    await this.db
      .insertInto('golden_choice')
      .values({
        dossier_id: choice.dossierId,
        entity: choice.entity,
        column_name: choice.column,
        chosen_key: choice.chosenKey,
        chosen_at: chosenAt,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['dossier_id', 'entity', 'column_name', 'chosen_key'])
          .doUpdateSet({ chosen_at: chosenAt }),
      )
      .execute();
  }

  /** The golden values people chose, newest first. */
  async goldenChoices(filter: { dossierId?: string; entity?: string } = {}): Promise<GoldenValueChoice[]> {
    let query = this.db.selectFrom('golden_choice').selectAll();
    if (filter.dossierId !== undefined) query = query.where('dossier_id', '=', filter.dossierId);
    if (filter.entity !== undefined) query = query.where('entity', '=', filter.entity);
    const rows = await query.orderBy('chosen_at', 'desc').orderBy('chosen_key').execute();
    return rows.map((row) => ({
      dossierId: row.dossier_id,
      entity: row.entity,
      column: row.column_name,
      chosenKey: row.chosen_key,
      chosenAt: row.chosen_at,
    }));
  }

  /** Decisions taken outside the queue (an undo says "different"): stored as decided pairs. */
  async recordDecisions(pairs: readonly (ReviewPairInput & { decision: ReviewDecision })[]): Promise<void> {
    const decidedAt = now();
    for (const pair of pairs) {
      const values = {
        fields: JSON.stringify(pair.fields),
        probability: pair.probability,
        explanation: JSON.stringify(pair.explanation),
        reason: pair.reason,
        decision: pair.decision,
        decided_at: decidedAt,
        updated_at: decidedAt,
      };
      await this.db
        .insertInto('review_pair')
        .values({
          pair_id: reviewPairId(
            pair.dossierId,
            pair.entity,
            pair.leftKey,
            pair.rightKey,
            pair.rightDossierId,
          ),
          dossier_id: pair.dossierId,
          right_dossier_id: otherDossier(pair.dossierId, pair.rightDossierId),
          entity: pair.entity,
          left_key: pair.leftKey,
          right_key: pair.rightKey,
          ...values,
        })
        .onConflict((conflict) =>
          conflict.column('pair_id').doUpdateSet({ decision: pair.decision, decided_at: decidedAt }),
        )
        .execute();
    }
  }

  /** Adds notices after those their unit already stored (replaceUnitNotices), in that order. */
  async addNotices(notices: readonly SourceNoticeRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const unit of groupBy(
        notices,
        (notice) => `${notice.runId}\u0000${notice.dossierId}\u0000${notice.entity}`,
      ).values()) {
        const { runId, dossierId, entity } = unit[0]!;
        const last = await trx
          .selectFrom('source_notice')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('run_id', '=', runId)
          .where('dossier_id', '=', dossierId)
          .where('entity', '=', entity)
          .executeTakeFirst();
        await insertNotices(
          trx,
          unit,
          last?.seq === null || last?.seq === undefined ? 0 : toNumber(last.seq) + 1,
        );
      }
    });
  }

  /**
   * Stores a unit's notices in place of those an earlier attempt of the same run stored: a load stores them before
   * its done mark, so a kill between the two leaves the unit unfinished, and the resume that loads it again says
   * them again. One transaction: a kill midway leaves the earlier ones or these, never neither.
   */
  async replaceUnitNotices(
    runId: string,
    dossierId: string,
    entity: string,
    notices: readonly Omit<SourceNoticeRow, 'runId' | 'dossierId' | 'entity'>[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('source_notice')
        .where('run_id', '=', runId)
        .where('dossier_id', '=', dossierId)
        .where('entity', '=', entity)
        .execute();
      await insertNotices(
        trx,
        notices.map((notice) => ({ ...notice, runId, dossierId, entity })),
        0,
      );
    });
  }

  /** A run's notices, each unit's in the order its load said them. */
  async notices(runId: string): Promise<SourceNoticeRow[]> {
    const rows = await this.db
      .selectFrom('source_notice')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('dossier_id')
      .orderBy('entity')
      .orderBy('seq')
      .execute();
    return rows.map(toNoticeRow);
  }

  /**
   * What one unit of a run said, stored with its load, in the order it said them: what a resume that does not load
   * it again repeats, as the run it resumes said them.
   */
  async unitNotices(runId: string, dossierId: string, entity: string): Promise<SourceNoticeRow[]> {
    const rows = await this.db
      .selectFrom('source_notice')
      .selectAll()
      .where('run_id', '=', runId)
      .where('dossier_id', '=', dossierId)
      .where('entity', '=', entity)
      .orderBy('seq')
      .execute();
    return rows.map(toNoticeRow);
  }

  /**
   * Per entity of a dossier, the run or replay that ran it last. A replay or a `run --dossier` runs some units only:
   * the last run of all may not have read this dossier, nor said anything of its files.
   */
  async lastRunsOfDossier(dossierId: string): Promise<{ entity: string; run: RunRow }[]> {
    const rows = await this.db
      .selectFrom('run_step')
      .innerJoin('run', 'run.id', 'run_step.run_id')
      .selectAll('run')
      .select(['run_step.entity', 'run_step.updated_at'])
      .where('run_step.dossier_id', '=', dossierId)
      .orderBy('run_step.updated_at', 'desc')
      .execute();
    const last = new Map<string, RunRow>();
    for (const row of rows) if (!last.has(row.entity)) last.set(row.entity, toRunRow(row));
    return [...last].map(([entity, run]) => ({ entity, run }));
  }

  /**
   * The units whose last run or replay stopped them at the rejected-records threshold: a later run of other dossiers
   * (`run --dossier`, a replay) leaves them as they were.
   */
  async unitsStoppedByThreshold(): Promise<{ runId: string; dossierId: string; entity: string }[]> {
    const rows = await this.db
      .selectFrom('run_step as stopped')
      .select(['stopped.run_id', 'stopped.dossier_id', 'stopped.entity'])
      .where('stopped.status', '=', 'threshold_crossed')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('run_step as later')
              .select('later.run_id')
              .whereRef('later.dossier_id', '=', 'stopped.dossier_id')
              .whereRef('later.entity', '=', 'stopped.entity')
              .whereRef('later.updated_at', '>', 'stopped.updated_at'),
          ),
        ),
      )
      .orderBy('stopped.dossier_id')
      .orderBy('stopped.entity')
      .execute();
    return rows.map((row) => ({ runId: row.run_id, dossierId: row.dossier_id, entity: row.entity }));
  }

  /** The notices these runs stored for one dossier. */
  async dossierNotices(runIds: readonly string[], dossierId: string): Promise<SourceNoticeRow[]> {
    if (runIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('source_notice')
      .selectAll()
      .where('run_id', 'in', [...runIds])
      .where('dossier_id', '=', dossierId)
      .orderBy('run_id')
      .orderBy('entity')
      .orderBy('seq')
      .execute();
    return rows.map(toNoticeRow);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Stores notices of one unit, numbered from `firstSeq` in the order given. */
const insertNotices = async (
  db: Kysely<StateDatabase>,
  notices: readonly SourceNoticeRow[],
  firstSeq: number,
): Promise<void> => {
  for (let start = 0; start < notices.length; start += 200) {
    await db
      .insertInto('source_notice')
      .values(
        notices.slice(start, start + 200).map((notice, index) => ({
          id: randomUUID(),
          seq: firstSeq + start + index,
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
};

const toNoticeRow = (row: StateDatabase['source_notice']): SourceNoticeRow => ({
  runId: row.run_id,
  dossierId: row.dossier_id,
  entity: row.entity,
  source: row.source,
  code: row.code,
  message: row.message,
  line: row.line === null ? null : toNumber(row.line),
});

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
        survivor_key: entry.survivorKey ?? null,
        survivor_dossier_id: otherDossier(entry.dossierId, entry.survivorDossierId ?? undefined),
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
        survivor_key: eb.ref('excluded.survivor_key'),
        survivor_dossier_id: eb.ref('excluded.survivor_dossier_id'),
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
