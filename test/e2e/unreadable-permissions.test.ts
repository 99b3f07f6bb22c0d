import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../support/shared-data.js';
import { tempDir } from '../support/stores.js';
import {
  cli,
  cutoverBin,
  describeResult,
  ensureBuilt,
  finished,
  parseJsonStdout,
  type CliResult,
} from './support/cli.js';

/**
 * Files and folders that exist but that the user running cutover may not read: a dossier's folder it may not list,
 * a FEC it may not open. Each stops its dossier, not the wave, with the file or folder named as the plan names it
 * and why. Before, a folder said "the file cannot be opened", and a FEC was named by its absolute path (the
 * validator's), without a word of permission. Root reads everything: as root (CI), the commands run as `nobody`.
 */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** `cutover ...args` as a user whom permissions apply to. */
const cliAsUser = (args: readonly string[], cwd: string): Promise<CliResult> => {
  if (!asRoot) return cli(args, { cwd });
  const child = spawn(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, cutoverBin, ...args],
    { cwd, env: { ...process.env, HOME: cwd }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return finished(child);
};

/** Everything under `dir` readable and writable by all: the folder of a user other than root. */
const openToAll = (dir: string) => {
  chmodSync(dir, 0o777);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) openToAll(full);
    else chmodSync(full, statSync(full).mode | 0o666);
  }
};

const SAMPLE = 'lasocietenouvelle_sample_tab.txt';

describe('files and folders the user may not read', () => {
  let dir = '';
  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-permissions-');
    const init = await cli(['init', '--fec', 'fec/{dossier}/*FEC*.txt'], { cwd: dir });
    expect(init.code, describeResult(init)).toBe(0);
    for (const dossier of ['D1', 'D2', 'D3']) {
      mkdirSync(path.join(dir, 'fec', dossier), { recursive: true });
      copyFileSync(
        path.join(sharedData('fec'), SAMPLE),
        path.join(dir, 'fec', dossier, `12345678${dossier.slice(1)}FEC20231231.txt`),
      );
    }
    openToAll(dir);
    chmodSync(path.join(dir, 'fec', 'D2'), 0o000);
    chmodSync(path.join(dir, 'fec', 'D3', '123456783FEC20231231.txt'), 0o000);
  }, 240_000);
  afterAll(() => {
    chmodSync(path.join(dir, 'fec', 'D2'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops those dossiers, each named with the folder or file as the plan names it and why; the others load', async () => {
    const result = await cliAsUser(['run', '--json'], dir);
    expect(result.code, describeResult(result)).toBe(4);
    const json = parseJsonStdout<{ status: string; dossiers: { done: number; unreadable: unknown[] } }>(
      result,
    );
    expect(json.status).toBe('unreadable_sources');
    expect(json.dossiers.done).toBe(1);
    expect(json.dossiers.unreadable).toEqual([
      { id: 'D2', entity: 'journal', message: 'fec/D2: the folder cannot be listed (permission denied)' },
      {
        id: 'D3',
        entity: 'journal',
        message: 'fec/D3/123456783FEC20231231.txt: the file cannot be opened (permission denied)',
      },
    ]);
  });

  it('reconciles the dossier it could read and reports the two others as not proven (exit 5)', async () => {
    const result = await cliAsUser(['reconcile', '--json'], dir);
    expect(result.code, describeResult(result)).toBe(5);
    const json = parseJsonStdout<{ dossiers: { id: string; ok: boolean; unreadable?: string }[] }>(result);
    expect(json.dossiers.map((dossier) => [dossier.id, dossier.ok, dossier.unreadable ?? null])).toEqual([
      ['D1', true, null],
      ['D2', false, 'fec/D2: the folder cannot be listed (permission denied)'],
      ['D3', false, 'fec/D3/123456783FEC20231231.txt: the file cannot be opened (permission denied)'],
    ]);
  });

  it('resumes with those two alone once they may be read', async () => {
    chmodSync(path.join(dir, 'fec', 'D2'), 0o777);
    chmodSync(path.join(dir, 'fec', 'D3', '123456783FEC20231231.txt'), 0o666);
    const result = await cliAsUser(['run', '--json'], dir);
    expect(result.code, describeResult(result)).toBe(0);
    expect(parseJsonStdout<{ resumed: boolean; dossiers: { done: number } }>(result)).toMatchObject({
      resumed: true,
      dossiers: { done: 3 },
    });
    const reconciled = await cliAsUser(['reconcile', '--json'], dir);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
  });
});
