import { quoteIdentifier } from './quote-identifier.js';

/**
 * The same select, run again, its text values given as bytes: SQLite does not check that TEXT is UTF-8, and
 * better-sqlite3 decodes it as V8 does, each invalid byte silently U+FFFD. Each column is cast to BLOB where its
 * value is text (its bytes as stored, in the database's encoding: only for a UTF-8 database), and one last column
 * tells which were, a `0` or `1` per column (`'010'`), since a BLOB column's value must stay apart from text. `select` is wrapped whole, so that any select is read the same: SQLite keeps a subquery's
 * ORDER BY where the outer query has neither its own ORDER BY nor a join, so the rows come in the same order, and
 * the trailing parameter (OFFSET) skips those already read. Read it with `.raw(true)`: the values, then the flags,
 * by position.
 */
export const textAsBytesSelect = (select: string, columns: readonly string[]): string => {
  const quoted = columns.map((column) => quoteIdentifier(column, '"'));
  const values = quoted.map(
    (column) => `CASE WHEN typeof(${column}) = 'text' THEN CAST(${column} AS BLOB) ELSE ${column} END`,
  );
  const textFlags = `'' || ${quoted.map((column) => `(typeof(${column}) = 'text')`).join(' || ')}`;
  // The closing parenthesis on its own line: a trailing `-- comment` in the select cannot swallow it.
  return `SELECT ${[...values, textFlags].join(', ')} FROM (\n${select}\n) LIMIT -1 OFFSET ?`;
};
