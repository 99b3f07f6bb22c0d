import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Migrations of the state store, in code so that they ship inside the package. Never edit a released
 * migration: add a new one.
 */
const migrations: Record<string, Migration> = {
  '2026-11-28-001-initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('plan_version')
        .addColumn('hash', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('text', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('dossier')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text')
        .addColumn('attributes', 'text', (column) => column.notNull().defaultTo('{}'))
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('run')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('plan_hash', 'text', (column) => column.notNull())
        .addColumn('command', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('started_at', 'text', (column) => column.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('summary', 'text')
        .execute();
      await db.schema
        .createTable('run_step')
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('records_read', 'bigint', (column) => column.notNull())
        .addColumn('loaded', 'bigint', (column) => column.notNull())
        .addColumn('skipped', 'bigint', (column) => column.notNull())
        .addColumn('rejected', 'bigint', (column) => column.notNull())
        .addColumn('repeats', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('run_step_pk', ['run_id', 'dossier_id', 'entity'])
        .execute();
      await db.schema
        .createTable('ledger_entry')
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('location', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('fate', 'text', (column) => column.notNull())
        .addColumn('reason', 'text')
        .addColumn('rule', 'text')
        .addColumn('message', 'text')
        .addColumn('column_name', 'text')
        .addColumn('source_key', 'text')
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('line', 'bigint')
        .addColumn('record', 'bigint', (column) => column.notNull())
        .addColumn('raw', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('ledger_entry_pk', ['dossier_id', 'entity', 'location'])
        .execute();
      await db.schema
        .createIndex('ledger_entry_fate')
        .on('ledger_entry')
        .columns(['fate', 'reason'])
        .execute();
      await db.schema
        .createTable('source_notice')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('code', 'text', (column) => column.notNull())
        .addColumn('message', 'text', (column) => column.notNull())
        .addColumn('line', 'bigint')
        .execute();
    },
  },
  '2026-11-28-002-dedupe': {
    async up(db: Kysely<unknown>) {
      // The survivor a `merged` record went into: a column, so that `cutover ledger` and audits can follow it.
      await db.schema.alterTable('ledger_entry').addColumn('survivor_key', 'text').execute();
      await db.schema.alterTable('run_step').addColumn('merged', 'bigint').execute();
      await db.schema
        .createTable('merge_decision')
        .addColumn('cluster_id', 'text', (column) => column.notNull())
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('survivor_key', 'text', (column) => column.notNull())
        .addColumn('absorbed_key', 'text', (column) => column.notNull())
        // {values: {column: value}, origins: {column: source key}}: the golden record and where each value came from.
        .addColumn('golden', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('undone_at', 'text')
        .addPrimaryKeyConstraint('merge_decision_pk', ['cluster_id', 'absorbed_key'])
        .execute();
      await db.schema
        .createIndex('merge_decision_unit')
        .on('merge_decision')
        .columns(['dossier_id', 'entity', 'survivor_key'])
        .execute();
      await db.schema
        .createTable('review_pair')
        .addColumn('pair_id', 'text', (column) => column.primaryKey())
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('left_key', 'text', (column) => column.notNull())
        .addColumn('right_key', 'text', (column) => column.notNull())
        .addColumn('fields', 'text', (column) => column.notNull())
        .addColumn('probability', 'double precision', (column) => column.notNull())
        .addColumn('explanation', 'text', (column) => column.notNull())
        .addColumn('reason', 'text', (column) => column.notNull())
        .addColumn('decision', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('review_pair_unit')
        .on('review_pair')
        .columns(['dossier_id', 'entity', 'decision'])
        .execute();
    },
  },
  '2026-11-28-003-link': {
    async up(db: Kysely<unknown>) {
      // `cutover link`: every record that stands for a company (registry dossier, CRM company, third party)
      // points to one client. The key makes "one client per record" a fact of the schema, not of the code.
      await db.schema
        .createTable('link_member')
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('source_key', 'text', (column) => column.notNull())
        .addColumn('client_id', 'text', (column) => column.notNull())
        .addColumn('system', 'text', (column) => column.notNull())
        .addColumn('name', 'text')
        .addColumn('siren', 'text')
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('link_member_pk', ['entity', 'dossier_id', 'source_key'])
        .execute();
      await db.schema.createIndex('link_member_client').on('link_member').column('client_id').execute();
    },
  },
  '2026-11-28-004-golden-choice': {
    async up(db: Kysely<unknown>) {
      // A value of a golden record chosen by a person: cluster `column` takes the value of record `chosen_key`.
      // Keyed by the record, not the cluster id, so the choice holds while that record stays in a cluster whose
      // membership changed.
      await db.schema
        .createTable('golden_choice')
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('column_name', 'text', (column) => column.notNull())
        .addColumn('chosen_key', 'text', (column) => column.notNull())
        .addColumn('chosen_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('golden_choice_pk', ['dossier_id', 'entity', 'column_name', 'chosen_key'])
        .execute();
    },
  },
  '2026-11-28-005-cross-dossier-merges': {
    async up(db: Kysely<unknown>) {
      // With `acrossDossiers`, a record may merge into a survivor of another dossier: each side says which.
      // NULL means the same dossier as the row's own, which is what every earlier row meant.
      await db.schema.alterTable('merge_decision').addColumn('survivor_dossier_id', 'text').execute();
      await db.schema.alterTable('ledger_entry').addColumn('survivor_dossier_id', 'text').execute();
      await db.schema.alterTable('review_pair').addColumn('right_dossier_id', 'text').execute();
    },
  },
  '2026-11-30-006-merge-decision-per-dossier': {
    async up(db: Kysely<unknown>) {
      // A cluster across dossiers may absorb records of two dossiers that share a source key (each dossier numbers
      // its own): keyed by (cluster, absorbed key) alone, the second one's merge overwrote the first one's, and that
      // record was loaded beside its survivor. The absorbed record's dossier is part of the key now. A primary key
      // cannot be altered in SQLite: the table is rebuilt, its rows kept.
      await sql`CREATE TABLE merge_decision_005 AS SELECT * FROM merge_decision`.execute(db);
      await db.schema.dropTable('merge_decision').execute();
      await db.schema
        .createTable('merge_decision')
        .addColumn('cluster_id', 'text', (column) => column.notNull())
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('survivor_key', 'text', (column) => column.notNull())
        .addColumn('absorbed_key', 'text', (column) => column.notNull())
        .addColumn('golden', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('undone_at', 'text')
        .addColumn('survivor_dossier_id', 'text')
        .addPrimaryKeyConstraint('merge_decision_pk', ['cluster_id', 'dossier_id', 'absorbed_key'])
        .execute();
      await db.schema
        .createIndex('merge_decision_unit')
        .on('merge_decision')
        .columns(['dossier_id', 'entity', 'survivor_key'])
        .execute();
      await sql`INSERT INTO merge_decision (cluster_id, dossier_id, entity, survivor_key, absorbed_key, golden,
                  created_at, undone_at, survivor_dossier_id)
                SELECT cluster_id, dossier_id, entity, survivor_key, absorbed_key, golden, created_at, undone_at,
                  survivor_dossier_id
                FROM merge_decision_005`.execute(db);
      await db.schema.dropTable('merge_decision_005').execute();
    },
  },
  '2026-11-30-007-unit-source': {
    async up(db: Kysely<unknown>) {
      // A resume skips, by position, the records its checkpoint counts: it must know whether the sources are still
      // those the load began on (an export written over between a kill and the resume), or it skips the wrong ones.
      await db.schema
        .createTable('unit_source')
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('dossier_id', 'text', (column) => column.notNull())
        .addColumn('entity', 'text', (column) => column.notNull())
        .addColumn('stamp', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('unit_source_pk', ['run_id', 'dossier_id', 'entity'])
        .execute();
    },
  },
  '2026-11-30-008-notice-order': {
    async up(db: Kysely<unknown>) {
      // A unit's notices in the order its load said them: a resume repeats the stored ones, and rows read without an
      // ORDER BY come back in whatever order the database likes (PostgreSQL's, after updates, is not the insertion
      // one). Rows stored before have none (NULL), and come in the database's order.
      await db.schema.alterTable('source_notice').addColumn('seq', 'integer').execute();
      await db.schema
        .createIndex('source_notice_unit')
        .on('source_notice')
        .columns(['run_id', 'dossier_id', 'entity', 'seq'])
        .execute();
    },
  },
};

export const stateMigrations: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
