import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { writeFiles } from './support/helpers.js';
import { migrateAndReconcile } from './support/portfolio.js';

/**
 * A source key far longer than an identifier (3,000 letters pasted into the id column). PostgreSQL's unique index
 * refuses an entry past 2,704 bytes: the whole batch failed, on every retry, with no file or line named and an empty
 * ledger, while SQLite loaded the same file. The record is now rejected TARGET_REFUSED on every target, the others
 * load.
 */
const longKey = 'k'.repeat(3000);
const csv = `id,name\n1,Lee\n${longKey},Ray\n3,Doe\n`;

const plan = (target: string) => `version: 1
name: long-key
target: ${target}
thresholds: { maxRejectedRatio: 1 }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: id
    fields:
      last_name: name
`;

const migrate = async (target: string, stateLocation: (dir: string) => string, stateSchema?: string) => {
  const dir = tempDir('cutover-e2e-long-key-');
  writeFiles(dir, { 'cutover.yaml': plan(target), 'contacts.csv': csv });
  return migrateAndReconcile(path.join(dir, 'cutover.yaml'), stateLocation(dir), stateSchema);
};

const expectOneRejected = (migrated: Awaited<ReturnType<typeof migrate>>) => {
  expect(migrated.summary.status).toBe('succeeded');
  expect(migrated.summary.records).toMatchObject({ read: 3, loaded: 2, rejected: 1 });
  expect(migrated.ledger.map((entry) => [entry.line, entry.reason, entry.message])).toEqual([
    [
      3,
      'TARGET_REFUSED',
      'the source key (id) is 3,000 bytes long: a key holds at most 1,000 (UTF-8), on every target',
    ],
  ]);
  expect(migrated.ledger[0]!.raw).toBe(`${longKey},Ray`);
  expect(migrated.reconciliation.ok).toBe(true);
  expect(migrated.reconciliation.totals.unaccounted).toBe(0);
};

describe('a source key longer than a target can index', () => {
  it('is rejected TARGET_REFUSED with its line, the other records loaded (SQLite)', async () => {
    expectOneRejected(await migrate('{ type: sqlite, url: target.db }', (dir) => path.join(dir, 'state.db')));
  });

  describe.runIf(postgresAvailable)('PostgreSQL target and state store', () => {
    const schema = uniqueName('e2e_long_key');
    afterAll(async () => {
      await dropPostgresSchema(schema);
      await dropPostgresSchema(`${schema}_state`);
    });

    it('is rejected the same way, where the batch failed and the run stopped', async () => {
      expectOneRejected(
        await migrate(
          `{ type: postgres, url: "${postgresUrl}", schema: ${schema} }`,
          () => postgresUrl,
          `${schema}_state`,
        ),
      );
    });
  });
});
