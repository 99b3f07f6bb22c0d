import { describe, expect, it } from 'vitest';
import { openSqlSource } from '../../../src/connectors/sql/open-sql-source.js';
import { ErrorCode } from '../../../src/core/errors.js';
import type { SqlSourceSpec } from '../../../src/core/plan/plan-schema.js';
import { failureOf, readAll } from './read-source.js';

/** Plan mistakes are refused when the source is opened, before any connection is tried (nothing listens here). */
describe('openSqlSource', () => {
  const open = (spec: Partial<SqlSourceSpec>, keyColumns = ['id']) =>
    openSqlSource(
      { type: 'postgres', url: 'postgres://app@127.0.0.1:1/crm', table: 'contacts', ...spec },
      { baseDir: '.', keyColumns, env: {} },
    );

  it('refuses a source with neither table nor query, or both', async () => {
    for (const spec of [{ table: undefined }, { query: 'SELECT 1 AS id' }]) {
      const error = await failureOf(() => open(spec));
      expect(error.code).toBe(ErrorCode.PLAN_INVALID);
      expect(error.message).toContain('exactly one of `table` or `query`');
    }
  });

  it('refuses a source without key columns nor orderBy, whose order would not be stable', async () => {
    const error = await failureOf(() => open({}, []));
    expect(error.code).toBe(ErrorCode.PLAN_INVALID);
    expect(error.message).toContain('orderBy');
    expect(open({ orderBy: ['created_at', 'id'] }, []).name).toContain('contacts');
  });

  it('refuses a literal password before connecting', async () => {
    const error = await failureOf(() => open({ url: 'postgres://app:hunter2@127.0.0.1:1/crm' }));
    expect(error.code).toBe(ErrorCode.PLAN_INVALID);
  });

  it('refuses a URL of the wrong kind for the source type', async () => {
    for (const spec of [
      { type: 'postgres', url: 'legacy.db' },
      { type: 'mysql', url: 'postgres://app@db/crm' },
    ] as const) {
      const error = await failureOf(() => open(spec));
      expect(error.code).toBe(ErrorCode.PLAN_INVALID);
      expect(error.message).toContain(`is not a ${spec.type === 'mysql' ? 'MySQL' : 'PostgreSQL'} URL`);
    }
  });

  it('names the source by dialect, server and table', () => {
    expect(open({}).name).toBe('PostgreSQL 127.0.0.1:1/crm table contacts');
  });

  it.each([
    { type: 'postgres', label: 'PostgreSQL' },
    { type: 'mysql', label: 'MySQL' },
  ] as const)(
    'fails with CONNECTION_FAILED naming $label and host:port/database, without the password',
    async ({ type, label }) => {
      // Port 1: nothing listens there, so the connection is refused at once.
      const source = openSqlSource(
        { type, url: `${type}://app:\${CUTOVER_PW}@127.0.0.1:1/legacy`, table: 'contacts' },
        { baseDir: '.', keyColumns: ['id'], env: { CUTOVER_PW: 'sup3r-s3cret' } },
      );
      const error = await failureOf(() => readAll(source));
      expect(error.code).toBe(ErrorCode.CONNECTION_FAILED);
      expect(error.message).toMatch(
        new RegExp(`^cannot connect to ${label} at 127\\.0\\.0\\.1:1/legacy: .*ECONNREFUSED`),
      );
      expect(error.message).not.toContain('sup3r-s3cret');
      expect(error.cause).toBeDefined();
    },
  );

  it.each([
    { type: 'postgres', label: 'PostgreSQL', query: '?application_name=${TOKEN}' },
    // mysql2 warns of options it does not know, and a token has no option of its own there.
    { type: 'mysql', label: 'MySQL', query: '' },
  ] as const)(
    'names the $label server as the plan writes it when user, host, database or query come from variables, never their values',
    async ({ type, label, query }) => {
      const env = { DB_USER: 'ceo-payroll', DB_HOST: '127.0.0.1', DB_NAME: 'acquisition_x', TOKEN: 'tok-77' };
      const source = openSqlSource(
        {
          type,
          url: `${type}://\${DB_USER}@\${DB_HOST}:1/\${DB_NAME}${query}`,
          table: 'contacts',
        },
        { baseDir: '.', keyColumns: ['id'], env },
      );
      expect(source.name).toBe(`${label} \${DB_HOST}:1/\${DB_NAME} table contacts`);
      const error = await failureOf(() => readAll(source));
      expect(error.code).toBe(ErrorCode.CONNECTION_FAILED);
      expect(error.message).toMatch(
        new RegExp(`^cannot connect to ${label} at \\$\\{DB_HOST\\}:1/\\$\\{DB_NAME\\}: .*ECONNREFUSED`),
      );
      for (const value of Object.values(env)) {
        expect(error.message).not.toContain(value);
        expect(JSON.stringify(error.context)).not.toContain(value);
      }
    },
  );
});
