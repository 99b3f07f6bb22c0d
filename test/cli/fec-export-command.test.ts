import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout, repoRoot } from '../e2e/support/cli.js';
import { writeFiles } from '../e2e/support/helpers.js';
import { fecOnlyPlan } from '../pipeline/export/fec-only-plan.js';
import { tempDir } from '../support/stores.js';

const legacyFec = [
  FEC_STANDARD_COLUMNS.join('\t'),
  'VE\tVentes\t1\t20240115\t411000\tClients\tC1\tClient Un\tF1\t20240115\tFacture 1\t120,00\t0,00\t\t\t\t\t',
  'VE\tVentes\t1\t20240115\t706000\tPrestations\t\t\tF1\t20240115\tFacture 1\t0,00\t120,00\t\t\t\t\t',
  '',
].join('\r\n');

/** `cutover fec export` of one dossier of the plan, with the options given. */
const exportFec = (plan: string, dossier: string, ...options: string[]) =>
  cli(['fec', 'export', '--plan', plan, '--dossier', dossier, ...options]);

/**
 * A dossier D1 of FEC files in `fec/D1/` (name → lines written `field | field | ...`), its fiscal years named by the
 * files, migrated into a SQLite target: the plan's path and its folder.
 */
const migratedFecDossier = async (name: string, files: Record<string, readonly string[]>) => {
  const dir = tempDir(`cutover-cli-${name}-`);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, {
    'cutover.yaml': [
      'version: 1',
      `name: ${name}`,
      'target: { type: sqlite, url: target.db }',
      'entities:',
      fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' }),
    ].join('\n'),
    ...Object.fromEntries(
      Object.entries(files).map(([file, rows]) => [
        `fec/D1/${file}`,
        [FEC_STANDARD_COLUMNS.join('\t'), ...rows.map((row) => row.replaceAll(' | ', '\t')), ''].join('\r\n'),
      ]),
    ),
  });
  const plan = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', plan]);
  expect(run.code, describeResult(run)).toBe(0);
  return { dir, plan };
};

