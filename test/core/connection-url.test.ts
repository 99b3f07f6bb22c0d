import { describe, expect, it } from 'vitest';
import {
  redactUrl,
  resolveConnection,
  resolveConnectionUrl,
  shownUrl,
} from '../../src/core/connection-url.js';
import { ErrorCode } from '../../src/core/errors.js';
import { failureOf } from '../connectors/sql/read-source.js';

describe('resolveConnectionUrl', () => {
  it('replaces ${VAR} with the environment variable, wherever it stands', () => {
    const env = { DB_HOST: 'db.internal', DB_NAME: 'crm', DB_USER: 'app' };
    expect(resolveConnectionUrl('postgres://${DB_USER}@${DB_HOST}:5432/${DB_NAME}', env)).toBe(
      'postgres://app@db.internal:5432/crm',
    );
  });

  it('URL-encodes values in the userinfo, where @ : / would change the URL', () => {
    const env = { PW: 'p@ss:w/rd?#%', USER: 'jean@firm' };
    expect(resolveConnectionUrl('postgres://${USER}:${PW}@db/crm', env)).toBe(
      'postgres://jean%40firm:p%40ss%3Aw%2Frd%3F%23%25@db/crm',
    );
  });

  it('substitutes variables in a SQLite file path, which is not a URL', () => {
    expect(resolveConnectionUrl('${DATA}/legacy.db', { DATA: '/srv/data dir' })).toBe(
      '/srv/data dir/legacy.db',
    );
  });

  it('refuses an unset variable with PLAN_INVALID naming it', async () => {
    const error = await failureOf(() =>
      resolveConnectionUrl('postgres://app:${LEGACY_PG_PASSWORD}@db/crm', {}),
    );
    expect(error.code).toBe(ErrorCode.PLAN_INVALID);
    expect(error.message).toContain('LEGACY_PG_PASSWORD');
    expect(error.context).toEqual({ variable: 'LEGACY_PG_PASSWORD' });
  });

  it('refuses a password written into the URL, and does not repeat it', async () => {
    const error = await failureOf(() => resolveConnectionUrl('postgres://app:hunter2@db/crm', {}));
    expect(error.code).toBe(ErrorCode.PLAN_INVALID);
    expect(error.message).toContain('secrets come from environment variables, never from the plan');
    expect(error.message).toContain('postgres://app:***@db/crm');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a password mixing text and a variable, or given as a password= parameter', async () => {
    const env = { PW: 'x' };
    const mixed = await failureOf(() => resolveConnectionUrl('mysql://app:pre${PW}@db/crm', env));
    expect(mixed.code).toBe(ErrorCode.PLAN_INVALID);
    const parameter = await failureOf(() =>
      resolveConnectionUrl('postgres://app@db/crm?password=hunter2', env),
    );
    expect(parameter.code).toBe(ErrorCode.PLAN_INVALID);
    expect(parameter.message).not.toContain('hunter2');
    expect(resolveConnectionUrl('postgres://app@db/crm?password=${PW}', env)).toBe(
      'postgres://app@db/crm?password=x',
    );
  });

  it('accepts a user without password, and an empty password', () => {
    expect(resolveConnectionUrl('mysql://root@127.0.0.1:3306/test', {})).toBe(
      'mysql://root@127.0.0.1:3306/test',
    );
    expect(resolveConnectionUrl('mysql://root:@127.0.0.1:3306/test', {})).toBe(
      'mysql://root:@127.0.0.1:3306/test',
    );
  });
});

describe('redactUrl', () => {
  it('replaces the password, in the userinfo or a password= parameter, with ***', () => {
    expect(redactUrl('postgres://app:s%40cret@db:5432/crm')).toBe('postgres://app:***@db:5432/crm');
    expect(redactUrl('postgres://app@db/crm?sslmode=require&password=s3cret')).toBe(
      'postgres://app@db/crm?sslmode=require&password=***',
    );
  });

  it('leaves a URL without password, and a file path, unchanged', () => {
    expect(redactUrl('mysql://root@127.0.0.1:3306/test')).toBe('mysql://root@127.0.0.1:3306/test');
    expect(redactUrl('data/legacy.db')).toBe('data/legacy.db');
  });
});

describe('resolveConnection', () => {
  const env = {
    DB_USER: 'payroll-admin',
    DB_PASS: 'p@ss',
    DB_HOST: 'hr-db.internal',
    DB_PORT: '5432',
    DB_NAME: 'test',
    TOKEN: 'tok3n',
  };
  const written =
    'postgres://${DB_USER}:${DB_PASS}@${DB_HOST}:${DB_PORT}/${DB_NAME}?sslmode=require&token=${TOKEN}';

  it('shows the URL as written: placeholders kept, no value of any variable', () => {
    const connection = resolveConnection(written, env);
    expect(connection.url).toBe(
      'postgres://payroll-admin:p%40ss@hr-db.internal:5432/test?sslmode=require&token=tok3n',
    );
    expect(connection.shown).toBe(written);
    for (const value of Object.values(env)) expect(connection.shown).not.toContain(value);
  });

  it('keeps a password placeholder as written, and masks a password written literally (which only validation meets)', () => {
    expect(resolveConnection('postgres://app:${PW}@db/crm?password=${PW}', { PW: 'x' }).shown).toBe(
      'postgres://app:${PW}@db/crm?password=${PW}',
    );
    expect(shownUrl('postgres://app:hunter2@db/crm?password=pre${PW}')).toBe(
      'postgres://app:***@db/crm?password=***',
    );
  });

  it("puts back the URL's values in a driver's message as their placeholders, the password wherever it stands", () => {
    const { scrub } = resolveConnection(written, env);
    expect(scrub('password authentication failed for user "payroll-admin"')).toBe(
      'password authentication failed for user "${DB_USER}"',
    );
    expect(scrub('getaddrinfo ENOTFOUND hr-db.internal')).toBe('getaddrinfo ENOTFOUND ${DB_HOST}');
    expect(scrub('database "test" does not exist')).toBe('database "${DB_NAME}" does not exist');
    expect(scrub('bad token tok3n; pw p@ss, encoded p%40ss, inside xp@ssx')).toBe(
      'bad token ${TOKEN}; pw ${DB_PASS}, encoded ${DB_PASS}, inside x${DB_PASS}x',
    );
  });

  it("leaves alone text that only contains a value inside a longer word or number, and other URLs' values", () => {
    const { scrub } = resolveConnection(written, env);
    expect(scrub('connect ECONNREFUSED 10.0.0.1:15432 (tests, testing)')).toBe(
      'connect ECONNREFUSED 10.0.0.1:15432 (tests, testing)',
    );
    const other = resolveConnection('postgres://app@db/crm', env);
    expect(other.scrub('role "payroll-admin" on test:5432')).toBe('role "payroll-admin" on test:5432');
  });
});
