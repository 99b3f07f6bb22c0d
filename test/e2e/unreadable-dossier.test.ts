import path from 'node:path';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { querySqlite, writeFiles } from './support/helpers.js';

/**
 * One client's export that cannot be read (here a file that is no FEC) stops that dossier, not the wave: the other
 * dossiers are migrated, the run exits 4 naming the dossier and the file and stays unfinished, and once the file is
 * fixed the same command resumes with that dossier alone. Reconcile proves the others and reports that one as not
 * proven. Before, the first unreadable file stopped the whole run, and reconcile, with exit 4.
 */
const line = (account: string, debit: string, credit: string) =>
  `VTE\tVentes\t1\t20231010\t${account}\tCompte\t\t\tF1\t20231010\tVente\t${debit}\t${credit}\t\t\t20231011\t\t`;
const goodFec = `${FEC_STANDARD_COLUMNS.join('\t')}\r\n${line('411000', '7,00', '0,00')}\r\n${line('706000', '0,00', '7,00')}\r\n`;
const BAD = 'fec/D2/222222222FEC20231231.txt';

interface RunJson {
  status: string;
  dossiers: { total: number; done: number; unreadable: { id: string; entity: string; message: string }[] };
  resumed: boolean;
}

describe('a dossier whose source file cannot be read', () => {
  let dir = '';
  const plan = () => path.join(dir, 'cutover.yaml');
  beforeAll(async () => {
    ensureBuilt();
    dir = tempDir('cutover-e2e-unreadable-');
    const init = await cli(['init', '--fec', 'fec/{dossier}/*FEC*.txt'], { cwd: dir });
    expect(init.code, describeResult(init)).toBe(0);
    writeFiles(dir, {
      'fec/D1/111111111FEC20231231.txt': goodFec,
      [BAD]: 'hello world\nfoo\n',
      'fec/D3/333333333FEC20231231.txt': goodFec,
      'good.txt': goodFec,
    });
  }, 240_000);

  it('stops that dossier, migrates the others, and exits 4 naming it', async () => {
    const result = await cli(['run', '--plan', plan(), '--json']);
    expect(result.code, describeResult(result)).toBe(4);
    const json = parseJsonStdout<RunJson>(result);
    expect(json.status).toBe('unreadable_sources');
    expect(json.dossiers).toMatchObject({ total: 3, done: 2 });
    expect(json.dossiers.unreadable).toEqual([
      {
        id: 'D2',
        entity: 'journal',
        message: expect.stringContaining(`${BAD}: not a FEC that can be read`) as unknown,
      },
    ]);
    const lines = querySqlite<{ dossier_id: string; n: number }>(
      path.join(dir, 'target.db'),
      'SELECT dossier_id, count(*) AS n FROM entry_line GROUP BY dossier_id ORDER BY 1',
    );
    expect(lines).toEqual([
      { dossier_id: 'D1', n: 2 },
      { dossier_id: 'D3', n: 2 },
    ]);
  });

  it('reconciles the others and reports that one as not proven, exit 5', async () => {
    const result = await cli(['reconcile', '--plan', plan(), '--json']);
    expect(result.code, describeResult(result)).toBe(5);
    const json = parseJsonStdout<{ dossiers: { id: string; ok: boolean; unreadable?: string }[] }>(result);
    expect(json.dossiers.map((d) => [d.id, d.ok, d.unreadable !== undefined])).toEqual([
      ['D1', true, false],
      ['D2', false, true],
      ['D3', true, false],
    ]);
  });

  it('resumes with that dossier alone once its file is fixed, and then reconciles', async () => {
    copyFileSync(path.join(dir, 'good.txt'), path.join(dir, BAD));
    const result = await cli(['run', '--plan', plan(), '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    const json = parseJsonStdout<RunJson & { records: { read: number } }>(result);
    expect(json).toMatchObject({ status: 'succeeded', resumed: true, dossiers: { done: 3, unreadable: [] } });
    const reconciled = await cli(['reconcile', '--plan', plan()]);
    expect(reconciled.code, describeResult(reconciled)).toBe(0);
  });

  it('keeps the rows of a registry dossier whose folder is gone, stops it and says so, instead of emptying it', async () => {
    // The firm's registry lists D3; its export folder has been moved away.
    const text = readFileSync(plan(), 'utf8');
    writeFileSync(
      plan(),
      text.replace(
        /^entities:/m,
        'dossiers:\n  registry: { source: { type: csv, path: registry.csv }, id: dossier_id }\nentities:',
      ),
    );
    writeFileSync(path.join(dir, 'registry.csv'), 'dossier_id\nD1\nD2\nD3\n');
    renameSync(path.join(dir, 'fec', 'D3'), path.join(dir, 'D3-moved'));
    const result = await cli(['run', '--plan', plan(), '--json']);
    expect(result.code, describeResult(result)).toBe(4);
    const json = parseJsonStdout<RunJson>(result);
    expect(json.dossiers.unreadable).toEqual([
      {
        id: 'D3',
        entity: 'journal',
        message:
          'fec/{dossier}/*FEC*.txt: no file for dossier D3 any more, though the target holds its journal rows of an earlier run; they are kept (a folder moved or renamed?)',
      },
    ]);
    const lines = querySqlite<{ n: number }>(
      path.join(dir, 'target.db'),
      "SELECT count(*) AS n FROM entry_line WHERE dossier_id = 'D3'",
    );
    expect(lines).toEqual([{ n: 2 }]);
  });
});
