import type Database from 'better-sqlite3';

/**
 * Prepared statements of one connection by SQL text, each prepared on first use: SQLite parses and plans a
 * statement at every prepare, so a statement run per dossier, entity or batch is prepared once. The cache is
 * bounded (cleared when full) because some SQL texts are built from the data at hand (columns, groupings).
 */
export const statementCache = (db: Database.Database, limit = 256): ((sql: string) => Database.Statement) => {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let prepared = statements.get(sql);
    if (prepared === undefined) {
      if (statements.size >= limit) statements.clear();
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
};