describe('cutover fec export', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('writes its totals with thousands separated, exactly, as its counts', async () => {
    const dir = tempDir('cutover-cli-fec-export-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, {
      'legacy.txt': legacyFec.replaceAll('120,00', '12345678901234,57'),
      'cutover.yaml': fecOnlyPlan('legacy.txt', 'acme'),
    });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const human = await exportFec(plan, 'acme', '--out', path.join(dir, 'a.txt'));
    expect(human.code, describeResult(human)).toBe(0);
    expect(human.stdout).toContain(
      '2 lines, 1 entries; debit 12,345,678,901,234.57, credit 12,345,678,901,234.57, balance 0.00',
    );
  });

  it('writes the FEC of a migrated dossier and prints its summary as JSON; an unknown dossier is exit code 2', async () => {
    const dir = tempDir('cutover-cli-fec-export-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, { 'legacy.txt': legacyFec, 'cutover.yaml': fecOnlyPlan('legacy.txt', 'acme') });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);

    const out = path.join(dir, 'export') + path.sep;
    const exported = await exportFec(plan, 'acme', '--out', out, '--json');
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
      unbalanced: { entries: 0, debit: '0', credit: '0', balance: '0', first: [] },
    });
    // Books that balance: not a word of warning.
    expect(exported.stderr).toBe('');
    expect(readFileSync(path.join(dir, 'export', 'acmeFEC.txt'), 'utf8')).toBe(legacyFec);

    const human = await exportFec(plan, 'acme', '--out', path.join(dir, 'a.txt'));
    expect(human.code, describeResult(human)).toBe(0);
    expect(human.stderr).toBe('');
    expect(human.stdout).toContain('2 lines, 1 entries; debit 120.00, credit 120.00, balance 0.00');
    expect(human.stdout).toContain(
      '  named after the dossier id: no nine-digit SIREN is known for it (a registry attribute `siren`, or FEC files named SIRENFECYYYYMMDD.txt); no fiscal year was loaded for it, so no closing date\n',
    );

    const unknown = await exportFec(plan, 'nobody', '--out', out);
    expect(unknown.code, describeResult(unknown)).toBe(2);
    expect(unknown.stderr).toBe('cutover: dossier nobody is not in the target\n');
    expect(existsSync(path.join(dir, 'export', 'nobodyFEC.txt'))).toBe(false);

    const missing = await cli(['fec', 'export', '--plan', plan]);
    expect(missing.code, describeResult(missing)).toBe(2);
    expect(missing.stderr).toContain("required option '--dossier <id>' not specified");
  }, 120_000);

  it('counts, exporting the only fiscal year of a dossier, the rejected entry lines of the dossier without calling them of every year', async () => {
    const dir = tempDir('cutover-cli-fec-export-year-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFiles(dir, {
      'cutover.yaml': [
        'version: 1',
        'name: export-one-year',
        'target: { type: sqlite, url: target.db }',
        'entities:',
        fecEntitiesYaml({ path: 'fec/{dossier}/*FEC*.txt', fiscalYears: 'file' }),
      ].join('\n'),
      // The sales line's credit is no amount: rejected, its entry left unbalanced.
      'fec/D1/123456782FEC20241231.txt': [
        FEC_STANDARD_COLUMNS.join('\t'),
        'VE\tVentes\t1\t20240115\t411000\tClients\tC1\tClient Un\tF1\t20240115\tFacture 1\t120,00\t0,00\t\t\t\t\t',
        'VE\tVentes\t1\t20240115\t706000\tPrestations\t\t\tF1\t20240115\tFacture 1\t0,00\tN/A\t\t\t\t\t',
        '',
      ].join('\r\n'),
    });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan]);
    expect(run.code, describeResult(run)).toBe(0);
    // The file holds every line of the dossier, its one year: the dossier's count is the year's.
    const oneYear = await exportFec(plan, 'D1', '--fiscal-year', '2024-12-31', '--out', `${dir}/`);
    expect(oneYear.code, describeResult(oneYear)).toBe(0);
    expect(oneYear.stderr).toContain(
      '  why: the ledger holds 1 entry line of dossier D1 that the migration rejected, and the export is the migrated books, without it:',
    );
  });

  it('counts, exporting one fiscal year of two, only the rejected entry lines dated in it, and apart those whose date could not be read', async () => {
    const { dir, plan } = await migratedFecDossier('export-two-years', {
      // 2023: the sales entry loses its credit line (no amount).
      '123456782FEC20231231.txt': [
        'VE | Ventes | 1 | 20230115 | 411000 | Clients | C1 | Client Un | F1 | 20230115 | Facture 1 | 120,00 | 0,00 |  |  |  |  | ',
        'VE | Ventes | 1 | 20230115 | 706000 | Prestations |  |  | F1 | 20230115 | Facture 1 | 0,00 | N/A |  |  |  |  | ',
      ],
      // 2024: the sales entry loses two lines (no amount); the OD entry is dated yyyy-MM-dd, which the plan does not
      // read: the entry is rejected for its date, and its two lines with it, dated nowhere the ledger can tell.
      '123456782FEC20241231.txt': [
        'VE | Ventes | 1 | 20240115 | 411000 | Clients | C1 | Client Un | F1 | 20240115 | Facture 1 | 240,00 | 0,00 |  |  |  |  | ',
        'VE | Ventes | 1 | 20240115 | 706000 | Prestations |  |  | F1 | 20240115 | Facture 1 | 0,00 | N/A |  |  |  |  | ',
        'VE | Ventes | 1 | 20240115 | 445710 | TVA collectée |  |  | F1 | 20240115 | Facture 1 | 0,00 | N/A |  |  |  |  | ',
        'OD | Divers | 2 | 2024-01-31 | 471000 | Attente |  |  | X2 | 20240131 | Attente | 10,00 | 0,00 |  |  |  |  | ',
        'OD | Divers | 2 | 2024-01-31 | 472000 | Attente |  |  | X2 | 20240131 | Attente | 0,00 | 10,00 |  |  |  |  | ',
      ],
    });

    const year2024 = await exportFec(plan, 'D1', '--fiscal-year', '2024-12-31', '--out', `${dir}/`, '--json');
    expect(year2024.code, describeResult(year2024)).toBe(0);
    expect(parseJsonStdout<{ unbalanced: unknown }>(year2024).unbalanced).toMatchObject({
      entries: 1,
      rejectedEntryLines: 2,
      rejectedEntryLinesFiscalYear: '2024-12-31',
      rejectedEntryLinesUndated: 2,
      rejectedEntryLinesOtherYears: 1,
    });
    expect(year2024.stderr).toContain(
      '  why: the ledger holds 2 entry lines of dossier D1 dated in its fiscal year closing on 2024-12-31, and 2 more whose date could not be read, that the migration rejected, and the export is the migrated books, without them: `cutover ledger --dossier D1 --entity entry_line --fate rejected` shows why (with the 1 line of its other fiscal years);',
    );

    const year2023 = await exportFec(plan, 'D1', '--fiscal-year', '2023-12-31', '--out', `${dir}/`, '--json');
    expect(year2023.code, describeResult(year2023)).toBe(0);
    expect(parseJsonStdout<{ unbalanced: unknown }>(year2023).unbalanced).toMatchObject({
      entries: 1,
      rejectedEntryLines: 1,
      rejectedEntryLinesFiscalYear: '2023-12-31',
      rejectedEntryLinesUndated: 2,
      rejectedEntryLinesOtherYears: 2,
    });
    expect(year2023.stderr).toContain(
      '  why: the ledger holds 1 entry line of dossier D1 dated in its fiscal year closing on 2023-12-31, and 2 more whose date could not be read, that the migration rejected,',
    );
    expect(year2023.stderr).not.toContain('in all its fiscal years');
  });

  it('counts, exporting the long first fiscal year of two, a rejected line dated before the opening date guessed from its file name as of that year, not of another', async () => {
    const { dir, plan } = await migratedFecDossier('export-long-first-year', {
      // A first year of 15 months (2022-10-01 to 2023-12-31): the plan takes its opening for 2023-01-01, yet its
      // file, hence its year, holds this November 2022 entry, which loses its credit line (no amount).
      '123456782FEC20231231.txt': [
        'VE | Ventes | 1 | 20221115 | 411000 | Clients | C1 | Client Un | F1 | 20221115 | Facture 1 | 120,00 | 0,00 |  |  |  |  | ',
        'VE | Ventes | 1 | 20221115 | 706000 | Prestations |  |  | F1 | 20221115 | Facture 1 | 0,00 | N/A |  |  |  |  | ',
      ],
      '123456782FEC20241231.txt': [
        'VE | Ventes | 1 | 20240115 | 411000 | Clients | C1 | Client Un | F2 | 20240115 | Facture 2 | 50,00 | 0,00 |  |  |  |  | ',
        'VE | Ventes | 1 | 20240115 | 706000 | Prestations |  |  | F2 | 20240115 | Facture 2 | 0,00 | 50,00 |  |  |  |  | ',
      ],
    });

    const year2023 = await exportFec(plan, 'D1', '--fiscal-year', '2023-12-31', '--out', `${dir}/`, '--json');
    expect(year2023.code, describeResult(year2023)).toBe(0);
    expect(parseJsonStdout<{ unbalanced: unknown }>(year2023).unbalanced).toMatchObject({
      entries: 1,
      rejectedEntryLines: 1,
      rejectedEntryLinesUndated: 0,
      rejectedEntryLinesOtherYears: 0,
    });
    expect(year2023.stderr).toContain(
      '  why: the ledger holds 1 entry line of dossier D1 dated in its fiscal year closing on 2023-12-31 that the migration rejected,',
    );
  });

  it('says on stderr which entries do not balance because the migration rejected a line, still writing the file with exit code 0', async () => {
    const dir = tempDir('cutover-cli-fec-export-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const fec = (vat: string) =>
      [
        FEC_STANDARD_COLUMNS.join('\t'),
        'VE\tVentes\t1\t20240115\t411000\tClients\tC1\tClient Un\tF1\t20240115\tFacture 1\t120,00\t0,00\t\t\t\t\t',
        'VE\tVentes\t1\t20240115\t706000\tPrestations\t\t\tF1\t20240115\tFacture 1\t0,00\t100,00\t\t\t\t\t',
        `VE\tVentes\t1\t20240115\t445710\tTVA collectée\t\t\tF1\t20240115\tFacture 1\t0,00\t${vat}\t\t\t\t\t`,
        'AC\tAchats\t2\t20240116\t607000\tAchats\t\t\tA2\t20240116\tFacture A2\t50,00\t0,00\t\t\t\t\t',
        'AC\tAchats\t2\t20240116\t401000\tFournisseurs\tF9\tFournisseur\tA2\t20240116\tFacture A2\t0,00\t50,00\t\t\t\t\t',
        '',
      ].join('\r\n');
    // The VAT line's credit is no amount: the migration rejects that line, and entry VE 1 loses 20.00 of credit.
    writeFiles(dir, { 'legacy.txt': fec('N/A'), 'cutover.yaml': fecOnlyPlan('legacy.txt', 'acme') });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan]);
    expect(run.code, describeResult(run)).toBe(0);
    const exportTo = (file: string, ...more: string[]) =>
      exportFec(plan, 'acme', '--out', path.join(dir, file), ...more);

    const human = await exportTo('acme.txt');
    expect(human.code, describeResult(human)).toBe(0);
    expect(human.stderr).toBe(
      [
        "cutover: warning: 1 entry of this FEC does not balance (debit differs from credit); the tax administration's test tool refuses such entries:",
        '  journal VE, entry 1 (piece F1) of 2024-01-15: debit 120.00, credit 100.00',
        '  imbalance: debit 120.00, credit 100.00 on this entry, debit - credit 20.00',
        '  why: the ledger holds 1 entry line of dossier acme that the migration rejected, and the export is the migrated books, without it: `cutover ledger --dossier acme --entity entry_line --fate rejected` shows why; once the source or the plan is fixed, `cutover replay` loads it and a new export balances.',
        '',
      ].join('\n'),
    );
    // The README shows this very warning.
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const example =
      readme.indexOf('```text\n', readme.indexOf('**Unbalanced entries.**')) + '```text\n'.length;
    expect(readme.slice(example, readme.indexOf('```', example))).toBe(human.stderr);
    // The file is written all the same: it is what the target holds.
    expect(readFileSync(path.join(dir, 'acme.txt'), 'utf8').split('\r\n')).toHaveLength(6);

    const json = await exportTo('acme-json.txt', '--json');
    expect(json.code, describeResult(json)).toBe(0);
    expect(json.stderr).toBe(human.stderr);
    expect(parseJsonStdout<{ unbalanced: unknown }>(json).unbalanced).toEqual({
      entries: 1,
      debit: '120',
      credit: '100',
      balance: '20',
      first: [
        { journal: 'VE', entryNumber: '1', pieceRef: 'F1', date: '2024-01-15', debit: '120', credit: '100' },
      ],
      rejectedEntryLines: 1,
    });

    // The command the warning points to lists that line.
    const ledger = await cli([
      'ledger',
      '--plan',
      plan,
      '--dossier',
      'acme',
      '--entity',
      'entry_line',
      '--fate',
      'rejected',
      '--json',
    ]);
    expect(parseJsonStdout<{ total: number }>(ledger).total).toBe(1);

    // A ledger that cannot be read leaves the count unknown, said as such; the export still succeeds.
    const noLedger = await exportTo('acme-no-ledger.txt', '--json', '--state', path.join(dir, 'nowhere.db'));
    expect(noLedger.code, describeResult(noLedger)).toBe(0);
    const unknown = parseJsonStdout<{ unbalanced: { rejectedEntryLines: unknown; ledgerProblem: string } }>(
      noLedger,
    ).unbalanced;
    expect(unknown.rejectedEntryLines).toBeNull();
    expect(unknown.ledgerProblem).toContain(`no state store at ${path.join(dir, 'nowhere.db')}`);
    expect(noLedger.stderr).toContain(
      '  why: the ledger could not be read to say how many entry lines the migration rejected (no state store at',
    );

    // The source fixed and replayed, the books balance again and the export says nothing.
    writeFiles(dir, { 'legacy.txt': fec('20,00') });
    const replay = await cli(['replay', '--plan', plan]);
    expect(replay.code, describeResult(replay)).toBe(0);
    const fixed = await exportTo('acme-fixed.txt', '--json');
    expect(fixed.code, describeResult(fixed)).toBe(0);
    expect(fixed.stderr).toBe('');
    expect(parseJsonStdout<{ unbalanced: unknown }>(fixed).unbalanced).toEqual({
      entries: 0,
      debit: '0',
      credit: '0',
      balance: '0',
      first: [],
    });
  }, 120_000);

  it('says so when entries do not balance though the ledger holds no rejected line: the source did not balance', async () => {
    const dir = tempDir('cutover-cli-fec-export-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // Two entries of the legacy books already off by 0.01 and 5.00; every line loads.
    const unbalancedFec = legacyFec
      .replace('\t120,00\t0,00\t', '\t120,01\t0,00\t')
      .replace(
        /\r\n$/,
        '\r\nOD\tDivers\t7\t20240131\t471000\tAttente\t\t\tX7\t20240131\tAttente\t0,00\t5,00\t\t\t\t\t\r\n',
      );
    writeFiles(dir, { 'legacy.txt': unbalancedFec, 'cutover.yaml': fecOnlyPlan('legacy.txt', 'acme') });
    const plan = path.join(dir, 'cutover.yaml');
    const run = await cli(['run', '--plan', plan, '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const exported = await exportFec(plan, 'acme', '--out', dir + path.sep, '--json');
    expect(exported.code, describeResult(exported)).toBe(0);
    expect(exported.stderr).toBe(
      [
        "cutover: warning: 2 entries of this FEC do not balance (debit differs from credit); the tax administration's test tool refuses such entries:",
        '  journal VE, entry 1 (piece F1) of 2024-01-15: debit 120.01, credit 120.00',
        '  journal OD, entry 7 (piece X7) of 2024-01-31: debit 0.00, credit 5.00',
        '  imbalance: debit 120.01, credit 125.00 on these entries, debit - credit -4.99',
        '  why: the ledger holds no entry line of dossier acme that the migration rejected, so these entries do not balance in the books as migrated: check the source (`cutover fec validate` on a FEC) and the lines a plan rule skipped (`cutover ledger --dossier acme --entity entry_line`).',
        '',
      ].join('\n'),
    );
    expect(parseJsonStdout<{ unbalanced: unknown }>(exported).unbalanced).toMatchObject({
      entries: 2,
      balance: '-4.99',
      rejectedEntryLines: 0,
    });
  });

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
    const exported = await exportFec(plan, 'D1', '--out', dir + path.sep);
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
    const result = await exportFec(plan, 'crm', '--out', out);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('dossier crm holds no accounting (no fiscal year, no entry line)');
    expect(existsSync(out)).toBe(false);
  });
});
