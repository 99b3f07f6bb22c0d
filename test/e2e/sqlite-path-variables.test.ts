import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * Plans take `${VAR}` in connection URLs; a SQLite target or state path took it literally: `${DATA_DIR}/target.db`
 * made a folder named `${DATA_DIR}` beside the plan. Both paths now get their variables replaced, and an unset one
 * is refused like in a URL.
 */
const plan = `version: 1
name: path-variables
state: "\${DATA_DIR}/state/state.db"
target: { type: sqlite, url: "\${DATA_DIR}/target.db" }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: contact_id
    fields:
      last_name: last_name
`;

describe('SQLite target and state paths with ${VAR}', () => {
  beforeAll(() => ensureBuilt());

  it('puts the target and the state store where the variable says, and refuses an unset one', async () => {
    const dir = tempDir('cutover-e2e-path-vars-');
    const data = path.join(dir, 'data');
    writeFiles(dir, { 'cutover.yaml': plan, 'contacts.csv': 'contact_id,last_name\nC1,Lee\nC2,Ray\n' });
    const planFile = path.join(dir, 'cutover.yaml');
    const env = { ...process.env, DATA_DIR: data };
    const run = await cli(['run', '--plan', planFile, '--json'], { env });
    expect(run.code, describeResult(run)).toBe(0);
    expect(existsSync(path.join(data, 'target.db'))).toBe(true);
    expect(existsSync(path.join(data, 'state', 'state.db'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['contacts.csv', 'cutover.yaml', 'data']);
    const reconcile = await cli(['reconcile', '--plan', planFile, '--json'], { env });
    expect(reconcile.code, describeResult(reconcile)).toBe(0);

    const unset = { ...process.env };
    delete unset.DATA_DIR;
    const refused = await cli(['reconcile', '--plan', planFile], { env: unset });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'the path ${DATA_DIR}/state/state.db names the environment variable DATA_DIR, which is not set',
    );
  }, 120_000);
});
