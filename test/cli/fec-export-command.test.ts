import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from '../e2e/support/cli.js';
import { writeFiles } from '../e2e/support/helpers.js';
import { fecOnlyPlan } from '../pipeline/export/fec-only-plan.js';
import { tempDir } from '../support/stores.js';

const legacyFec = [
  FEC_STANDARD_COLUMNS.join('\t'),
  'VE\tVentes\t1\t20240115\t411000\tClients\tC1\tClient Un\tF1\t20240115\tFacture 1\t120,00\t0,00\t\t\t\t\t',
  'VE\tVentes\t1\t20240115\t706000\tPrestations\t\t\tF1\t20240115\tFacture 1\t0,00\t120,00\t\t\t\t\t',
  '',
].join('\r\n');

describe('cutover fec export', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('writes the FEC of a migrated dossier and prints its summary as JSON; an unknown dossier is exit code 2', async () => {
    const dir = tempDir('cutover-cli-fec-export-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, { 'legacy.txt': legacyFec, 'cutover.yaml': fecOnlyPlan('legacy.txt', 'acme') });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);

    const out = path.join(dir, 'export') + path.sep;
    const exported = await cli([
      'fec',
      'export',
      '--plan',
      plan,
      '--dossier',
      'acme',
      '--out',
      out,
      '--json',
    ]);
    expect(exported.code, describeResult(exported)).toBe(0);
    const summary = parseJsonStdout<Record<string, unknown>>(exported);
    expect(summary).toEqual({
      dossier: 'acme',
      file: path.join(dir, 'export', 'acmeFEC.txt'),
      namedBy: 'dossier',
      siren: null,
      closingDate: null,
      lines: 2,
      entries: 1,
      totals: { debit: '120', credit: '120', balance: '0', lines: 2 },
      widenedAmounts: 0,
      replacedSeparators: 0,
    });
    expect(readFileSync(path.join(dir, 'export', 'acmeFEC.txt'), 'utf8')).toBe(legacyFec);

    const human = await cli([
      'fec',
      'export',
      '--plan',
      plan,
      '--dossier',
      'acme',
      '--out',
      path.join(dir, 'a.txt'),
    ]);
    expect(human.code, describeResult(human)).toBe(0);
    expect(human.stdout).toContain('2 lines, 1 entries; debit 120.00, credit 120.00, balance 0.00');
    expect(human.stdout).toContain(
      '  named after the dossier id: no nine-digit SIREN is known for it (a registry attribute `siren`, or FEC files named SIRENFECYYYYMMDD.txt); no fiscal year was loaded for it, so no closing date\n',
    );

    const unknown = await cli(['fec', 'export', '--plan', plan, '--dossier', 'nobody', '--out', out]);
    expect(unknown.code, describeResult(unknown)).toBe(2);
    expect(unknown.stderr).toBe('cutover: dossier nobody is not in the target\n');
    expect(existsSync(path.join(dir, 'export', 'nobodyFEC.txt'))).toBe(false);

    const missing = await cli(['fec', 'export', '--plan', plan]);
    expect(missing.code, describeResult(missing)).toBe(2);
    expect(missing.stderr).toContain("required option '--dossier <id>' not specified");
  }, 120_000);

  it('says it names the file after the dossier id for want of a SIREN alone when the closing date is known', async () => {
    const dir = tempDir('cutover-cli-fec-export-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // Ten digits, as a public sample's software wrote it: the closing date is read off the name, the SIREN is not.
    writeFiles(dir, {
      'fec/D1/0000000001FEC20241231.txt': legacyFec,
      'cutover.yaml': `version: 1
name: fec-name
target: { type: sqlite, url: target.db }
entities:
${fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' })}`,
    });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan]);
    expect(run.code, describeResult(run)).toBe(0);
    const exported = await cli(['fec', 'export', '--plan', plan, '--dossier', 'D1', '--out', dir + path.sep]);
    expect(exported.code, describeResult(exported)).toBe(0);
    expect(exported.stdout).toContain(`${path.join(dir, 'D1FEC20241231.txt')}\n`);
    expect(exported.stdout).toContain(
      '  named after the dossier id: no nine-digit SIREN is known for it (a registry attribute `siren`, or FEC files named SIRENFECYYYYMMDD.txt)\n',
    );
  });

  it('refuses a dossier that holds no accounting (a CRM dossier) with exit code 2 instead of writing an empty FEC', async () => {
    const dir = tempDir('cutover-cli-fec-export-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, {
      'contacts.csv': 'id,last_name\n1,Lee\n',
      'cutover.yaml': `version: 1
name: crm
target: { type: sqlite, url: target.db }
entities:
  contact:
    source: { type: csv, path: contacts.csv }
    dossier: { value: crm }
    key: id
    fields: { last_name: last_name }
`,
    });
    const plan = path.join(dir, 'cutover.yaml');
    expect((await cli(['run', '--plan', plan])).code).toBe(0);
    const out = path.join(dir, 'crm.txt');
    const result = await cli(['fec', 'export', '--plan', plan, '--dossier', 'crm', '--out', out]);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('dossier crm holds no accounting (no fiscal year, no entry line)');
    expect(existsSync(out)).toBe(false);
  });
});
