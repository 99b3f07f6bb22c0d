import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FecValidationReport } from '../../src/domains/accounting/fec/fec-validator.js';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from '../e2e/support/cli.js';
import { sharedFecDir } from '../connectors/files/file-fixtures.js';
import {
  INTERLEAVED_VALID_DATE_ORDER_LINES,
  interleavedValidDateOrderFec,
} from '../e2e/support/valid-date-order-fec.js';

interface FecValidateJson {
  valid: boolean;
  reports: FecValidationReport[];
  unreadable: { files: string[]; message: string }[];
}

const shared = (name: string) => path.join(sharedFecDir, name);
const dir = mkdtempSync(path.join(tmpdir(), 'cutover-cli-fec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `cutover fec validate`: what scripts rely on (exit codes, JSON) and what a person reads. */
describe('cutover fec validate', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('exits 0 on a FEC with alerts but no error, and prints its summary', async () => {
    const result = await cli(['fec', 'validate', shared('lasocietenouvelle_sample_pipe_montant_sens.txt')]);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('4 lines, 2 entries: 2 balanced, 0 unbalanced');
    // Thousands separated as the counts above them: "3300.00" before.
    expect(result.stdout).toContain('total debit 3,300.00, total credit 3,300.00 (balanced)');
    expect(result.stdout).toContain('FILE_NAME_NOT_STANDARD');
  });

  it('exits 6 on errors and lists them by severity with their lines', async () => {
    const result = await cli(['fec', 'validate', shared('adams43360_fec_sale.txt')]);
    expect(result.code, describeResult(result)).toBe(6);
    const errors = result.stdout.indexOf('Errors (');
    const alerts = result.stdout.indexOf('Alerts (');
    const missing = result.stdout.indexOf('Missing data (');
    expect(errors).toBeGreaterThan(0);
    expect(alerts).toBeGreaterThan(errors);
    expect(missing).toBeGreaterThan(alerts);
    expect(result.stdout).toMatch(/DATE_INVALID ×1: EcritureDate: .* — line 2\n/);
    expect(result.stdout).toContain(
      '    ENTRY_UNBALANCED ×3: An entry (écriture) is not balanced: its debits differ from its credits\n',
    );
    // Each entry says its lines: the finding's own line lists none.
    expect(result.stdout).toContain(
      '      JournalCode VTE, EcritureNum 5: debit - credit = 500.00 (lines 10, 11, 12)\n',
    );
  });

  it('--json prints the full reports and nothing else', async () => {
    const result = await cli([
      'fec',
      'validate',
      '--json',
      shared('0000000001FEC20220831.txt'),
      shared('adams43360_fec_propre.txt'),
    ]);
    expect(result.code, describeResult(result)).toBe(6);
    const json = parseJsonStdout<FecValidateJson>(result);
    expect(json.valid).toBe(false);
    expect(json.reports.map((report) => [path.basename(report.files[0] ?? ''), report.valid])).toEqual([
      ['0000000001FEC20220831.txt', true],
      ['adams43360_fec_propre.txt', false],
    ]);
    expect(json.reports[0]?.summary).toMatchObject({
      entries: 2033,
      totalDebit: '10186219.81',
      totalCredit: '10186219.81',
    });
    expect(
      json.reports[1]?.findings.find((finding) => finding.code === 'EXPECTED_FIELD_EMPTY'),
    ).toMatchObject({
      severity: 'missing-data',
      field: 'ValidDate',
      count: 25,
    });
  });

  it('reads split parts given in any order as one FEC', async () => {
    const header = FEC_STANDARD_COLUMNS.join('\t');
    const line = (num: number, account: string, debit: string, credit: string) =>
      `VTE\tVentes\t${num}\t20231010\t${account}\tCompte\t\t\tF${num}\t20231010\tVente\t${debit}\t${credit}\t\t\t20231011\t\t`;
    writeFileSync(
      path.join(dir, '443061841FEC20231231_2.txt'),
      `${header}\n${line(2, '411000', '5,00', '0,00')}\n${line(2, '706000', '0,00', '5,00')}\n`,
    );
    writeFileSync(
      path.join(dir, '443061841FEC20231231_1.txt'),
      `${header}\n${line(1, '411000', '7,00', '0,00')}\n${line(1, '706000', '0,00', '7,00')}\n`,
    );
    const result = await cli([
      'fec',
      'validate',
      '--json',
      path.join(dir, '443061841FEC20231231_2.txt'),
      path.join(dir, '443061841FEC20231231_1.txt'),
    ]);
    expect(result.code, describeResult(result)).toBe(0);
    const [report, ...others] = parseJsonStdout<FecValidateJson>(result).reports;
    expect(others).toEqual([]);
    expect(report?.files.map((file) => path.basename(file))).toEqual([
      '443061841FEC20231231_1.txt',
      '443061841FEC20231231_2.txt',
    ]);
    expect(report?.summary).toMatchObject({
      entries: 2,
      totalDebit: '12.00',
      numbering: { mode: 'per-file', continuous: true },
    });
  });

  it('--legacy-encoding chooses the code page of the lines that are not UTF-8', async () => {
    const file = path.join(sharedFecDir, '111111111FEC20221231.TXT');
    const result = await cli(['fec', 'validate', '--json', '--legacy-encoding', 'iso-8859-15', file]);
    expect(result.code, describeResult(result)).toBe(6);
    const [report] = parseJsonStdout<FecValidateJson>(result).reports;
    expect(report?.summary.encoding).toEqual({
      name: 'utf-8',
      bom: false,
      fallbackLines: 6,
      fallbackEncodings: ['iso-8859-15'],
    });
    const wrong = await cli(['fec', 'validate', '--legacy-encoding', 'cp850', file]);
    expect(wrong.code, describeResult(wrong)).toBe(2);
  });

  it('without --legacy-encoding, reads the lines that are not UTF-8 in the code page their bytes say', async () => {
    // 0xBD between letters: "Cœur" in ISO-8859-15, "C½ur" in Windows-1252.
    const header = FEC_STANDARD_COLUMNS.join('\t');
    const line = (label: string, debit: string, credit: string) =>
      `VE\tVentes\t1\t20231231\t411000\tClients\t\t\tF1\t20231231\t${label}\t${debit}\t${credit}\t\t\t20231231\t\t`;
    const file = path.join(dir, '443061841FEC20231231.txt');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`${header}\n${line('Vente', '10,00', '0,00')}\n`),
        Buffer.from(`${line('C\u00bdur', '0,00', '10,00')}\n`, 'latin1'),
      ]),
    );
    const judged = await cli(['fec', 'validate', '--json', file]);
    const [report] = parseJsonStdout<FecValidateJson>(judged).reports;
    expect(report?.summary.encoding).toMatchObject({ fallbackLines: 1, fallbackEncodings: ['iso-8859-15'] });
    const text = await cli(['fec', 'validate', file]);
    expect(text.stdout).toContain('1 line read as ISO-8859-15');
    const asked = await cli(['fec', 'validate', '--json', '--legacy-encoding', 'windows-1252', file]);
    expect(parseJsonStdout<FecValidateJson>(asked).reports[0]?.summary.encoding).toMatchObject({
      fallbackEncodings: ['windows-1252'],
    });
    // The shared file's only legacy byte, 0xF8, tells nothing: Windows-1252.
    const shared = await cli([
      'fec',
      'validate',
      '--json',
      path.join(sharedFecDir, '111111111FEC20221231.TXT'),
    ]);
    expect(parseJsonStdout<FecValidateJson>(shared).reports[0]?.summary.encoding).toMatchObject({
      fallbackLines: 6,
      fallbackEncodings: ['windows-1252'],
    });
  });

  it('exits 6 on a file that is no FEC, naming the columns its header lacks', async () => {
    const file = path.join(dir, 't3.csv');
    writeFileSync(file, 'id,name\n1,x\n');
    const result = await cli(['fec', 'validate', file]);
    expect(result.code, describeResult(result)).toBe(6);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 line, not checked: the header lacks an amount column');
    expect(result.stdout).toContain('1 columns (standard), no amount columns;');
    for (const column of FEC_STANDARD_COLUMNS) {
      expect(result.stdout).toContain(`HEADER_MISSING_COLUMN ×1: ${column}: A required column is absent`);
    }
    expect(result.stdout).toContain('HEADER_UNKNOWN_COLUMN ×1: id,name:');
  });

  it('exits 6 on a FEC whose header lacks Credit, in JSON too', async () => {
    const columns = FEC_STANDARD_COLUMNS.filter((name) => name !== 'Credit');
    const file = path.join(dir, '443061841FEC20231231.txt');
    writeFileSync(
      file,
      `${columns.join('\t')}\nVTE\tVentes\t1\t20231010\t411000\tClients\t\t\tF1\t20231010\tVente\t7,00\t0,00\t\t\t20231011\t\t\n`,
    );
    const result = await cli(['fec', 'validate', '--json', file]);
    expect(result.code, describeResult(result)).toBe(6);
    const [report] = parseJsonStdout<FecValidateJson>(result).reports;
    expect(report?.findings.map((finding) => [finding.code, finding.field, finding.lines])).toEqual([
      ['HEADER_MISSING_COLUMN', 'Credit', [1]],
    ]);
    expect(report?.summary).toMatchObject({ lines: 1, linesChecked: false });
  });

  it('exits 6 on a FEC saved as UTF-16 with its byte-order mark, read all the same', async () => {
    const header = FEC_STANDARD_COLUMNS.join('\t');
    const line = (account: string, debit: string, credit: string) =>
      `VTE\tVentes\t1\t20231010\t${account}\tCompte\t\t\tF1\t20231010\tVente café\t${debit}\t${credit}\t\t\t20231011\t\t`;
    const text = `${header}\r\n${line('411000', '7,00', '0,00')}\r\n${line('706000', '0,00', '7,00')}\r\n`;
    const file = path.join(dir, 'utf16', '443061841FEC20231231.txt');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const result = await cli(['fec', 'validate', file]);
    expect(result.code, describeResult(result)).toBe(6);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('2 lines, 1 entries: 1 balanced, 0 unbalanced');
    expect(result.stdout).toContain('encoding: UTF-16LE with BOM');
    expect(result.stdout).toContain(
      'ENCODING_UTF16 ×1: The file is UTF-16 (read from its byte-order mark): the norm asks for ASCII, ISO-8859-15 or UTF-8',
    );
  });

  it('says validation dates out of order once per journal, however many entries it counts', async () => {
    // AC n° 1 validated on 30 November, then VT n° 2 to 1501 on 1 April: 1,500 entries validated too early.
    const entry = (num: number, journal: string, validDate: string) =>
      [
        `${journal}\tJ\t${num}\t20230315\t411000\tClients\t\t\tF${num}\t20230315\tFacture\t1,00\t0,00\t\t\t${validDate}\t\t`,
        `${journal}\tJ\t${num}\t20230315\t706000\tVentes\t\t\tF${num}\t20230315\tFacture\t0,00\t1,00\t\t\t${validDate}\t\t`,
      ].join('\n');
    const entries = [entry(1, 'AC', '20231130')];
    for (let num = 2; num <= 1501; num += 1) entries.push(entry(num, 'VT', '20230401'));
    const folder = path.join(dir, 'valid-date-order');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, '443061841FEC20231231.txt');
    writeFileSync(file, `${FEC_STANDARD_COLUMNS.join('\t')}\n${entries.join('\n')}\n`);
    const result = await cli(['fec', 'validate', file]);
    expect(result.code, describeResult(result)).toBe(0);
    const lines = result.stdout.split('\n');
    // The finding's own line lists none: its item says where.
    const at = lines.findIndex(
      (line) =>
        line ===
        '    VALID_DATE_ORDER ×1,500: ValidDate goes back in time along the entry numbering (validations should be chronological)',
    );
    expect(at, result.stdout).toBeGreaterThan(0);
    const firstLines = Array.from({ length: 20 }, (_, index) => 2 * (index + 2)).join(', ');
    expect(lines[at + 1]).toBe(
      `      journal VT: 1,500 entries validated before an earlier entry; the first, n° 2, line 4, validated 2023-04-01 after line 2 validated 2023-11-30 (lines ${firstLines}, …)`,
    );
    expect(lines[at + 2]).toBe(
      '  => no error: the file meets the norm and its books balance (see alerts above, if any).',
    );
  });

  it('lists the lines of validation dates out of order in file order in --json, the text still per journal', async () => {
    const folder = path.join(dir, 'valid-date-order-interleaved');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, '123456782FEC20231231.txt');
    writeFileSync(file, interleavedValidDateOrderFec());
    const json = await cli(['fec', 'validate', '--json', file]);
    expect(json.code, describeResult(json)).toBe(0);
    const order = parseJsonStdout<FecValidateJson>(json).reports[0]?.findings.find(
      (finding) => finding.code === 'VALID_DATE_ORDER',
    );
    // Journal by journal, 6, 10, 8, 12.
    expect(order?.lines).toEqual(INTERLEAVED_VALID_DATE_ORDER_LINES);
    const text = await cli(['fec', 'validate', file]);
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stdout).toContain(
      '      journal AC: 2 entries validated before an earlier entry; the first, n° 2, line 6, validated 2023-04-01 after line 2 validated 2023-11-30 (lines 6, 10)\n' +
        '      journal VT: 2 entries validated before an earlier entry; the first, n° 2, line 8, validated 2023-04-02 after line 4 validated 2023-12-01 (lines 8, 12)\n',
    );
  });

  it('ends a check of several FECs with one line: how many meet the norm, which have errors, how many were unreadable', async () => {
    const absent = path.join(dir, 'absent-too.txt');
    const result = await cli([
      'fec',
      'validate',
      shared('lasocietenouvelle_sample_tab.txt'),
      shared('adams43360_fec_sale.txt'),
      absent,
    ]);
    expect(result.code, describeResult(result)).toBe(4);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      '3 FEC checked: 1 meet the norm, 1 with errors (adams43360_fec_sale.txt), 1 could not be read',
    );
    // One FEC: its own verdict is the last line, as before.
    const one = await cli(['fec', 'validate', shared('lasocietenouvelle_sample_tab.txt')]);
    expect(one.stdout).not.toContain('FEC checked');
  });

  it('exits 4 on a file that cannot be read, still checking the others', async () => {
    const absent = path.join(dir, 'absent.txt');
    const result = await cli([
      'fec',
      'validate',
      '--json',
      absent,
      shared('lasocietenouvelle_sample_tab.txt'),
    ]);
    expect(result.code, describeResult(result)).toBe(4);
    expect(result.stderr).toContain('absent.txt: the file does not exist');
    const json = parseJsonStdout<FecValidateJson>(result);
    expect(json.unreadable).toEqual([
      { files: [absent], message: expect.stringContaining('does not exist') as unknown },
    ]);
    expect(json.reports).toHaveLength(1);
  });
});
