import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
} from 'kysely';

/** Says yes: SQLite does run CREATE TABLE and ALTER TABLE inside a transaction. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Begins every transaction as a writer (BEGIN IMMEDIATE). Kysely's plain BEGIN takes the write lock only at the
 * first write: a transaction that reads first (the migrator's "which migrations ran?", servePlan's "which plan
 * holds this store?") and then writes, while another process committed in between, fails at once with "database is
 * locked", the busy timeout not applying to that upgrade. Two commands opening a new state store at the same
 * instant did. Every transaction of the state store writes, so taking the lock at BEGIN costs nothing, and a second
 * process waits there, within the busy timeout, then reads what the first one committed.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * The state store's SQLite dialect. Kysely's SQLite adapter says SQLite has no transactional DDL, so its migrator
 * runs each migration statement on its own: a process killed while it opens a new state store (`kill -9` early in a
 * first `cutover run`) leaves half a schema, and every later run fails on "table already exists" or "duplicate
 * column". With this dialect the migrator runs the pending migrations and its own bookkeeping in one transaction:
 * all of them or none; and every transaction takes the write lock when it begins (see ImmediateSqliteDriver).
 */
export class TransactionalSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
