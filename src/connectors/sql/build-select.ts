import type { SqlDialect } from './sql-driver.js';
import { isUndecodedText } from './undecoded-text.js';

export interface SelectSpec {
  readonly table?: string;
  readonly query?: string;
  readonly orderBy: readonly string[];
  /** Only the rows whose column holds one of these values, as the database gave them (null: NULL). */
  readonly filter?: { readonly column: string; readonly values: readonly unknown[] };
}

export interface Select {
  readonly sql: string;
  readonly params: readonly unknown[];
}

const fromClause = (dialect: SqlDialect, spec: Pick<SelectSpec, 'table' | 'query'>): string =>
  spec.table !== undefined
    ? spec.table
        .split('.')
        .map((name) => dialect.quoteIdentifier(name))
        .join('.')
    : `(\n${(spec.query ?? '').trim().replace(/[;\s]+$/, '')}\n) AS cutover_source`;

/**
 * One row of the table or query, in no order and unfiltered: what its columns are, asked after the ordered select
 * failed, to tell a column the plan names that the result lacks from any other failure.
 */
export const buildColumnsProbe = (
  dialect: SqlDialect,
  spec: Pick<SelectSpec, 'table' | 'query'>,
): Select => ({
  sql: `SELECT * FROM ${fromClause(dialect, spec)} LIMIT 1`,
  params: [],
});

/**
 * The distinct values of one column of the table or query, NULL included, each value its collation takes as equal
 * to another apart (see SqlDialect.exactValue; a second column of the result, not to be read).
 */
export const buildDistinct = (
  dialect: SqlDialect,
  spec: Pick<SelectSpec, 'table' | 'query'>,
  column: string,
): Select => {
  const quoted = dialect.quoteIdentifier(column);
  const exact =
    dialect.exactValue === undefined ? '' : `, ${dialect.exactValue(quoted)} AS cutover_exact_value`;
  return { sql: `SELECT DISTINCT ${quoted}${exact} FROM ${fromClause(dialect, spec)}`, params: [] };
};

/**
 * `column IN (values)`, NULL as `IS NULL`. Text the database holds in bytes that are not UTF-8 (UndecodedText) is
 * matched by its bytes (SqlDialect.exactValue): bound as text, it would be the driver's U+FFFD and match nothing.
 */
const whereClause = (dialect: SqlDialect, filter: SelectSpec['filter']): Select => {
  if (filter === undefined) return { sql: '', params: [] };
  const column = dialect.quoteIdentifier(filter.column);
  const values = filter.values.filter((value) => value !== null && !isUndecodedText(value));
  const bytes = filter.values.filter(isUndecodedText).map((value) => value.bytes);
  const placeholders = (count: number, from: number) =>
    Array.from({ length: count }, (_, i) => dialect.placeholder(from + i + 1)).join(', ');
  const exact = dialect.exactValue?.(column) ?? column;
  const tests = [
    ...(values.length === 0 ? [] : [`${column} IN (${placeholders(values.length, 0)})`]),
    ...(bytes.length === 0 ? [] : [`${exact} IN (${placeholders(bytes.length, values.length)})`]),
    ...(filter.values.includes(null) ? [`${column} IS NULL`] : []),
  ];
  return {
    sql: ` WHERE ${tests.length === 0 ? '1 = 0' : tests.join(' OR ')}`,
    params: [...values, ...bytes],
  };
};

/**
 * The ordered, optionally filtered select a SQL source runs. A `query` is wrapped as a subquery so that the
 * order and the filter apply to any query without parsing it; the closing parenthesis goes on its own line so
 * that a trailing `-- comment` in the query cannot swallow it. A dotted table name (`crm.contacts`) is a
 * schema-qualified name. Values are always parameters, never spliced into the text.
 */
export const buildSelect = (dialect: SqlDialect, spec: SelectSpec): Select => {
  const quote = (name: string) => dialect.quoteIdentifier(name);
  const from = fromClause(dialect, spec);
  const where = whereClause(dialect, spec.filter);
  const orderBy = spec.orderBy.map(quote).join(', ');
  return { sql: `SELECT * FROM ${from}${where.sql} ORDER BY ${orderBy}`, params: where.params };
};
