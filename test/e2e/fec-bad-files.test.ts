import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { querySqlite, writeFiles } from './support/helpers.js';

/**
 * FEC files a migration meets that are not as the norm wants, through the plan `cutover init --fec` writes: a file
 * a FEC source cannot read as a FEC (no FEC at all, a header without its amount columns) stops its dossier with one
 * line naming the file and the columns, and `cutover run` exits 4 (the other dossiers go on, see
 * unreadable-dossier.test.ts), never an internal error; a FEC saved as UTF-16 with its byte-order mark (a Windows "Unicode" export) is read, and said.
 */

const FEC_FILE = 'fec/D1/123456789FEC20231231.txt';

/** A fresh folder with the starter FEC plan and the given files; runs `cutover run` there. */
const runPortfolio = async (files: Record<string, string | Buffer>, args: readonly string[] = []) => {
  const dir = tempDir('cutover-e2e-fec-bad-');
  const init = await cli(['init', '--fec', 'fec/{dossier}/*FEC*.txt'], { cwd: dir });
  expect(init.code, describeResult(init)).toBe(0);
  writeFiles(dir, files);
  const result = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), ...args], { cwd: dir });
  return Object.assign(result, { dir });
};

describe('cutover run on a FEC source that is not a readable FEC', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('stops its dossier, exit code 4, with one line naming a file that is no FEC and the columns it lacks', async () => {
    const result = await runPortfolio({ [FEC_FILE]: 'hello world\nfoo\n' });
    expect(result.code, describeResult(result)).toBe(4);
    const lacking = [
      ...FEC_STANDARD_COLUMNS.filter((name) => name !== 'Debit' && name !== 'Credit'),
      'Debit',
      'Credit',
    ];
    expect(result.stdout.split('\n')).toContain(
      `  not read  D1 (journal): ${FEC_FILE}: not a FEC that can be read: its header lacks ${lacking.join(', ')} (\`cutover fec validate\` lists what else is wrong)`,
    );
  });

  it('stops its dossier, exit code 4, when two files cannot be told apart by fiscal year (a copy left in the folder)', async () => {
    // Read together, the copy's entries joined the original's by number: the dossier's money doubled, unsaid.
    const header = FEC_STANDARD_COLUMNS.join('\t');
    const line =
      'VTE\tVentes\t1\t20231010\t411000\tClients\t\t\tF1\t20231010\tVente\t7,00\t0,00\t\t\t20231011\t\t';
    const fec = `${header}\n${line}\n`;
    const result = await runPortfolio({
      [FEC_FILE]: fec,
      'fec/D1/123456789FEC20231231 - Copie.txt': fec,
      'fec/D2/123456789FEC20231231.txt': fec,
      'fec/D2/123456789FEC20221231.txt': fec.replaceAll('2023', '2022'),
    });
    expect(result.code, describeResult(result)).toBe(4);
    expect(result.stdout).toContain(
      `  not read  D1 (journal): fec/D1/123456789FEC20231231 - Copie.txt and ${FEC_FILE} cannot be told apart: a name without a closing date (SIRENFECYYYYMMDD.txt) says no fiscal year`,
    );
    // Two years, each named after its closing date: read.
    expect(result.stdout).not.toContain('not read  D2');
    expect(
      querySqlite(
        path.join(result.dir, 'target.db'),
        "SELECT count(*) AS n FROM entry WHERE dossier_id = 'D2'",
      ),
    ).toEqual([{ n: 2 }]);
  });

  it('stops its dossier, exit code 4, naming Credit when the header lacks it', async () => {
    const columns = FEC_STANDARD_COLUMNS.filter((name) => name !== 'Credit');
    const line = 'VTE\tVentes\t1\t20231010\t411000\tClients\t\t\tF1\t20231010\tVente\t7,00\t\t\t20231011\t\t';
    const result = await runPortfolio({ [FEC_FILE]: `${columns.join('\t')}\r\n${line}\r\n` });
    expect(result.code, describeResult(result)).toBe(4);
    expect(result.stdout).toContain(
      `${FEC_FILE}: not a FEC that can be read: its header lacks Credit (\`cutover fec validate\` lists what else is wrong)\n`,
    );
  });

  it('migrates a FEC saved as UTF-16LE with its byte-order mark, accents intact, with a notice', async () => {
    const header = FEC_STANDARD_COLUMNS.join('\t');
    const line = (account: string, debit: string, credit: string) =>
      `VTE\tVentes\t1\t20231010\t${account}\tCompte\t\t\tF1\t20231010\tVente café\t${debit}\t${credit}\t\t\t20231011\t\t`;
    const text = `${header}\r\n${line('411000', '7,00', '0,00')}\r\n${line('706000', '0,00', '7,00')}\r\n`;
    const result = await runPortfolio(
      { [FEC_FILE]: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) },
      ['--json'],
    );
    expect(result.code, describeResult(result)).toBe(0);
    const json = parseJsonStdout<{
      records: { rejected: number };
      entities: Record<string, { loaded: number }>;
      notices: { code: string; message: string }[];
    }>(result);
    expect(json.records.rejected).toBe(0);
    expect(json.entities.entry_line?.loaded).toBe(2);
    expect(json.notices.filter((notice) => notice.code === 'FEC_UTF16')).toEqual([
      expect.objectContaining({ message: expect.stringContaining(`${FEC_FILE} is UTF-16LE`) as unknown }),
    ]);
    expect(querySqlite(path.join(result.dir, 'target.db'), 'SELECT DISTINCT label FROM entry')).toEqual([
      { label: 'Vente café' },
    ]);
  });
});
