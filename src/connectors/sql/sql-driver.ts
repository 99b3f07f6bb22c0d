/**
 * What a SQL source needs from a database driver. One implementation per database (sqlite-source.ts,
 * postgres-source.ts, mysql-source.ts); ordering, batching, locations and error wrapping are shared
 * (create-sql-source.ts), so each database only says how to connect, quote and stream.
 */

/** How a database spells identifiers and parameters. */
export interface SqlDialect {
  /** For messages: `PostgreSQL`. */
  readonly label: string;
  /** One identifier (a column, or one part of a dotted table name), quoted so that any name is taken literally. */
  quoteIdentifier(name: string): string;
  /** The text of the n-th (1-based) parameter. */
  placeholder(index: number): string;
  /**
   * An expression that tells apart the values of a column that its collation takes as equal (`D1` and `d1` under a
   * case-insensitive one, `D1` and `D1 ` where trailing spaces do not count), for a DISTINCT that must see them all.
   * Absent where `=` on a value is already exact.
   */
  exactValue?(quotedColumn: string): string;
}

export interface SqlDriver {
  readonly dialect: SqlDialect;
  /** Where the data is, for messages and error context: `host:port/database` or a file path. Never a secret. */
  readonly where: string;
  /** Puts back as `${VAR}` the values the URL's variables gave (the password among them) in a driver's message. */
  readonly scrub?: (message: string) => string;
  connect(): Promise<SqlConnection>;
  /** After connecting: whether this error means the connection was lost (rather than the SQL being refused). */
  isConnectionLoss(error: unknown): boolean;
  /** Whether this error means the database could not parse the SQL: the plan's `query`, the one SQL a plan writes. */
  isSyntaxError(error: unknown): boolean;
}

export interface SqlConnection {
  /** Starts the select. May throw (or the first read may reject) when the SQL is refused. */
  select(sql: string, params: readonly unknown[]): SqlCursor;
  /** Ends the connection, also in the middle of a result. Never throws: it runs while another error may be on its way. */
  close(): Promise<void>;
}

export interface SqlCursor {
  /**
   * The next rows, at most `max`, fewer only when the result is exhausted. Rows are fresh objects whose values
   * are already in cutover's form for database-specific types (dates, decimals, booleans); generic JS values
   * (Buffer, bigint) are converted by the caller.
   */
  read(max: number): Promise<Record<string, unknown>[]>;
}
