import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { from as copyFrom } from 'pg-copy-streams';
import { entityNames, type EntityName } from '../../core/model/canonical-model.js';
import type { CanonicalValue } from '../../core/model/canonical-value.js';
import { literalConnection, type ResolvedConnection } from '../../core/connection-url.js';
import { Utf8Writer } from '../../core/utf8-writer.js';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { jsonText } from '../../core/json-text.js';
import { quoteIdentifier, targetColumns, targetDdl, targetMigrationDdl } from './target-ddl.js';
import { targetRowReader } from './target-values.js';
import { EncodedBatches } from './encoded-batches.js';
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
  TargetRow,
  TargetRowRead,
  TargetStore,
  WriteBatch,
} from './target-store.js';

const DATE_OID = 1082;

/** Dates stay `YYYY-MM-DD` text: pg would turn them into local-midnight Date objects and shift days. */
const keepText = (value: string) => value;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === DATE_OID
      ? keepText
      : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
};

const isUniqueViolation = (error: unknown) =>
  error instanceof Error && 'code' in error && error.code === '23505';

/**
 * A batch's commit does not wait for its WAL to reach the disk (measured about 5-7% of a 1M-contact load). Rows and
 * checkpoint are still one transaction, so a server crash loses them together and the resume redoes them from the
 * checkpoint; the commit of finishLoad waits as usual, which flushes every batch before it, so a unit reported done
 * is on disk.
 */
const ASYNC_COMMIT = 'SET LOCAL synchronous_commit = off';

const TAB = 0x09;
const LINE_FEED = 0x0a;

/** One value in COPY text format: `\N` for NULL, t/f for flags, text escaped (see Utf8Writer.copyField). */
const writeCopyValue = (out: Utf8Writer, value: CanonicalValue): void => {
  if (value === null) out.text('\\N');
  else if (typeof value === 'string') out.copyField(value);
  else if (typeof value === 'boolean') out.byte(value ? 0x74 : 0x66);
  else out.text(String(value));
};

/**
 * PostgreSQL target. A first load streams each batch with COPY (the fastest way in); a batch that meets rows
 * already there (a re-run, or a duplicate source key) goes through a staging table and one statement, which replaces
 * the rows of earlier runs, counts them unchanged or changed, inserts the new and names the duplicates of this run.
 */
