import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

const fec = (debit: string) =>
  [
    FEC_STANDARD_COLUMNS.join('\t'),
    `VE\tVentes\t1\t20230115\t411000\tClients\tC1\tClient Un\tF1\t20230115\tFacture 1\t${debit}\t0,00\t\t\t\t\t`,
    'VE\tVentes\t1\t20230115\t706000\tPrestations\t\t\tF1\t20230115\tFacture 1\t0,00\t120,00\t\t\t\t\t',
    '',
  ].join('\r\n');

interface ReplayJson {
  run: { dossiers: { total: number; done: number } };
}

/**
 * A firm's walkthrough: one line of one client's FEC rejected (an amount typed "N/A"), fixed, replayed. The replay
 * read that dossier alone and said "dossiers 3/3 done", as if every client had been migrated again.
 */
describe('a replay of one dossier among several', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('counts the dossiers it ran, not every dossier of the plan', async () => {
    const dir = tempDir('cutover-e2e-replay-count-');
    writeFiles(dir, {
      'cutover.yaml': [
        'version: 1',
        'name: replay-count',
        'target: { type: sqlite, url: target.db }',
        'entities:',
        fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' }),
      ].join('\n'),
      'fec/D1/123456782FEC20231231.txt': fec('120,00'),
      'fec/D2/732829320FEC20231231.txt': fec('N/A'),
      'fec/D3/552100554FEC20231231.txt': fec('120,00'),
    });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan]);
    expect(run.code, describeResult(run)).toBe(0);
    expect(run.stdout).toContain('dossiers  3/3 done');
    writeFileSync(path.join(dir, 'fec/D2/732829320FEC20231231.txt'), fec('120,00'));
    const replay = await cli(['replay', '--plan', plan, '--json']);
    expect(replay.code, describeResult(replay)).toBe(0);
    expect(parseJsonStdout<ReplayJson>(replay).run.dossiers).toMatchObject({ total: 1, done: 1 });
  }, 60_000);
});
