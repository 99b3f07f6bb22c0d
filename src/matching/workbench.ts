import type { DuckDBInstance, DuckDBConnection } from '@duckdb/node-api';

/**
 * The DuckDB database where records are normalised, blocked and scored: set-based SQL on columns is one to two
 * orders of magnitude faster than row-by-row JavaScript there (see DESIGN.md). In memory by default; DuckDB
 * spills to its temporary directory past `memoryLimit`, which keeps a giant candidate set from exhausting RAM.
 * A class because it has a lifecycle: open, use, close.
 */
export class Workbench {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(options: { threads?: number; memoryLimit?: string } = {}): Promise<Workbench> {
    // Loaded here, not with the module: DuckDB's binding takes about 0.15 s to load, which commands that never
    // match records paid too.
    const { DuckDBInstance: duckdb } = await import('@duckdb/node-api');
    const instance = await duckdb.create(':memory:', {
      threads: String(options.threads ?? 2),
      memory_limit: options.memoryLimit ?? '2GB',
      // Results come back in a stable order only when asked; insertion order costs memory on big joins.
      preserve_insertion_order: 'false',
    });
    return new Workbench(instance, await instance.connect());
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Rows as plain objects (BIGINT as bigint: cast in SQL when a number is wanted). */
  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as T[];
  }

  /** Columns as arrays: the cheap way to read a million rows. */
  async columns(sql: string): Promise<unknown[][]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getColumnsJS();
  }

  async scalar(sql: string): Promise<number> {
    const [row] = await this.rows<Record<string, unknown>>(sql);
    const value = row === undefined ? undefined : Object.values(row)[0];
    return value === null || value === undefined ? 0 : Number(value);
  }

  /** Appends rows of strings (null for SQL NULL) to an existing table of VARCHAR columns. */
  async appendStrings(table: string, rows: Iterable<readonly (string | null)[]>): Promise<void> {
    const appender = await this.connection.createAppender(table);
    for (const row of rows) {
      for (const value of row) {
        if (value === null) appender.appendNull();
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.closeSync();
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A string as an SQL literal. */
export const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** A name as an SQL identifier. */
export const sqlIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;
