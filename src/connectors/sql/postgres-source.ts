import type { SqlSourceSpec } from '../../core/plan/plan-schema.js';
import { createSqlSource, type SqlRecordSource, type SqlSourceOptions } from './create-sql-source.js';
import { quoteIdentifier } from './quote-identifier.js';
import { resolveConnection } from '../../core/connection-url.js';
import { serverAddress } from './server-address.js';
import type { SqlDriver } from './sql-driver.js';
import type * as PostgresConnectionModule from './postgres-connection.js';

/** The driver (pg, pg-cursor) loads at the first connection: a run that reads no PostgreSQL table never pays for it. */
let connection: typeof PostgresConnectionModule | undefined;

/** A PostgreSQL table or query, streamed through a server-side cursor (pg-cursor), one batch per round trip. */
export const openPostgresSource = (spec: SqlSourceSpec, options: SqlSourceOptions): SqlRecordSource => {
  const resolved = resolveConnection(spec.url, options.env ?? process.env);
  const url = resolved.url;
  const server = serverAddress(resolved, {
    label: 'PostgreSQL',
    protocols: ['postgres:', 'postgresql:'],
    defaultPort: 5432,
  });
  const driver: SqlDriver = {
    dialect: {
      label: 'PostgreSQL',
      quoteIdentifier: (name) => quoteIdentifier(name, '"'),
      placeholder: (index) => `$${index}`,
      // A citext column, or one of a non-deterministic collation, takes D1 and d1 as equal.
      exactValue: (column) => `convert_to(${column}::text, 'UTF8')`,
    },
    where: server.where,
    scrub: resolved.scrub,
    connect: async () => {
      connection ??= await import('./postgres-connection.js');
      return connection.connectPostgres(url);
    },
    // Asked about an error of connect or read, so the driver is loaded by then (if it is not, nothing connected).
    isConnectionLoss: (error) => connection?.isConnectionLoss(error) ?? true,
    isSyntaxError: (error) => connection?.isSyntaxError(error) ?? false,
  };
  return createSqlSource(driver, spec, options);
};
