import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from './support/crm-fixture.js';
import { writeFiles } from './support/helpers.js';

/** The pid of a process that has been killed with SIGKILL: it removed nothing, and it runs no more. */
const killedPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const pid = child.pid!;
  child.kill('SIGKILL');
  await once(child, 'exit');
  return pid;
};

describe('cutover reconcile scratch folders', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('removes the scratch folders of a reconcile that was killed, never those of a running process, and leaves none of its own', async () => {
    const dir = tempDir('cutover-e2e-scratch-');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
    });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);

    // The test's own temp dir stands for /tmp, where other runs keep their folders meanwhile.
    const tmp = path.join(dir, 'tmp');
    const orphan = `cutover-reconcile-${await killedPid()}-Xy12Zq`;
    const running = `cutover-reconcile-${process.pid}-Ab34Cd`;
    const other = 'cutover-something-else';
    for (const name of [orphan, running, other]) {
      mkdirSync(path.join(tmp, name), { recursive: true });
      writeFileSync(path.join(tmp, name, 'scratch.db'), 'x'.repeat(1024));
    }

    const reconcile = await cli(['reconcile', '--plan', plan, '--threads', '2', '--json'], {
      env: { TMPDIR: tmp },
    });
    expect(reconcile.code, describeResult(reconcile)).toBe(0);
    expect(readdirSync(tmp).sort()).toEqual([running, other].sort());
  }, 120_000);
});
