import { SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';

/** Says yes: SQLite does run CREATE TABLE and ALTER TABLE inside a transaction. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Kysely's SQLite adapter says SQLite has no transactional DDL, so its migrator runs each migration statement on
 * its own: a process killed while it opens a new state store (`kill -9` early in a first `cutover run`) leaves half
 * a schema, and every later run fails on "table already exists" or "duplicate column". With this dialect the
 * migrator runs the pending migrations and its own bookkeeping in one transaction: all of them or none.
 */
export class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
