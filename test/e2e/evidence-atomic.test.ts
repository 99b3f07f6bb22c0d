import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { crmCompanies, crmContacts, crmPlan } from './support/crm-fixture.js';
import { writeFiles } from './support/helpers.js';

/**
 * Loaded into the CLI with `--import`: the process kills itself (SIGKILL, as a crash or `kill -9` would) right
 * after it has written the first `evidence.json`, so between the two files of a pack.
 */
const crashAfterFirstJson = `
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const writeFile = fs.writeFile;
fs.writeFile = async (file, ...rest) => {
  await writeFile(file, ...rest);
  if (String(file).endsWith('evidence.json')) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
`;

/** The folders of `out` a reader takes for packs (hidden ones are cutover's scratch), each with its files. */
const visiblePacks = (out: string) =>
  Object.fromEntries(
    readdirSync(out)
      .filter((name) => !name.startsWith('.'))
      .map((name) => [name, readdirSync(path.join(out, name)).sort()]),
  );

describe('cutover evidence, stopped midway', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('leaves the older pack whole, never a half-written one, when killed between the files of a pack; the next run replaces it and clears the scratch', async () => {
    const dir = tempDir('cutover-e2e-evidence-atomic-');
    writeFiles(dir, {
      'cutover.yaml': crmPlan(),
      'companies.csv': crmCompanies,
      'contacts.csv': crmContacts,
      'crash.mjs': crashAfterFirstJson,
    });
    const plan = path.join(dir, 'cutover.yaml');
    const out = path.join(dir, 'evidence');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const first = await cli(['evidence', '--plan', plan, '--out', out, '--json']);
    expect(first.code, describeResult(first)).toBe(0);
    expect(visiblePacks(out)).toEqual({ crm: ['evidence.html', 'evidence.json'] });
    // Marks the older pack, to tell it from a new one.
    const pack = path.join(out, 'crm');
    writeFileSync(path.join(pack, 'evidence.json'), 'older json');
    writeFileSync(path.join(pack, 'evidence.html'), 'older html');

    const crashed = await cli(['evidence', '--plan', plan, '--out', out, '--json'], {
      env: { NODE_OPTIONS: `--import ${pathToFileURL(path.join(dir, 'crash.mjs')).href}` },
    });
    expect(crashed.signal, describeResult(crashed)).toBe('SIGKILL');
    expect(visiblePacks(out)).toEqual({ crm: ['evidence.html', 'evidence.json'] });
    expect(readFileSync(path.join(pack, 'evidence.json'), 'utf8')).toBe('older json');
    expect(readFileSync(path.join(pack, 'evidence.html'), 'utf8')).toBe('older html');

    const again = await cli(['evidence', '--plan', plan, '--out', out, '--json']);
    expect(again.code, describeResult(again)).toBe(0);
    expect(readdirSync(out)).toEqual(['crm']);
    expect(readFileSync(path.join(pack, 'evidence.json'), 'utf8')).toContain('"generatedAt"');
    expect(readFileSync(path.join(pack, 'evidence.html'), 'utf8')).toContain('<html');
  }, 120_000);
});
