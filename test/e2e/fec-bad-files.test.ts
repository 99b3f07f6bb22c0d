import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

/**
 * Files a FEC source cannot read as a FEC (no FEC at all, a header without its amount columns): `cutover run` of
 * the plan `cutover init --fec` writes stops with one line naming the file and the columns, exit code 4, as for any
 * source that cannot be read; never an internal error.
 */

const FEC_FILE = 'fec/D1/123456789FEC20231231.txt';

/** A fresh folder with the starter FEC plan and the given files; runs `cutover run` there. */
const runPortfolio = async (files: Record<string, string | Buffer>) => {
  const dir = tempDir('cutover-e2e-fec-bad-');
  const init = await cli(['init', '--fec', 'fec/{dossier}/*FEC*.txt'], { cwd: dir });
  expect(init.code, describeResult(init)).toBe(0);
  writeFiles(dir, files);
  return cli(['run', '--plan', path.join(dir, 'cutover.yaml')], { cwd: dir });
};

describe('cutover run on a FEC source that is not a readable FEC', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('stops with exit code 4 and one line naming a file that is no FEC and the columns it lacks', async () => {
    const result = await runPortfolio({ [FEC_FILE]: 'hello world\nfoo\n' });
    expect(result.code, describeResult(result)).toBe(4);
    expect(result.stdout).toBe('');
    const lacking = [
      ...FEC_STANDARD_COLUMNS.filter((name) => name !== 'Debit' && name !== 'Credit'),
      'Debit',
      'Credit',
    ];
    expect(result.stderr).toBe(
      `cutover: ${FEC_FILE}: not a FEC that can be read: its header lacks ${lacking.join(', ')}\n`,
    );
  });

  it('stops with exit code 4 naming Credit when the header lacks it', async () => {
    const columns = FEC_STANDARD_COLUMNS.filter((name) => name !== 'Credit');
    const line = 'VTE\tVentes\t1\t20231010\t411000\tClients\t\t\tF1\t20231010\tVente\t7,00\t\t\t20231011\t\t';
    const result = await runPortfolio({ [FEC_FILE]: `${columns.join('\t')}\r\n${line}\r\n` });
    expect(result.code, describeResult(result)).toBe(4);
    expect(result.stderr).toBe(`cutover: ${FEC_FILE}: not a FEC that can be read: its header lacks Credit\n`);
  });
});