export class PostgresTarget implements TargetStore {
  readonly dialect = 'postgres';

  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  /** `connection`: a URL naming no variable, or the plan's resolved (see resolveConnection), for its messages. */
  static async connect(connection: string | ResolvedConnection, schema: string): Promise<PostgresTarget> {
    const { url, shown, scrub } = typeof connection === 'string' ? literalConnection(connection) : connection;
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000, types });
    // A client in use whose connection drops (server restarted, backend terminated) emits 'error', which with no
    // listener would end the process; the query or cursor in flight fails with the same error and reports it.
    // Registered first: the probe's client below goes back to the pool and is used again.
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      const client = await pool.connect();
      client.release();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new CutoverError(
        ErrorCode.CONNECTION_FAILED,
        `cannot connect to the PostgreSQL target ${shown}: ${scrub(messageOf(error))}`,
        {
          cause: error,
        },
      );
    }
    pool.on('error', () => undefined);
    return new PostgresTarget(pool, schema);
  }

  /** The size of the last COPY text: the next batch is usually about as large. */
  private lastPayloadBytes = 1 << 16;
  /** COPY text of insert-mode batches made by encodeAhead, until their batch is written. */
  private readonly encoded = new EncodedBatches<{ payload: Uint8Array; columns: number[] }>();
  private readonly shape: SqlShape = {
    table: (name) => this.table(name),
    parameter: (position) => `$${position}`,
  };

  private table(name: string): string {
    return `${quoteIdentifier(this.schema)}.${quoteIdentifier(name)}`;
  }

  private async query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw new CutoverError(ErrorCode.TARGET_FAILED, `PostgreSQL target: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  async ensureSchema(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Two runs creating the schema at once would race on CREATE ... IF NOT EXISTS.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`cutover-schema-${this.schema}`]);
      // A schema already complete is used as it is: a role given its tables by a DBA, or a read-only auditor's for
      // reconcile, has no right to CREATE on the database, which CREATE SCHEMA IF NOT EXISTS asks before looking.
      if (!(await this.schemaComplete(client)))
        for (const statement of targetDdl('postgres', this.schema)) await client.query(statement);
      const { rows } = await client.query<{ table_name: string; column_name: string }>(
        'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1',
        [this.schema],
      );
      const existing = new Map<string, Set<string>>();
      for (const row of rows) {
        const columns = existing.get(row.table_name) ?? new Set<string>();
        columns.add(row.column_name);
        existing.set(row.table_name, columns);
      }
      for (const statement of targetMigrationDdl('postgres', existing, this.schema))
        await client.query(statement);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `creating the target schema ${this.schema}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      client.release();
    }
  }

  /** Whether every table and unique index of the canonical schema is there already. */
  private async schemaComplete(client: pg.PoolClient): Promise<boolean> {
    const { rows: tables } = await client.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1',
      [this.schema],
    );
    const { rows: indexes } = await client.query<{ name: string }>(
      'SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1',
      [this.schema],
    );
    const present = new Set([...tables, ...indexes].map((row) => row.name));
    return [
      'dossier',
      '_cutover_checkpoint',
      ...entityNames,
      ...entityNames.map((e) => `${e}_source_key`),
    ].every((name) => present.has(name));
  }

  async upsertDossiers(dossiers: readonly DossierRow[]): Promise<void> {
    for (let start = 0; start < dossiers.length; start += 1000) {
      const slice = dossiers.slice(start, start + 1000);
      await this.query(
        `INSERT INTO ${this.table('dossier')} (id, name, attributes)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, attributes = excluded.attributes`,
        [slice.map((d) => d.id), slice.map((d) => d.name), slice.map((d) => jsonText(d.attributes) ?? '{}')],
      );
    }
  }

  async checkpoint(dossier: string, entity: EntityName): Promise<LoadCheckpoint | undefined> {
    const { rows } = await this.query<Record<string, unknown>>(
      `SELECT * FROM ${this.table('_cutover_checkpoint')} WHERE dossier_id = $1 AND entity = $2`,
      [dossier, entity],
    );
    return rows[0] === undefined ? undefined : checkpointFromRow(rows[0]);
  }

  async unfinishedLoads(): Promise<{ dossier: string; entity: string }[]> {
    const { rows } = await this.query<{ dossier: string; entity: string }>(
      `SELECT dossier_id AS dossier, entity FROM ${this.table('_cutover_checkpoint')} WHERE done = 0 ORDER BY dossier_id, entity`,
    );
    return rows;
  }

  async runLoads(runId: string): Promise<{ dossier: string; entity: string }[]> {
    const { rows } = await this.query<{ dossier: string; entity: string }>(
      `SELECT dossier_id AS dossier, entity FROM ${this.table('_cutover_checkpoint')} WHERE run_id = $1 ORDER BY dossier_id, entity`,
      [runId],
    );
    return rows;
  }

  async hasRows(dossier: string, entity: EntityName): Promise<boolean> {
    const { rows } = await this.query(`SELECT 1 FROM ${this.table(entity)} WHERE dossier_id = $1 LIMIT 1`, [
      dossier,
    ]);
    return rows.length > 0;
  }

  async resolveKeys(
    entity: EntityName,
    dossier: string,
    keys: readonly string[],
    runId?: string,
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (keys.length === 0) return found;
    const sql = `SELECT source_key, id FROM ${this.table(entity)} WHERE dossier_id = $1 AND source_key = ANY($2::text[])`;
    const { rows } = await this.query<{ source_key: string; id: string }>(
      runId === undefined ? sql : `${sql} AND run_id = $3`,
      runId === undefined ? [dossier, keys] : [dossier, keys, runId],
    );
    for (const row of rows) found.set(row.source_key, Number(row.id));
    return found;
  }

  async runRowsTally(entity: EntityName, dossier: string, runId: string): Promise<RowsTally> {
    const { rows } = await this.query<{ n: string; s: string | null }>(
      `SELECT count(*) AS n, sum(id) AS s FROM ${this.table(entity)} WHERE dossier_id = $1 AND run_id = $2`,
      [dossier, runId],
    );
    return { rows: Number(rows[0]?.n ?? 0), idSum: BigInt(rows[0]?.s ?? 0) };
  }

  private checkpointSql(): string {
    return checkpointUpsertSql(this.shape);
  }

  /**
   * The COPY text of rows as UTF-8 bytes, with the columns (indices into targetColumns) it carries. In insert mode
   * a column empty in every row is left out (PostgreSQL fills NULL): less text to build here and to parse there (a
   * third of the contacts' columns are empty in a typical CRM export). Written straight as bytes: building a string
   * per row and joining them cost 1.2 s per million contacts on the migrating thread, then Buffer.from another 0.3 s.
   */
  private copyPayload(
    batch: Pick<WriteBatch, 'dossier' | 'entity' | 'runId'>,
    rows: readonly TargetRow[],
    leaveOutEmpty: boolean,
  ): { payload: Uint8Array; columns: number[] } {
    const width = targetColumns(batch.entity).length;
    let columns = Array.from({ length: width }, (_, index) => index);
    if (leaveOutEmpty) {
      const filled = new Uint8Array(width);
      for (const row of rows) {
        const values = row.values;
        for (let column = 0; column < width; column++) if (values[column] != null) filled[column] = 1;
      }
      columns = columns.filter((column) => filled[column] === 1);
    }
    const out = new Utf8Writer(this.lastPayloadBytes + (this.lastPayloadBytes >> 2));
    for (const row of rows) {
      const values = row.values;
      out.copyField(batch.dossier);
      out.byte(TAB);
      out.copyField(row.sourceKey);
      out.byte(TAB);
      out.copyField(batch.runId);
      for (const column of columns) {
        out.byte(TAB);
        writeCopyValue(out, values[column] ?? null);
      }
      out.byte(LINE_FEED);
    }
    this.lastPayloadBytes = Math.max(out.length, 1 << 12);
    return { payload: out.written(), columns };
  }

  /**
   * COPY of `payload` into `table`, inside one query text with the statements to run `before` and `after` it: the
   * server runs them in order, the COPY taking the data sent after it starts, so the whole is one round trip.
   */
  private async copyInto(
    client: pg.PoolClient,
    table: string,
    names: readonly string[],
    payload: Uint8Array,
    around: { before?: string; after?: string } = {},
  ): Promise<void> {
    const copy = `COPY ${table} (${names.map(quoteIdentifier).join(', ')}) FROM STDIN`;
    const text = [around.before, copy, around.after].filter((part) => part !== undefined).join('; ');
    const stream = client.query(copyFrom(text));
    await pipeline(Readable.from([Buffer.from(payload.buffer, payload.byteOffset, payload.length)]), stream);
  }

  /** The checkpoint upsert with its values written in (escaped), to travel in one query text with the batch. */
  private checkpointStatement(client: pg.PoolClient, batch: WriteBatch): string {
    const values = checkpointParameters(batch.dossier, batch.entity, batch.checkpoint).map((value) =>
      typeof value === 'number' ? String(value) : client.escapeLiteral(String(value)),
    );
    return checkpointUpsertSql({
      table: (name) => this.table(name),
      parameter: (position) => values[position - 1]!,
    });
  }

  /** Upsert batches go through staging, which writes only the rows not repeated in the batch: nothing to do ahead. */
  encodeAhead(batch: Pick<WriteBatch, 'dossier' | 'entity' | 'runId' | 'mode' | 'rows'>): void {
    if (batch.mode === 'insert') this.encoded.set(batch, this.copyPayload(batch, batch.rows, true));
  }

  async writeBatch(batch: WriteBatch): Promise<BatchWritten> {
    const names = [
      'dossier_id',
      'source_key',
      'run_id',
      ...targetColumns(batch.entity).map((column) => column.name),
    ];
    const client = await this.pool.connect();
    try {
      if (batch.mode === 'insert') {
        try {
          const { payload, columns } = this.encoded.take(batch) ?? this.copyPayload(batch, batch.rows, true);
          // One round trip for the whole batch: while the migrating thread maps the next batch, a reply it has not
          // yet read would leave the server waiting for the next statement.
          const before = `BEGIN; ${ASYNC_COMMIT}`;
          const after = `${this.checkpointStatement(client, batch)}; COMMIT`;
          if (payload.length === 0) await client.query(`${before}; ${after}`);
          else
            await this.copyInto(
              client,
              this.table(batch.entity),
              [...names.slice(0, 3), ...columns.map((column) => names[column + 3]!)],
              payload,
              { before, after },
            );
          return { duplicates: 0, updated: 0, unchanged: 0 };
        } catch (error) {
          await client.query('ROLLBACK');
          if (!isUniqueViolation(error)) throw error;
          // A duplicate source key: redo this batch through the staging path, which names the duplicates.
        }
      }
      return await this.writeThroughStaging(client, batch, names);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof CutoverError) throw error;
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `writing ${batch.entity} of dossier ${batch.dossier} to PostgreSQL: ${messageOf(error)}`,
        { cause: error, context: { entity: batch.entity, dossier: batch.dossier } },
      );
    } finally {
      client.release();
    }
  }

  private async writeThroughStaging(
    client: pg.PoolClient,
    batch: WriteBatch,
    names: readonly string[],
  ): Promise<BatchWritten> {
    // Duplicates inside the batch, the first winning: the statement below would write one row for two staged rows of
    // one key and count both written. Keys compare as stored: a lone surrogate is U+FFFD there.
    const unique: TargetRow[] = [];
    const duplicates: TargetRow[] = [];
    const inBatch = new Set<string>();
    for (const row of batch.rows) {
      const key = row.sourceKey.toWellFormed();
      if (inBatch.has(key)) duplicates.push(row);
      else {
        inBatch.add(key);
        unique.push(row);
      }
    }
    const stage = quoteIdentifier(`_cutover_stage_${batch.entity}`);
    await client.query('BEGIN');
    await client.query(ASYNC_COMMIT);
    const columns = names.map(quoteIdentifier);
    await client.query(`DROP TABLE IF EXISTS ${stage}`);
    await client.query(
      `CREATE TEMP TABLE ${stage} ON COMMIT DROP AS SELECT ${columns.join(', ')} FROM ${this.table(batch.entity)} WITH NO DATA`,
    );
    const { payload } = this.copyPayload(batch, unique, false);
    if (payload.length > 0) await this.copyInto(client, stage, names, payload);
    // Each staged row is looked up by the unique index: the planner, with no statistics on the staging table, chose
    // a hash join that read the whole target table for every batch (quadratic in a re-run's size).
    await client.query('SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
    const { rows } = await client.query<{
      written: string;
      updated: string;
      unchanged: string;
      repeated: string[];
    }>(this.stagedWriteSql(batch, columns, stage));
    const result = rows[0]!;
    const repeated = new Set(result.repeated);
    for (const row of unique) if (repeated.has(row.sourceKey.toWellFormed())) duplicates.push(row);
    if (Number(result.written) !== unique.length - repeated.size)
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `writing ${batch.entity} of dossier ${batch.dossier} to PostgreSQL: ${result.written} of ${unique.length} rows written where ${unique.length - repeated.size} were expected (did another process write this dossier meanwhile?)`,
        { context: { entity: batch.entity, dossier: batch.dossier } },
      );
    const updated = Number(result.updated);
    const unchanged = Number(result.unchanged);
    if (duplicates.length > 0) await batch.onDuplicates(duplicates);
    await client.query(
      this.checkpointSql(),
      checkpointParameters(
        batch.dossier,
        batch.entity,
        checkpointWithDuplicates(batch.checkpoint, { duplicates: duplicates.length, updated, unchanged }),
      ),
    );
    await client.query('COMMIT');
    return { duplicates: duplicates.length, updated, unchanged };
  }

  /**
   * One statement writes the staged rows and says what it did. A CTE (computed once, being read three times) looks
   * each staged row up once by the unique index, keeping the row there before (where it is, and whether every column
   * holds the staged value); the UPDATE and the INSERT beside it write from that, the UPDATE finding the row where the lookup found it (TID, no second
   * lookup), the INSERT taking the keys found nowhere. Every part of one statement sees the table as it was when the
   * statement began, so the counts are those of the rows before. A row of an earlier run is replaced (its id kept):
   * unchanged when every column held the staged value, else updated; a row this run already wrote is left alone, a
   * duplicate source key (in insert mode, the retry of a COPY that met one, every row there is). Three statements
   * (UPDATE unchanged, UPDATE changed, INSERT ... DO NOTHING) looked each row up three times; INSERT ... ON CONFLICT
   * DO UPDATE beside the CTE, twice, and locked each row before updating it.
   */
  private stagedWriteSql(batch: WriteBatch, columns: readonly string[], stage: string): string {
    const target = this.table(batch.entity);
    const values = columns.slice(3);
    const row = (alias: string) => values.map((column) => `${alias}.${column}`).join(', ');
    // Names no entity column takes: the CTE carries every staged column beside them.
    const [place, repeated, same] = ['_cutover_place', '_cutover_repeated', '_cutover_same'];
    const staged = columns.map((column) => `s.${column}`).join(', ');
    return `WITH before AS (
        SELECT ${staged}, t.ctid AS ${place},
          ${batch.mode === 'upsert' ? 't.run_id = s.run_id' : 't.ctid IS NOT NULL'} AS ${repeated},
          (${row('t')}) IS NOT DISTINCT FROM (${row('s')}) AS ${same}
        FROM ${stage} AS s LEFT JOIN ${target} AS t ON t.dossier_id = s.dossier_id AND t.source_key = s.source_key
      ), replaced AS (
        UPDATE ${target} AS t SET ${columns
          .slice(2)
          .map((column) => `${column} = b.${column}`)
          .join(', ')}
        FROM before AS b WHERE t.ctid = b.${place} AND NOT b.${repeated} RETURNING 1
      ), inserted AS (
        INSERT INTO ${target} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM before WHERE ${place} IS NULL
        ON CONFLICT (dossier_id, source_key) DO NOTHING RETURNING 1
      )
      SELECT (SELECT count(*) FROM replaced) + (SELECT count(*) FROM inserted) AS written,
        count(*) FILTER (WHERE NOT ${repeated} AND NOT ${same}) AS updated,
        count(*) FILTER (WHERE NOT ${repeated} AND ${same}) AS unchanged,
        coalesce(array_agg(source_key) FILTER (WHERE ${repeated}), '{}') AS repeated
      FROM before WHERE ${place} IS NOT NULL`;
  }

  async beginLoad(
    dossier: string,
    entity: EntityName,
    runId: string,
    mode: LoadCheckpoint['mode'],
  ): Promise<void> {
    await this.query(
      this.checkpointSql(),
      checkpointParameters(dossier, entity, begunCheckpoint(runId, mode)),
    );
  }

  async restartLoad(dossier: string, entity: EntityName, runId: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `UPDATE ${this.table(entity)} SET run_id = $1 WHERE dossier_id = $2 AND run_id = $3`,
        [restartedRunId(runId), dossier, runId],
      );
      await client.query(
        this.checkpointSql(),
        checkpointParameters(dossier, entity, restartedCheckpoint(runId)),
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `starting ${entity} of dossier ${dossier} over: ${messageOf(error)}`,
        { cause: error },
      );
    } finally {
      client.release();
    }
  }

  async finishLoad(
    dossier: string,
    entity: EntityName,
    checkpoint: LoadCheckpoint,
  ): Promise<{ removed: number }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A load in insert mode started on an empty dossier: every row is this run's, no scan is needed.
      const { rowCount } =
        checkpoint.mode === 'upsert'
          ? await client.query(`DELETE FROM ${this.table(entity)} WHERE dossier_id = $1 AND run_id <> $2`, [
              dossier,
              checkpoint.runId,
            ])
          : { rowCount: 0 };
      await client.query(
        this.checkpointSql(),
        checkpointParameters(dossier, entity, { ...checkpoint, done: true }),
      );
      await client.query('COMMIT');
      return { removed: rowCount ?? 0 };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `finishing ${entity} of dossier ${dossier}: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      client.release();
    }
  }

  async *readRows(entity: EntityName, dossier: string, batchSize = 5000): AsyncIterable<TargetRowRead[]> {
    const read = targetRowReader(targetColumns(entity));
    const text = readBackSql(this.shape, entity, 't.source_key');
    const failed = (error: unknown) =>
      new CutoverError(
        ErrorCode.TARGET_FAILED,
        `reading back ${entity} of dossier ${dossier} from PostgreSQL: ${messageOf(error)}`,
        { cause: error, context: { entity, dossier } },
      );
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw failed(error);
    }
    let failure: unknown;
    const cursor = client.query(new Cursor<unknown[]>(text, [dossier], { rowMode: 'array' }));
    // A connection lost while no read is pending is an 'error' event on the cursor (else uncaught, the end of the
    // process); the next read then fails with it.
    cursor.on('error', (error: unknown) => (failure ??= error));
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) break;
        yield rows.map(read);
      }
    } catch (error) {
      failure = error;
      throw failed(error);
    } finally {
      if (failure === undefined) await cursor.close();
      // A client that failed is not given back to the pool for reuse.
      client.release(failure === undefined ? undefined : (failure as Error));
    }
  }

  async countRows(entity: EntityName, dossier: string): Promise<number> {
    const { rows } = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.table(entity)} WHERE dossier_id = $1`,
      [dossier],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async countOrphans(entity: EntityName, dossier: string): Promise<number> {
    const sql = orphanCountSql(this.shape, entity);
    if (sql === undefined) return 0;
    const { rows } = await this.query<{ n: string }>(sql, [dossier]);
    return Number(rows[0]?.n ?? 0);
  }

  async readDossier(id: string): Promise<DossierRow | undefined> {
    const { rows } = await this.query<Record<string, unknown>>(
      `SELECT id, name, attributes FROM ${this.table('dossier')} WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : dossierFromRow(rows[0]);
  }

  async *readBookLines(dossier: string, batchSize = 5000, fiscalYearEnd?: string): AsyncIterable<BookLine[]> {
    // A cursor: a dossier's lines never sit in memory all at once. Text keys sort byte-wise, as in SQLite.
    const byYear = fiscalYearEnd !== undefined;
    const text = bookLinesSql(this.shape, (expression) => `${expression} COLLATE "C"`, byYear);
    const client = await this.pool.connect();
    const cursor = client.query(
      new Cursor<Record<string, unknown>>(text, byYear ? [dossier, fiscalYearEnd] : [dossier]),
    );
    try {
      for (;;) {
        const rows = await cursor.read(batchSize);
        if (rows.length === 0) break;
        yield rows.map(bookLineFromRow);
      }
    } catch (error) {
      throw new CutoverError(
        ErrorCode.TARGET_FAILED,
        `reading the entry lines of dossier ${dossier}: ${messageOf(error)}`,
        {
          cause: error,
          context: { dossier },
        },
      );
    } finally {
      await cursor.close();
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
