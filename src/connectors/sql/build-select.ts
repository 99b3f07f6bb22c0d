import type { SqlDialect } from './sql-driver.js';

export interface SelectSpec {
  readonly table?: string;
  readonly query?: string;
  readonly orderBy: readonly string[];
  readonly filter?: { readonly column: string; readonly value: string };
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
 * The ordered, optionally filtered select a SQL source runs. A `query` is wrapped as a subquery so that the
 * order and the filter apply to any query without parsing it; the closing parenthesis goes on its own line so
 * that a trailing `-- comment` in the query cannot swallow it. A dotted table name (`crm.contacts`) is a
 * schema-qualified name. Values are always parameters, never spliced into the text.
 */
export const buildSelect = (dialect: SqlDialect, spec: SelectSpec): Select => {
  const quote = (name: string) => dialect.quoteIdentifier(name);
  const from = fromClause(dialect, spec);
  const where =
    spec.filter === undefined ? '' : ` WHERE ${quote(spec.filter.column)} = ${dialect.placeholder(1)}`;
  const orderBy = spec.orderBy.map(quote).join(', ');
  return {
    sql: `SELECT * FROM ${from}${where} ORDER BY ${orderBy}`,
    params: spec.filter === undefined ? [] : [spec.filter.value],
  };
};
