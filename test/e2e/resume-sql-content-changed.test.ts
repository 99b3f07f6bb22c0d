import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, executePostgres as execute, tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { querySqlite, writeFiles } from './support/helpers.js';
import { contactCheckpoint, killedInContacts } from './support/kill-in-contacts.js';

/**
 * What a resume does not catch, and what does (README, How it stays correct): a PostgreSQL row whose content alone
 * changed before the checkpoint of a killed run (same key, same place) is not read into the target again, as it would
 * not be had it changed just after an uninterrupted run read it; `cutover reconcile` then finds the target's row
 * differs from the record mapped from the source now, and exits 5; the next run writes the new content.
 */

const CONTACTS = 5_000;

const plan = (schema: string) => `version: 1
name: resume-sql-content-changed
target: { type: sqlite, url: target.db }
batchSize: 201
entities:
  contact:
    source: { type: postgres, url: "${postgresUrl}", table: ${schema}.contacts }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: { from: last_name, required: true }
`;

interface ReconcileJson {
  ok: boolean;
  dossiers: { entities: { entity: string; contentMismatches: number }[] }[];
}

describe.runIf(postgresAvailable)('a PostgreSQL row whose content alone changed before a resume', () => {
  const schema = uniqueName('cutover_content_changed');
  beforeAll(async () => {
    ensureBuilt();
    await execute(`CREATE SCHEMA "${schema}"`);
    await execute(
      `CREATE TABLE "${schema}".contacts AS SELECT 'P' || lpad(i::text, 6, '0') AS contact_id, 'L' || i AS last_name
         FROM generate_series(1, ${CONTACTS}) AS i`,
    );
    await execute(`ALTER TABLE "${schema}".contacts ADD PRIMARY KEY (contact_id)`);
  });
  afterAll(() => dropPostgresSchema(schema));

  it('keeps what was loaded on resume, reconcile reports the row as differing (exit 5), and the next run mends it', async () => {
    const dir = tempDir('cutover-e2e-resume-content-');
    writeFiles(dir, { 'cutover.yaml': plan(schema) });
    const planFile = path.join(dir, 'cutover.yaml');
    const targetFile = path.join(dir, 'target.db');
    const killed = await killedInContacts(['run', '--plan', planFile, '--json'], targetFile);
    expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
    expect(contactCheckpoint(targetFile)!.read).toBeLessThan(CONTACTS);

    await execute(`UPDATE "${schema}".contacts SET last_name = 'Changed' WHERE contact_id = 'P000003'`);
    const resumed = await cli(['run', '--plan', planFile, '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const summary = parseJsonStdout<{ resumed: boolean; notices: { code: string }[] }>(resumed);
    expect(summary.resumed).toBe(true);
    expect(summary.notices.map((notice) => notice.code)).not.toContain('SOURCE_CHANGED_ON_RESUME');
    expect(querySqlite(targetFile, "SELECT last_name FROM contact WHERE source_key = 'P000003'")).toEqual([
      { last_name: 'L3' },
    ]);

    const reconcile = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(reconcile.code, describeResult(reconcile)).toBe(5);
    const result = parseJsonStdout<ReconcileJson>(reconcile);
    expect(result.ok).toBe(false);
    expect(result.dossiers[0]?.entities.find((entity) => entity.entity === 'contact')).toMatchObject({
      contentMismatches: 1,
    });

    // The next run reads every row again and writes the new content.
    const rerun = await cli(['run', '--plan', planFile, '--json']);
    expect(rerun.code, describeResult(rerun)).toBe(0);
    expect(querySqlite(targetFile, "SELECT last_name FROM contact WHERE source_key = 'P000003'")).toEqual([
      { last_name: 'Changed' },
    ]);
    const after = await cli(['reconcile', '--plan', planFile, '--json']);
    expect(after.code, describeResult(after)).toBe(0);
  }, 120_000);
});
