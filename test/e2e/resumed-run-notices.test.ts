import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';
import { contactCheckpoint, killedInContacts } from './support/kill-in-contacts.js';
import { companiesContactsPlan } from './support/companies-contacts-plan.js';

/**
 * A resumed run's summary counts the units its interrupted invocation finished, but said none of their notices: the
 * user who saw only the resumed run's output never learnt of them (a CRM's records spanning lines, a FEC's dot
 * decimals). It now says the notices of the whole run, as stored by each unit's load, in text and in --json.
 */

interface Notice {
  code: string;
  message: string;
  source: string;
  dossier: string;
  entity: string;
  line?: number;
}

const CONTACTS = 200_000;

const crmPlan = companiesContactsPlan('resumed-notices', { batchSize: 200 });

/** A company whose name holds a line break: MULTILINE_RECORDS, said by the company unit, done before the kill. */
const companies = 'company_id,name\nC1,"Alpha\nNorth"\nC2,Beta\n';
const contacts = () => {
  const lines = ['contact_id,last_name'];
  for (let i = 1; i <= CONTACTS; i++) lines.push(`P${i},L${i}`);
  return `${lines.join('\n')}\n`;
};

const line = (account: string, debit: string, credit: string) =>
  `VTE\tVentes\t1\t20231010\t${account}\tCompte\t\t\tF1\t20231010\tVente\t${debit}\t${credit}\t\t\t20231011\t\t`;
const fec = (decimal: ',' | '.') =>
  `${FEC_STANDARD_COLUMNS.join('\t')}\r\n${line('411000', `7${decimal}00`, `0${decimal}00`)}\r\n${line('706000', `0${decimal}00`, `7${decimal}00`)}\r\n`;
const BAD = 'fec/D2/222222222FEC20231231.txt';

describe("a resumed run's notices", () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('repeats, in text, those of a unit finished before a kill -9', async () => {
    const dir = tempDir('cutover-e2e-resumed-notices-');
    writeFiles(dir, { 'cutover.yaml': crmPlan, 'companies.csv': companies, 'contacts.csv': contacts() });
    const planFile = path.join(dir, 'cutover.yaml');
    const targetFile = path.join(dir, 'target.db');
    const killed = await killedInContacts(['run', '--plan', planFile], targetFile);
    expect(killed.signal, describeResult(killed)).toBe('SIGKILL');
    expect(contactCheckpoint(targetFile)?.done).toBe(0);

    const resumed = await cli(['run', '--plan', planFile]);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stdout, describeResult(resumed)).toMatch(/^Resumed run /);
    expect(resumed.stdout, describeResult(resumed)).toContain(
      'MULTILINE_RECORDS companies.csv: the record at line 2 spans several lines',
    );
  }, 120_000);

  it('repeats, in --json, those of the dossiers done before a file could not be read, as the first output said them', async () => {
    const dir = tempDir('cutover-e2e-resumed-notices-fec-');
    const init = await cli(['init', '--fec', 'fec/{dossier}/*FEC*.txt'], { cwd: dir });
    expect(init.code, describeResult(init)).toBe(0);
    writeFiles(dir, {
      'fec/D1/111111111FEC20231231.txt': fec('.'),
      [BAD]: 'hello world\nfoo\n',
      'good.txt': fec(','),
    });
    const planFile = path.join(dir, 'cutover.yaml');
    const first = await cli(['run', '--plan', planFile, '--json']);
    expect(first.code, describeResult(first)).toBe(4);
    const said = parseJsonStdout<{ notices: Notice[] }>(first).notices.filter((n) => n.dossier === 'D1');
    expect(said.map((notice) => notice.code)).toContain('FEC_DOT_DECIMAL');

    copyFileSync(path.join(dir, 'good.txt'), path.join(dir, BAD));
    const resumed = await cli(['run', '--plan', planFile, '--json']);
    expect(resumed.code, describeResult(resumed)).toBe(0);
    const json = parseJsonStdout<{ resumed: boolean; notices: Notice[] }>(resumed);
    expect(json.resumed).toBe(true);
    expect(json.notices.filter((notice) => notice.dossier === 'D1')).toEqual(said);
  });
});
