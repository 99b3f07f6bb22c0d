import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutoverError, ErrorCode } from '../../src/core/errors.js';
import { PostgresTarget } from '../../src/store/target/postgres-target.js';
import { targetColumns } from '../../src/store/target/target-ddl.js';
import type { TargetRowRead } from '../../src/store/target/target-store.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema } from '../support/stores.js';

const names = targetColumns('company').map((column) => column.name);
const rows = Array.from({ length: 30 }, (_, index) => ({
  sourceKey: `C${String(index).padStart(2, '0')}`,
  values: names.map((column) => (column === 'name' ? `Company ${index}` : null)),
}));

/** Ends, from outside, the server process that serves the query naming `marker` (as an administrator would). */
const terminateBackendOf = async (marker: string): Promise<number> => {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    // The processes first, then each one ended: in one WHERE, nothing says the server would test the filter
    // before calling pg_terminate_backend, and other tests' connections must live.
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%' || $1 || '%'`,
      [marker],
    );
    for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    return rows.length;
  } finally {
    await admin.end();
  }
};

describe.runIf(postgresAvailable)('PostgreSQL target: a connection lost while reading back', () => {
  const schema = uniqueName('lost_conn');
  let target: PostgresTarget;

  beforeAll(async () => {
    target = await PostgresTarget.connect(postgresUrl, schema);
    await target.ensureSchema();
    await target.writeBatch({
      dossier: 'D1',
      entity: 'company',
      runId: 'r1',
      mode: 'insert',
      rows,
      checkpoint: {
        runId: 'r1',
        recordsRead: 30,
        loaded: 30,
        skipped: 0,
        rejected: 0,
        repeats: 0,
        mode: 'insert',
        done: false,
      },
      onDuplicates: () => Promise.resolve(),
    });
  });

  afterAll(async () => {
    await target.close();
    await dropPostgresSchema(schema);
  });

  it('fails the read with a target error naming the entity and dossier, not the process, and the target still works', async () => {
    const read: TargetRowRead[] = [];
    let failure: unknown;
    try {
      for await (const batch of target.readRows('company', 'D1', 10)) {
        read.push(...batch);
        // Between two reads of the cursor, its server process ends.
        if (read.length === 10) expect(await terminateBackendOf(schema)).toBe(1);
      }
    } catch (error) {
      failure = error;
    }
    expect(read).toHaveLength(10);
    expect(failure).toBeInstanceOf(CutoverError);
    expect((failure as CutoverError).code).toBe(ErrorCode.TARGET_FAILED);
    expect((failure as Error).message).toMatch(/^reading back company of dossier D1 from PostgreSQL: /);
    // The broken connection is not given out again.
    const again: TargetRowRead[] = [];
    for await (const batch of target.readRows('company', 'D1', 10)) again.push(...batch);
    expect(again.map((row) => row.sourceKey)).toEqual(rows.map((row) => row.sourceKey));
  });
});
