import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fecGroups, validateFecGroup } from '../../../../src/connectors/files/validate-fec-files.js';
import { FEC_STANDARD_COLUMNS } from '../../../../src/domains/accounting/fec-columns.js';
import {
  createFecValidator,
  type FecValidationReport,
} from '../../../../src/domains/accounting/fec/fec-validator.js';
import { sharedFecDir } from '../../../connectors/files/file-fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'cutover-fec-validator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validate = async (...files: string[]): Promise<FecValidationReport> => {
  const [group, ...others] = fecGroups(files);
  expect(others).toEqual([]);
  return validateFecGroup(group!);
};
const sample = (name: string) => validate(path.join(sharedFecDir, name));

type Line = Partial<
  Record<(typeof FEC_STANDARD_COLUMNS)[number] | 'DateRglt' | 'ModeRglt' | 'NatOp' | 'IdClient', string>
>;
/** A clean line of a sales entry; each test changes what it checks. */
const line = (values: Line): Line => ({
  JournalCode: 'VTE',
  JournalLib: 'Ventes',
  EcritureNum: '1',
  EcritureDate: '20230315',
  CompteNum: '411000',
  CompteLib: 'Clients',
  CompAuxNum: '',
  CompAuxLib: '',
  PieceRef: 'F1',
  PieceDate: '20230315',
  EcritureLib: 'Facture',
  Debit: '0,00',
  Credit: '0,00',
  EcritureLet: '',
  DateLet: '',
  ValidDate: '20230320',
  Montantdevise: '',
  Idevise: '',
  ...values,
});
/** A balanced two-line entry. */
const entry = (num: number, amount: string, values: Line = {}): Line[] => [
  line({ EcritureNum: String(num), Debit: amount, ...values }),
  line({
    EcritureNum: String(num),
    CompteNum: '706000',
    CompteLib: 'Prestations',
    Credit: amount,
    ...values,
  }),
];
const write = (
  name: string,
  lines: Line[],
  options: { columns?: string[]; ending?: string; separator?: string } = {},
) => {
  const columns = options.columns ?? [...FEC_STANDARD_COLUMNS];
  const separator = options.separator ?? '\t';
  const ending = options.ending ?? '\n';
  const text =
    [
      columns.join(separator),
      ...lines.map((values) => columns.map((column) => values[column as keyof Line] ?? '').join(separator)),
    ].join(ending) + ending;
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const SIREN = '443061841';
const fecName = (suffix = '') => `${SIREN}FEC20231231${suffix}.txt`;
const codes = (report: FecValidationReport) => report.findings.map((finding) => finding.code);
const findingOf = (report: FecValidationReport, code: string, field?: string) => {
  const found = report.findings.find(
    (finding) => finding.code === code && (field === undefined || finding.field === field),
  );
  expect(found, `${code} in ${JSON.stringify(codes(report))}`).toBeDefined();
  return found!;
};

describe('FEC validation of the shared samples', () => {
  it('0000000001FEC20220831.txt: 2,033 balanced entries, 10,186,219.81 on each side, numbering per journal', async () => {
    const report = await sample('0000000001FEC20220831.txt');
    expect(report.summary).toMatchObject({
      lines: 5422,
      entries: 2033,
      balancedEntries: 2033,
      unbalancedEntries: 0,
      totalDebit: '10186219.81',
      totalCredit: '10186219.81',
      balanced: true,
      entryKey: 'JournalCode+EcritureNum',
      numbering: { mode: 'per-journal', continuous: true, missingNumbers: 0 },
      journals: 9,
    });
    expect(report.valid).toBe(true);
    expect(findingOf(report, 'SIREN_NOT_9_DIGITS').items?.[0]?.detail).toBe('0000000001');
    expect(findingOf(report, 'LETTERING_NOT_NETTING')).toMatchObject({ severity: 'alert', count: 87 });
    expect(codes(report)).not.toContain('OPENING_NOT_FIRST');
  });

  it('111111111FEC20221231.TXT: pipe with trailing separator, 248 balanced entries, 225,682.23, legacy lines, dates after closing', async () => {
    const report = await sample('111111111FEC20221231.TXT');
    expect(report.summary).toMatchObject({
      lines: 934,
      entries: 248,
      balancedEntries: 248,
      totalDebit: '225682.23',
      totalCredit: '225682.23',
      layout: { separator: '|', trailingSeparator: true, columns: 18, amounts: 'debit-credit' },
      encoding: { bom: false, fallbackLines: 6, fallbackEncodings: ['windows-1252'] },
      numbering: { mode: 'per-file', continuous: true },
      dates: { first: '2023-01-01', last: '2023-07-31', closing: '2022-12-31' },
    });
    expect(findingOf(report, 'ENCODING_FALLBACK').lines).toEqual([779, 780, 781, 807, 808, 809]);
    expect(findingOf(report, 'DATE_AFTER_CLOSING')).toMatchObject({ severity: 'error', count: 934 });
    expect(findingOf(report, 'DATE_AFTER_CLOSING').lines).toHaveLength(20);
    expect(findingOf(report, 'SIREN_CHECK_DIGIT').severity).toBe('alert');
    // The à-nouveaux journal AN sits in the middle of the file.
    expect(findingOf(report, 'OPENING_NOT_FIRST')).toMatchObject({ count: 29 });
    expect(findingOf(report, 'OPENING_NOT_FIRST').lines[0]).toBe(730);
    expect(report.valid).toBe(false);
  });

  it('lasocietenouvelle_sample_pipe_montant_sens.txt: Montant + Sens read into balanced debits and credits', async () => {
    const report = await sample('lasocietenouvelle_sample_pipe_montant_sens.txt');
    expect(report.summary).toMatchObject({
      lines: 4,
      entries: 2,
      balancedEntries: 2,
      totalDebit: '3300.00',
      totalCredit: '3300.00',
      layout: { amounts: 'montant-sens', separator: '|' },
    });
    expect(report.valid).toBe(true);
    expect(codes(report)).toEqual(['FILE_NAME_NOT_STANDARD']);
  });

  it('adams43360_fec_sale.txt: its bad date, N/A amount, non-numeric account and three unbalanced entries, with their lines', async () => {
    const report = await sample('adams43360_fec_sale.txt');
    expect(findingOf(report, 'DATE_INVALID', 'EcritureDate')).toMatchObject({
      severity: 'error',
      count: 1,
      lines: [2],
    });
    expect(findingOf(report, 'AMOUNT_NOT_NUMERIC', 'Debit')).toMatchObject({
      severity: 'error',
      count: 1,
      lines: [3],
    });
    expect(findingOf(report, 'ACCOUNT_NOT_THREE_DIGITS')).toMatchObject({ count: 1, lines: [5] });
    const unbalanced = findingOf(report, 'ENTRY_UNBALANCED');
    expect(unbalanced.count).toBe(3);
    expect(unbalanced.items).toEqual([
      {
        detail: 'JournalCode ACH, EcritureNum 1: debit - credit = -1000.00 (an amount could not be read)',
        lines: [2, 3, 4],
      },
      { detail: 'JournalCode VTE, EcritureNum 5: debit - credit = 500.00', lines: [10, 11, 12] },
      {
        detail: 'JournalCode ACH, EcritureNum 6: debit - credit = 240.00 (an amount could not be read)',
        lines: [13, 14, 15],
      },
    ]);
    expect(report.summary).toMatchObject({
      entries: 12,
      balancedEntries: 9,
      unbalancedEntries: 3,
      balanced: false,
    });
    expect(findingOf(report, 'AMOUNT_EMPTY', 'Credit').lines).toEqual([13]);
    expect(findingOf(report, 'DEBIT_AND_CREDIT').lines).toEqual([23]);
    expect(findingOf(report, 'MANDATORY_FIELD_EMPTY', 'EcritureLib').lines).toEqual([12]);
    expect(findingOf(report, 'NUMBERING_GAP').items?.[0]?.detail).toBe('the file: 1 number missing: 4');
    expect(findingOf(report, 'CURRENCY_AMOUNT_WITHOUT_CODE').lines).toEqual([28]);
    expect(findingOf(report, 'TOTALS_UNBALANCED').severity).toBe('error');
    // The invalid date does not also make entry 1's dates "differ".
    expect(codes(report)).not.toContain('ENTRY_DATES_DIFFER');
  });

  it('adams43360_fec_propre.txt: every dot decimal reported (and read), empty ValidDate reported as missing data', async () => {
    const report = await sample('adams43360_fec_propre.txt');
    expect(findingOf(report, 'AMOUNT_DOT_DECIMAL', 'Debit')).toMatchObject({ severity: 'error', count: 25 });
    expect(findingOf(report, 'AMOUNT_DOT_DECIMAL', 'Credit').count).toBe(25);
    expect(findingOf(report, 'EXPECTED_FIELD_EMPTY', 'ValidDate')).toMatchObject({
      severity: 'missing-data',
      count: 25,
    });
    expect(report.summary).toMatchObject({
      balancedEntries: 10,
      totalDebit: '21565.00',
      totalCredit: '21565.00',
    });
  });
});

describe('FEC validation of synthetic files', () => {
  it('reports an empty file as an error, with nothing to count', async () => {
    const file = path.join(dir, fecName());
    writeFileSync(file, '');
    const report = await validate(file);
    expect(codes(report)).toEqual(['FILE_EMPTY']);
    expect(report.summary).toMatchObject({ lines: 0, entries: 0, totalDebit: '0.00', balanced: true });
    expect(report.valid).toBe(false);
  });

  it('reports a file that is no FEC by its missing columns, and counts its lines without checking them', async () => {
    const file = path.join(dir, 'contacts.csv');
    writeFileSync(file, 'id,name\n1,x\n2,y\n');
    const report = await validate(file);
    expect(report.valid).toBe(false);
    const missing = report.findings
      .filter((finding) => finding.code === 'HEADER_MISSING_COLUMN')
      .map((finding) => finding.field);
    expect(missing.toSorted()).toEqual([...FEC_STANDARD_COLUMNS].sort());
    expect(findingOf(report, 'HEADER_UNKNOWN_COLUMN', 'id,name').lines).toEqual([1]);
    // Nothing is said of lines whose amounts cannot be read: no zero-amount line, no missing numbering.
    expect(new Set(codes(report))).toEqual(
      new Set(['HEADER_MISSING_COLUMN', 'HEADER_UNKNOWN_COLUMN', 'FILE_NAME_NOT_STANDARD']),
    );
    expect(report.summary).toMatchObject({ lines: 2, linesChecked: false, entries: 0 });
  });

  it('reports a header without Credit (or without Sens) and does not read its lines', async () => {
    const lines = [...entry(1, '10,00'), ...entry(2, '5,50')];
    const noCredit = await validate(
      write(fecName(), lines, { columns: FEC_STANDARD_COLUMNS.filter((name) => name !== 'Credit') }),
    );
    expect(noCredit.valid).toBe(false);
    expect(codes(noCredit)).toEqual(['HEADER_MISSING_COLUMN']);
    expect(findingOf(noCredit, 'HEADER_MISSING_COLUMN', 'Credit').lines).toEqual([1]);
    expect(noCredit.summary).toMatchObject({ lines: 4, linesChecked: false, entries: 0 });

    const montantOnly = FEC_STANDARD_COLUMNS.flatMap((name) =>
      name === 'Debit' ? ['Montant'] : name === 'Credit' ? [] : [name],
    );
    const noSens = await validate(
      write(fecName(), [line({ Montant: '1,00' } as Line)], { columns: montantOnly }),
    );
    expect(codes(noSens)).toEqual(['HEADER_MISSING_COLUMN']);
    expect(findingOf(noSens, 'HEADER_MISSING_COLUMN', 'Sens').lines).toEqual([1]);
    expect(noSens.summary).toMatchObject({ linesChecked: false, layout: { amounts: 'montant-sens' } });
  });

  it('reads a UTF-16 file by its byte-order mark and reports it as an error: the norm wants ASCII, ISO-8859-15 or UTF-8', async () => {
    const utf8 = write(fecName(), [...entry(1, '10,00', { EcritureLib: 'Thé' }), ...entry(2, '5,50')], {
      ending: '\r\n',
    });
    const text = readFileSync(utf8, 'utf8');
    writeFileSync(utf8, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const report = await validate(utf8);
    expect(report.valid).toBe(false);
    expect(codes(report)).toEqual(['ENCODING_UTF16']);
    expect(findingOf(report, 'ENCODING_UTF16').severity).toBe('error');
    expect(report.summary).toMatchObject({
      lines: 4,
      entries: 2,
      balancedEntries: 2,
      totalDebit: '15.50',
      encoding: { name: 'utf-16le', bom: true, fallbackLines: 0 },
    });
  });

  it('reads CR CR LF line endings as single line breaks', async () => {
    const report = await validate(
      write(fecName(), [...entry(1, '10,00'), ...entry(2, '5,50')], { ending: '\r\r\n' }),
    );
    expect(report.summary).toMatchObject({ lines: 4, entries: 2, balancedEntries: 2, totalDebit: '15.50' });
    expect(report.findings).toEqual([]);
  });

  it('validates split files as one FEC in part order and reports a missing part and a different header', async () => {
    const sub = path.join(dir, 'split');
    mkdirSync(sub, { recursive: true });
    const part2 = write(path.join('split', fecName('_2')), [...entry(2, '7,00')]);
    const part1 = write(path.join('split', fecName('_1')), [...entry(1, '3,00')]);
    const whole = await validate(part2, part1);
    expect(whole.files.map((file) => path.basename(file))).toEqual([fecName('_1'), fecName('_2')]);
    expect(whole.summary).toMatchObject({
      lines: 4,
      entries: 2,
      totalDebit: '10.00',
      numbering: { mode: 'per-file', continuous: true },
    });
    expect(whole.findings).toEqual([]);

    const part4 = write(path.join('split', fecName('_4')), entry(4, '1,00'), {
      columns: FEC_STANDARD_COLUMNS.map((name) => name.toLowerCase()).concat('Extra'),
    });
    const gapped = await validate(part1, part2, part4);
    expect(findingOf(gapped, 'SPLIT_PART_MISSING').items?.[0]?.detail).toBe('part _3');
    expect(findingOf(gapped, 'SPLIT_HEADER_MISMATCH')).toMatchObject({ file: part4, lines: [1] });
  });

  it('recognises the 21- and 22-column BA/BNC layouts and checks their settlement date', async () => {
    const columns21 = [...FEC_STANDARD_COLUMNS, 'DateRglt', 'ModeRglt', 'NatOp'];
    const report21 = await validate(
      write(fecName(), entry(1, '10,00', { DateRglt: '20230230', ModeRglt: 'CB', NatOp: 'Vente' }), {
        columns: columns21,
      }),
    );
    expect(report21.summary.layout).toMatchObject({ columns: 21, variant: 'ba-bnc' });
    expect(findingOf(report21, 'DATE_INVALID', 'DateRglt').lines).toEqual([2, 3]);
    const report22 = await validate(
      write(
        fecName(),
        entry(1, '10,00', { DateRglt: '20230316', ModeRglt: 'CB', NatOp: 'Vente', IdClient: 'C1' }),
        { columns: [...columns21, 'IdClient'] },
      ),
    );
    expect(report22.summary.layout).toMatchObject({ columns: 22, variant: 'ba-bnc-idclient' });
    expect(report22.findings).toEqual([]);
  });

  it('refuses an amount with a thousands separator and counts it as 0, so its entry is unbalanced', async () => {
    const lines = entry(1, '1234,00');
    lines[0] = { ...lines[0], Debit: '1 234,00' };
    const report = await validate(write(fecName(), lines));
    expect(findingOf(report, 'AMOUNT_THOUSANDS_SEPARATOR', 'Debit').lines).toEqual([2]);
    expect(findingOf(report, 'ENTRY_UNBALANCED').items?.[0]?.detail).toContain(
      '(an amount could not be read)',
    );
  });

  it('falls back to PieceRef + EcritureDate + JournalCode when EcritureNum is 0 everywhere, and says so', async () => {
    const lines = [
      ...entry(0, '10,00', { PieceRef: 'F1' }),
      ...entry(0, '20,00', { PieceRef: 'F2' }),
      ...entry(0, '30,00', { PieceRef: 'F2', EcritureDate: '20230316' }),
    ];
    const report = await validate(write(fecName(), lines));
    expect(report.summary).toMatchObject({
      entryKey: 'JournalCode+PieceRef+EcritureDate',
      entries: 3,
      balancedEntries: 3,
      numbering: { mode: 'missing' },
    });
    expect(findingOf(report, 'NUMBERING_MISSING').severity).toBe('alert');
  });

  it('keeps JournalCode + EcritureNum for numbers without digits: they number entries, though not in a checkable sequence', async () => {
    const lines = [...entry(1, '10,00', { EcritureNum: 'A' }), ...entry(2, '20,00', { EcritureNum: 'B' })];
    const report = await validate(write(fecName(), lines));
    expect(report.summary).toMatchObject({
      entryKey: 'JournalCode+EcritureNum',
      entries: 2,
      numbering: { mode: 'per-file', entriesWithoutNumber: 2 },
    });
    expect(codes(report)).not.toContain('NUMBERING_MISSING');
  });

  it('reports a lettering group that does not net to zero as an alert, and not one that does', async () => {
    const lines = [
      ...entry(1, '100,00', {}).map((values, index) =>
        index === 0
          ? { ...values, CompAuxNum: 'C1', CompAuxLib: 'Client 1', EcritureLet: 'AA', DateLet: '20230401' }
          : values,
      ),
      ...entry(2, '100,00').map((values, index) =>
        index === 0
          ? { ...values, CompteNum: '512000', CompteLib: 'Banque' }
          : {
              ...values,
              CompteNum: '411000',
              CompteLib: 'Clients',
              CompAuxNum: 'C1',
              CompAuxLib: 'Client 1',
              EcritureLet: 'AA',
              DateLet: '20230401',
            },
      ),
      ...entry(3, '40,00').map((values, index) =>
        index === 0
          ? { ...values, CompAuxNum: 'C2', CompAuxLib: 'Client 2', EcritureLet: 'AB', DateLet: '20230401' }
          : values,
      ),
    ];
    const report = await validate(write(fecName(), lines));
    const lettering = findingOf(report, 'LETTERING_NOT_NETTING');
    expect(lettering).toMatchObject({ severity: 'alert', count: 1, lines: [6] });
    expect(lettering.items?.[0]?.detail).toBe(
      'CompteNum 411000 / CompAuxNum C2, EcritureLet AB: 1 line, net 40.00',
    );
    expect(report.valid).toBe(true);
  });

  it('reports a currency amount without its code, and a code without an amount', async () => {
    const lines = [
      ...entry(1, '10,00', { Montantdevise: '11,00' }),
      ...entry(2, '10,00', { Idevise: 'USD' }),
      ...entry(3, '10,00', { Montantdevise: '11,00', Idevise: 'USD' }),
    ];
    const report = await validate(write(fecName(), lines));
    expect(findingOf(report, 'CURRENCY_AMOUNT_WITHOUT_CODE').lines).toEqual([2, 3]);
    expect(findingOf(report, 'CURRENCY_CODE_WITHOUT_AMOUNT').lines).toEqual([4, 5]);
  });

  it('reports validation dates that go back in time along the numbering', async () => {
    const lines = [
      ...entry(1, '1,00', { ValidDate: '20230401' }),
      ...entry(3, '1,00', { ValidDate: '20230402' }),
      ...entry(2, '1,00', { ValidDate: '20230410' }),
    ];
    const report = await validate(write(fecName(), lines));
    // In numbering order: n° 1 (1 April), n° 2 (10 April), n° 3 (2 April): n° 3 was validated before n° 2.
    const order = findingOf(report, 'VALID_DATE_ORDER');
    expect(order).toMatchObject({ count: 1, lines: [4] });
    expect(order.items).toEqual([
      {
        detail:
          'journal VTE: 1 entry validated before an earlier entry; the first, n° 3, line 4, validated 2023-04-02 after line 6 validated 2023-04-10',
        lines: [4],
        count: 1,
      },
    ]);
  });

  it('groups validation dates out of order by journal: how many, the first, and their first lines', async () => {
    // Along the numbering: AC n° 1 validated on 30 November, n° 2 to 41 on 1 April (40 out of order); VT n° 42 to 44
    // on 1 December, n° 45 on 2 April (1 out of order). Entry n° k starts at line 2k.
    const ac = { JournalCode: 'AC', JournalLib: 'Achats' };
    const lines = [
      ...entry(1, '1,00', { ...ac, ValidDate: '20231130' }),
      ...Array.from({ length: 40 }, (_, at) =>
        entry(at + 2, '1,00', { ...ac, ValidDate: '20230401' }),
      ).flat(),
      ...[42, 43, 44].flatMap((num) => entry(num, '1,00', { JournalCode: 'VT', ValidDate: '20231201' })),
      ...entry(45, '1,00', { JournalCode: 'VT', ValidDate: '20230402' }),
    ];
    const order = findingOf(await validate(write(fecName(), lines)), 'VALID_DATE_ORDER');
    const firstTwenty = Array.from({ length: 20 }, (_, at) => 2 * (at + 2));
    expect(order).toMatchObject({ count: 41, lines: firstTwenty });
    expect(order.items).toEqual([
      {
        detail:
          'journal AC: 40 entries validated before an earlier entry; the first, n° 2, line 4, validated 2023-04-01 after line 2 validated 2023-11-30',
        lines: firstTwenty,
        count: 40,
      },
      {
        detail:
          'journal VT: 1 entry validated before an earlier entry; the first, n° 45, line 90, validated 2023-04-02 after line 88 validated 2023-12-01',
        lines: [90],
        count: 1,
      },
    ]);
  });

  it('lists the lines of validation dates out of order in file order, two journals interleaved: the first 20 of the file', async () => {
    // Numbering per journal: AC n° 1 validated on 30 November (line 2), VT n° 1 on 1 December (line 4), then AC n° k
    // (line 4k - 2) and VT n° k (line 4k) alternate, k = 2 to 13, all validated in April: 24 entries out of order.
    const ac = { JournalCode: 'AC', JournalLib: 'Achats' };
    const vt = { JournalCode: 'VT', JournalLib: 'Ventes' };
    const lines = [
      ...entry(1, '1,00', { ...ac, ValidDate: '20231130' }),
      ...entry(1, '1,00', { ...vt, ValidDate: '20231201' }),
      ...Array.from({ length: 12 }, (_, at) => [
        ...entry(at + 2, '1,00', { ...ac, ValidDate: '20230401' }),
        ...entry(at + 2, '1,00', { ...vt, ValidDate: '20230402' }),
      ]).flat(),
    ];
    const order = findingOf(await validate(write(fecName(), lines)), 'VALID_DATE_ORDER');
    // Journal by journal, the list read 6, 10, … 50 (AC), then 8, 12, … 36 (VT).
    expect(order).toMatchObject({ count: 24, lines: Array.from({ length: 20 }, (_, at) => 6 + 2 * at) });
    // The text still says it per journal, each with its own lines.
    expect(order.items?.map((item) => [item.detail.split(':')[0], item.count, item.lines])).toEqual([
      ['journal AC', 12, Array.from({ length: 12 }, (_, at) => 4 * (at + 2) - 2)],
      ['journal VT', 12, Array.from({ length: 12 }, (_, at) => 4 * (at + 2))],
    ]);
  });

  it('lists the first 20 lines of the file of validation dates out of order, when the numbering runs against the file', async () => {
    // One journal numbered against the file: n° 1 validated on 30 November (line 2), then n° 25 down to n° 2 (lines 4
    // to 50) validated in April. Along the numbering they are met from line 50 back to line 4.
    const lines = [
      ...entry(1, '1,00', { ValidDate: '20231130' }),
      ...Array.from({ length: 24 }, (_, at) => entry(25 - at, '1,00', { ValidDate: '20230401' })).flat(),
    ];
    const order = findingOf(await validate(write(fecName(), lines)), 'VALID_DATE_ORDER');
    const firstTwenty = Array.from({ length: 20 }, (_, at) => 4 + 2 * at);
    // Kept in the order met, the lists were lines 50 down to 12.
    expect(order).toMatchObject({ count: 24, lines: firstTwenty });
    expect(order.items?.[0]).toMatchObject({ count: 24, lines: firstTwenty });
  });

  it('lists the lines of numbering gaps in file order, each gap keeping its own', async () => {
    // Gaps in two journals, AC's met first along the numbering but later in the file: AC n° 3 at line 8, VT n° 3 at
    // line 6.
    const gaps = await validate(
      write(fecName(), [
        ...entry(1, '1,00', { JournalCode: 'AC', JournalLib: 'Achats' }),
        ...entry(1, '1,00', { JournalCode: 'VT' }),
        ...entry(3, '1,00', { JournalCode: 'VT' }),
        ...entry(3, '1,00', { JournalCode: 'AC', JournalLib: 'Achats' }),
      ]),
    );
    const gap = findingOf(gaps, 'NUMBERING_GAP');
    expect(gap.lines).toEqual([6, 8]);
    // Each gap keeps its own line, beside the numbers it says missing.
    expect(gap.items?.map((item) => [item.detail, item.lines])).toEqual([
      ['journal AC: 1 number missing: 2', [8]],
      ['journal VT: 1 number missing: 2', [6]],
    ]);
  });

  it('lists the first 20 lines of the file of numbering gaps, when the numbering runs against the file and has more than 20 gaps', async () => {
    // N° 1 at line 2, then n° 49, 47 … 3 (lines 4 to 50): a gap before each odd number from 3, 24 in all. Along the
    // numbering the first 20 gaps are those before n° 3 to 41, the last lines of the file (12 to 50).
    const lines = [
      ...entry(1, '1,00'),
      ...Array.from({ length: 24 }, (_, at) => entry(49 - 2 * at, '1,00')).flat(),
    ];
    const gap = findingOf(await validate(write(fecName(), lines)), 'NUMBERING_GAP');
    expect(gap.lines).toEqual(Array.from({ length: 20 }, (_, at) => 4 + 2 * at));
    // The detail still lists the first gaps along the numbering, with their lines.
    expect(gap.items?.[0]?.detail).toMatch(/^the file: 24 numbers missing: 2, 4, 6, .*, 40, …$/);
    expect(gap.items?.[0]?.lines).toEqual(Array.from({ length: 20 }, (_, at) => 50 - 2 * at));
  });

  it('lists the lines of unbalanced entries in file order when an entry is scattered', async () => {
    // Entry n° 1 has lines 2 and 4, entry n° 2 line 3; both unbalanced. Entry by entry, the list read 2, 4, 3.
    const unbalanced = await validate(
      write(fecName(), [
        line({ EcritureNum: '1', Debit: '1,00' }),
        line({ EcritureNum: '2', Debit: '5,00' }),
        line({ EcritureNum: '1', CompteNum: '706000', Credit: '2,00' }),
      ]),
    );
    const entries = findingOf(unbalanced, 'ENTRY_UNBALANCED');
    expect(entries.lines).toEqual([2, 3, 4]);
    expect(entries.items?.map((item) => item.lines)).toEqual([[2, 4], [3]]);
  });

  it('reports opening entries (à-nouveaux) that come after other entries', async () => {
    const lines = [
      ...entry(1, '1,00'),
      ...entry(1, '5,00', { JournalCode: 'ANO', JournalLib: 'A nouveaux', EcritureDate: '20230101' }),
    ];
    const report = await validate(write(fecName(), lines));
    expect(findingOf(report, 'OPENING_NOT_FIRST')).toMatchObject({ lines: [4, 5] });
    const first = await validate(write(fecName(), [...lines.slice(2), ...lines.slice(0, 2)]));
    expect(codes(first)).not.toContain('OPENING_NOT_FIRST');
  });

  it('reports a SIREN that fails the Luhn check and accepts a valid one', async () => {
    const bad = await validate(write('443061842FEC20231231.txt', entry(1, '1,00')));
    expect(findingOf(bad, 'SIREN_CHECK_DIGIT').items?.[0]?.detail).toBe('443061842');
    const good = await validate(write(fecName(), entry(1, '1,00')));
    expect(good.findings).toEqual([]);
  });

  it('reports an invalid date on every line that has it, also when the lines follow each other', async () => {
    const report = await validate(
      write(
        fecName(),
        entry(1, '1,00', { EcritureDate: '20230231', PieceDate: '20230231', ValidDate: '2023-03-01' }),
      ),
    );
    expect(findingOf(report, 'DATE_INVALID', 'EcritureDate').lines).toEqual([2, 3]);
    expect(findingOf(report, 'DATE_INVALID', 'PieceDate').lines).toEqual([2, 3]);
    expect(findingOf(report, 'DATE_INVALID', 'ValidDate').lines).toEqual([2, 3]);
  });

  it('reports entry dates outside the fiscal year of the file name', async () => {
    const lines = [
      ...entry(1, '1,00', { EcritureDate: '20240102' }),
      ...entry(2, '1,00', { EcritureDate: '20211231' }),
      ...entry(3, '1,00', { EcritureDate: '20220201' }),
    ];
    const report = await validate(write(fecName(), lines));
    expect(findingOf(report, 'DATE_AFTER_CLOSING').lines).toEqual([2, 3]);
    // 23 months before 31 December 2023: the year cannot start before 1 February 2022.
    expect(findingOf(report, 'DATE_BEFORE_FISCAL_YEAR').lines).toEqual([4, 5]);
    expect(report.summary.dates.earliestStart).toBe('2022-02-01');
  });

  it('detects numbering per journal, its gaps, and a number used again later in the same journal', async () => {
    const perJournal = await validate(
      write(fecName(), [
        ...entry(1, '1,00'),
        ...entry(1, '1,00', { JournalCode: 'ACH', JournalLib: 'Achats' }),
        ...entry(2, '1,00'),
        ...entry(4, '1,00'),
      ]),
    );
    expect(perJournal.summary.numbering).toMatchObject({
      mode: 'per-journal',
      continuous: false,
      missingNumbers: 1,
    });
    expect(findingOf(perJournal, 'NUMBERING_GAP').items?.[0]?.detail).toBe(
      'journal VTE: 1 number missing: 3',
    );
    const restarting = await validate(
      write(fecName(), [
        ...entry(1, '1,00'),
        ...entry(2, '1,00'),
        ...entry(1, '2,00', { EcritureDate: '20230415' }),
      ]),
    );
    expect(restarting.summary.numbering.mode).toBe('restarting');
    expect(findingOf(restarting, 'NUMBERING_RESTARTS').lines).toEqual([2, 3, 6, 7]);
  });

  it('reads Montant + Sens with +1/-1 and reports an unknown Sens', async () => {
    const columns = FEC_STANDARD_COLUMNS.flatMap((name) =>
      name === 'Debit' ? ['Montant', 'Sens'] : name === 'Credit' ? [] : [name],
    );
    const lines = [
      line({ Montant: '12,00', Sens: '+1' } as Line),
      line({ CompteNum: '706000', Montant: '12,00', Sens: '-1' } as Line),
      line({ EcritureNum: '2', Montant: '1,00', Sens: 'X' } as Line),
    ];
    const report = await validate(write(fecName(), lines, { columns }));
    expect(report.summary).toMatchObject({
      totalDebit: '12.00',
      totalCredit: '12.00',
      layout: { amounts: 'montant-sens' },
    });
    expect(findingOf(report, 'SENS_INVALID').lines).toEqual([4]);
  });

  it('adds amounts with more than two decimals exactly', async () => {
    const lines = [
      line({ Debit: '0,105' }),
      line({ CompteNum: '706000', Credit: '0,1' }),
      line({ CompteNum: '706100', Credit: '0,005' }),
    ];
    const report = await validate(write(fecName(), lines));
    expect(report.summary).toMatchObject({
      totalDebit: '0.105',
      totalCredit: '0.105',
      balanced: true,
      balancedEntries: 1,
    });
    expect(findingOf(report, 'AMOUNT_SUBCENT', 'Debit').lines).toEqual([2]);
    expect(findingOf(report, 'AMOUNT_SUBCENT', 'Credit').lines).toEqual([4]);
  });

  it('checks the field count, the three-digit account and mandatory fields, listing at most maxLines lines but counting all', () => {
    const validator = createFecValidator({ maxLines: 2 });
    validator.header([...FEC_STANDARD_COLUMNS], 'x.txt', 1);
    const values = (overrides: Line) => FEC_STANDARD_COLUMNS.map((name) => line(overrides)[name] ?? '');
    validator.line(['VTE', 'too short'], 'x.txt', 2);
    for (let at = 3; at < 8; at += 1)
      validator.line(values({ CompteNum: 'C411', CompteLib: ' ' }), 'x.txt', at);
    // One value too many with an empty last one (a label holding the separator): a wrong count, no trailing
    // separator (the reader takes those off where the header has one).
    validator.line([...values({}), ''], 'x.txt', 8);
    const report = validator.finish();
    expect(report.findings.find((item) => item.code === 'FIELD_COUNT')).toMatchObject({
      count: 2,
      lines: [2, 8],
    });
    expect(report.findings.find((item) => item.code === 'ACCOUNT_NOT_THREE_DIGITS')).toMatchObject({
      count: 5,
      lines: [3, 4],
    });
    expect(report.findings.find((item) => item.code === 'MANDATORY_FIELD_EMPTY')).toMatchObject({
      field: 'CompteLib',
      count: 5,
    });
  });
});
