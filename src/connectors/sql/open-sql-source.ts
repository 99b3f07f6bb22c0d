import type { SqlSourceSpec } from '../../core/plan/plan-schema.js';
import type { SqlRecordSource, SqlSourceOptions } from './create-sql-source.js';
import { openMysqlSource } from './mysql-source.js';
import { openPostgresSource } from './postgres-source.js';
import { openSqliteSource } from './sqlite-source.js';

export type { DistinctValue, SqlRecordSource, SqlSourceOptions } from './create-sql-source.js';

/**
 * The plan's SQL source as a RecordSource. Plan mistakes (no table nor query, no order, a password in the URL,
 * an unset variable) are refused here, before any connection; the database is only contacted by `read`.
 */
export const openSqlSource = (spec: SqlSourceSpec, options: SqlSourceOptions): SqlRecordSource => {
  switch (spec.type) {
    case 'sqlite':
      return openSqliteSource(spec, options);
    case 'postgres':
      return openPostgresSource(spec, options);
    case 'mysql':
      return openMysqlSource(spec, options);
  }
};
