import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEC_DERIVED_FIELDS } from '../../../src/connectors/files/fec-line-enricher.js';
import { FEC_COLUMNS, fecSource, type FecSourceSpec } from '../../../src/connectors/files/fec-source.js';
import { CutoverError, ErrorCode } from '../../../src/core/errors.js';
import { RejectReason } from '../../../src/core/reject-reasons.js';
import {
  ibm850,
  iso885915,
  latin1,
  makeTempDir,
  readAll,
  sharedFecDir,
  summary,
  writeFixture,
} from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

const spec = (
  encoding: FecSourceSpec['encoding'] = 'auto',
  accounts?: FecSourceSpec['accounts'],
): FecSourceSpec => ({
  type: 'fec',
  path: 'unused',
  encoding,
  ...(accounts === undefined ? {} : { accounts }),
});

const readShared = async (name: string) => {
  const source = fecSource(
    spec(),
    { path: path.join(sharedFecDir, name), relative: `fec/${name}` },
    sharedFecDir,
  );
  const { records } = await readAll(source);
  return { records, notices: source.notices?.() ?? [] };
};

const readTemp = async (
  name: string,
  content: string | Buffer,
  encoding: FecSourceSpec['encoding'] = 'auto',
  accounts?: FecSourceSpec['accounts'],
) => {
  const source = fecSource(spec(encoding, accounts), await writeFixture(dir, name, content), dir);
  const { records } = await readAll(source);
  return { records, notices: source.notices?.() ?? [] };
};

const NORM_COLUMNS = FEC_COLUMNS.slice(0, 18);
const RECORD_FIELDS = [...NORM_COLUMNS, ...FEC_DERIVED_FIELDS];

describe('fecSource on the shared real-world samples', () => {
  it('reads every line of 0000000001FEC20220831.txt (tab, BOM) under the canonical column names, with derived fields', async () => {
    const { records, notices } = await readShared('0000000001FEC20220831.txt');
    expect(records).toHaveLength(5422);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(Object.keys(records[0]?.fields ?? {})).toEqual(RECORD_FIELDS);
    expect(records[0]).toEqual({
      fields: {
        JournalCode: 'ANO',
        JournalLib: 'A nouveaux',
        EcritureNum: '1',
        EcritureDate: '20210901',
        CompteNum: '101500',
        CompteLib: 'Capital souscrit appelé, versé',
        CompAuxNum: '',
        CompAuxLib: '',
        PieceRef: 'RAN',
        PieceDate: '20210901',
        EcritureLib: 'Report à nouveau',
        Debit: '0,00',
        Credit: '13500,00',
        EcritureLet: '',
        DateLet: '',
        ValidDate: '20220726',
        Montantdevise: '',
        Idevise: '',
        entry_key: '1',
        fiscal_year_end: '2022-08-31',
        fiscal_year_start: '2021-09-01',
        siren: '0000000001',
        account_number: '101500',
        pcg_class: '1',
        third_party_kind: '',
      },
      location: { source: 'fec/0000000001FEC20220831.txt', line: 2, record: 1 },
      raw: 'ANO\tA nouveaux\t1\t20210901\t101500\tCapital souscrit appelé, versé\t\t\tRAN\t20210901\tReport à nouveau\t0,00\t13500,00\t\t\t20220726\t\t',
    });
    expect(summary(records[5421])).toMatchObject({ line: 5423, record: 5422 });
    expect(records[5421]?.fields).toMatchObject({
      JournalCode: 'VEN',
      CompteNum: '701201',
      Credit: '52064,25',
    });
    // Journal codes are padded (`VEN   `): read without the padding, and said.
    expect(notices.map((notice) => notice.code)).toEqual(['FEC_PADDED_VALUES']);
  });

  it('reads the pipe file with a trailing separator, padded values and legacy bytes of 111111111FEC20221231.TXT', async () => {
    const { records, notices } = await readShared('111111111FEC20221231.TXT');
    expect(records).toHaveLength(934);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    // The header spells `MontantDevise`; it comes back under the norm's spelling.
    expect(Object.keys(records[0]?.fields ?? {})).toEqual(RECORD_FIELDS);
    // Fixed-width values come without their padding; the raw line keeps it.
    expect(records[0]?.fields).toMatchObject({
      JournalCode: 'VE',
      EcritureNum: '00000001',
      CompteLib: 'VENTE NECTAR DE FRAISE',
      CompAuxNum: '',
      Debit: '0000000000,00',
      Credit: '0000000069,60',
      ValidDate: '20240331',
      Montantdevise: '',
      Idevise: '',
      fiscal_year_end: '2022-12-31',
      siren: '111111111',
    });
    expect(records[0]?.raw?.startsWith('VE  |')).toBe(true);
    // Byte 0xF8 is not UTF-8: those lines are read as Windows-1252, where it is "ø".
    const line779 = records.find((record) => record.location.line === 779);
    expect(line779?.fields).toMatchObject({
      EcritureNum: '00000201',
      EcritureLib: 'CREATø MAQUETTE ETIQ',
    });
    expect(records.find((record) => record.location.line === 807)?.fields.EcritureLib).toBe(
      'SIMULATø LICHEN DE M',
    );
    expect(notices.map((notice) => [notice.code, notice.line])).toEqual([
      ...[779, 780, 781, 807, 808, 809].map((line) => ['ENCODING_FALLBACK', line]),
      // Its entries are dated 2023, its name closes 2022-12-31 (fec validate: DATE_AFTER_CLOSING on every line).
      ['FEC_DATES_OUTSIDE_FISCAL_YEAR', 2],
      ['FEC_PADDED_VALUES', 2],
    ]);
  });

  it('reads the Montant/Sens variant without a final line break, Debit and Credit from the Sens', async () => {
    const { records, notices } = await readShared('lasocietenouvelle_sample_pipe_montant_sens.txt');
    expect(
      records.map((record) => [
        record.location.line,
        record.fields.Montant,
        record.fields.Sens,
        record.fields.Debit,
        record.fields.Credit,
      ]),
    ).toEqual([
      [2, '2500,00', 'C', '0', '2500,00'],
      [3, '2500,00', 'D', '2500,00', '0'],
      [4, '800,00', 'D', '800,00', '0'],
      [5, '800,00', 'C', '0', '800,00'],
    ]);
    expect(notices.map((notice) => notice.code)).toContain('FEC_MONTANT_SENS');
    expect(notices.map((notice) => notice.code)).toContain('FEC_NAME_WITHOUT_DATE');
    expect(Object.keys(records[0]?.fields ?? {})).toContain('Montant');
    expect(records[3]?.raw).toBe(
      'ACH|Achats|AC0002|20240620|401000|Fournisseur Martin|||FA00004|20240615|Matières premières|800,00|C|||20240620||',
    );
  });

  it('reads each shared sample whole: one record per data line, none rejected (values are checked later)', async () => {
    const names = readdirSync(sharedFecDir).sort();
    expect(names).toHaveLength(6);
    for (const name of names) {
      const lines = readFileSync(path.join(sharedFecDir, name), 'latin1')
        .split('\n')
        .filter((line) => line !== '');
      const { records } = await readShared(name);
      expect({ name, count: records.length }).toEqual({ name, count: lines.length - 1 });
      expect({ name, problems: records.filter((record) => record.problem !== undefined).length }).toEqual({
        name,
        problems: 0,
      });
    }
    const dirty = await readShared('adams43360_fec_sale.txt');
    expect(dirty.records[0]?.fields.EcritureDate).toBe('03/01/2024');
  });
});

describe('fecSource on written files', () => {
  const header = NORM_COLUMNS.join('\t');
  const line = (journal: string, label: string) =>
    [
      journal,
      'Achats',
      '1',
      '20240103',
      '401100',
      'Fournisseurs',
      '',
      '',
      'FA-1',
      '20240103',
      label,
      '0,00',
      '12,00',
      '',
      '',
      '',
      '',
      '',
    ].join('\t');

  it('says how many lines are dated outside the fiscal year its name closes, after it and before its earliest start', async () => {
    // Closing 2024-12-31: a year of at most 23 months starts no earlier than 2023-02-01 (fec validate's rule).
    const dated = (date: string) => line('ACH', 'x').replaceAll('20240103', date);
    const text = [header, dated('20240103'), dated('20230131'), dated('20230131'), dated('20250101'), ''];
    const { records, notices } = await readTemp('552100554FEC20241231.txt', text.join('\n'));
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    // (Its one entry number over several dates brings FEC_ENTRY_DATES_DIFFER too, not the point here.)
    expect(notices.filter((notice) => notice.code === 'FEC_DATES_OUTSIDE_FISCAL_YEAR')).toEqual([
      {
        code: 'FEC_DATES_OUTSIDE_FISCAL_YEAR',
        message:
          "552100554FEC20241231.txt: 3 lines are dated outside the fiscal year its name closes on 2024-12-31: 1 after its closing date (DATE_AFTER_CLOSING), 2 before the earliest start of such a year, 2023-02-01 (DATE_BEFORE_FISCAL_YEAR); their fiscal_year_end is the name's all the same, so the plan files them under that year, or rejects them where it has no such year (is the file named after its year? `cutover fec validate` lists them)",
        line: 3,
      },
    ]);
  });

  it('writes the counts of its notices as the run summary writes numbers, past a thousand too', async () => {
    // A year's FEC has tens of thousands of lines: "45574 lines" read as a code, next to "167,688 records".
    const late = line('ACH', 'x').replaceAll('20240103', '20250101');
    const text = [header, ...Array.from({ length: 1200 }, () => late), ''];
    const { notices } = await readTemp('552100554FEC20241231.txt', text.join('\n'));
    expect(notices.find((notice) => notice.code === 'FEC_DATES_OUTSIDE_FISCAL_YEAR')?.message).toContain(
      ': 1,200 lines are dated outside the fiscal year its name closes on 2024-12-31: 1,200 after its closing date',
    );
  });

  it('ends lines at LF, CRLF and CR CR LF alike, and matches header names ignoring case', async () => {
    const text = `${header.toUpperCase()}\r\r\n${line('ACH', 'un')}\r\n${line('VTE', 'deux')}\n${line('OD', 'trois')}\r\r\n`;
    const { records } = await readTemp('endings.txt', text);
    expect(
      records.map((record) => [record.location.line, record.fields.JournalCode, record.fields.EcritureLib]),
    ).toEqual([
      [2, 'ACH', 'un'],
      [3, 'VTE', 'deux'],
      [4, 'OD', 'trois'],
    ]);
    expect(Object.keys(records[0]?.fields ?? {})).toEqual(RECORD_FIELDS);
  });

  it('marks a line with the wrong number of fields WRONG_COLUMN_COUNT, and keeps a quote as data', async () => {
    const text = `${header}\n${line('ACH', 'Facture "urgente"')}\nACH\tAchats\t2\n`;
    const { records } = await readTemp('count.txt', text);
    expect(records.map(summary).map(({ line: at, reason }) => [at, reason])).toEqual([
      [2, undefined],
      [3, RejectReason.WRONG_COLUMN_COUNT],
    ]);
    expect(records[0]?.fields.EcritureLib).toBe('Facture "urgente"');
    expect(records[1]?.fields).toEqual({ JournalCode: 'ACH', JournalLib: 'Achats', EcritureNum: '2' });
    expect(records[1]?.problem?.message).toBe('expected 18 fields (as in the header), found 3');
  });

  it('keeps a line of separators only as a record, as fec validate counts it with its errors (a CSV skips it)', async () => {
    const text = `${header}\n${line('ACH', 'Facture')}\n${'\t'.repeat(17)}\n${line('ACH', 'Avoir')}\n`;
    const { records } = await readTemp('tabs-only.txt', text);
    expect(records.map(summary).map(({ line: at }) => at)).toEqual([2, 3, 4]);
  });

  it('rejects a line whose label holds the separator, never taking its empty last field for a trailing separator', async () => {
    // Its Idevise is empty: split on the tab in the label, the line has one value too many and an empty last one.
    // Taken for a trailing separator, every column after the label moved: Debit read 'Facture', Credit '0,00'...
    const text = `${header}\n${line('ACH', 'Facture\t2024')}\n${line('ACH', 'Avoir')}\n`;
    const { records } = await readTemp('label-tab.txt', text);
    expect(records.map(summary).map(({ line: at, reason }) => [at, reason])).toEqual([
      [2, RejectReason.WRONG_COLUMN_COUNT],
      [3, undefined],
    ]);
    expect(records[0]?.problem?.message).toBe('expected 18 fields (as in the header), found 19');
    // With a trailing separator on the header too, every line's last empty field is that separator.
    const trailing = `${header}\t\n${line('ACH', 'Facture')}\t\n`;
    const { records: read } = await readTemp('trailing.txt', trailing);
    expect(read.map((record) => [record.problem, record.fields.Credit])).toEqual([[undefined, '12,00']]);
  });

  it('decodes a legacy line as Windows-1252 among UTF-8 lines and names it in a notice', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${header}\n${line('ACH', 'Café')}\n`),
      latin1(`${line('ACH', 'Thé glacé')}\n`),
    ]);
    const { records, notices } = await readTemp('552100554FEC20241231.txt', bytes);
    expect(records.map((record) => record.fields.EcritureLib)).toEqual(['Café', 'Thé glacé']);
    expect(notices).toEqual([
      {
        code: 'ENCODING_FALLBACK',
        message:
          '552100554FEC20241231.txt line 3 is not valid UTF-8: read as Windows-1252 (the usual legacy code page: no byte reads as €, Š, š, ž, Œ, œ or Ÿ of ISO-8859-15 next to a letter or figure)',
        line: 3,
      },
    ]);
  });

  it('decodes the legacy lines of a FEC as ISO-8859-15 when they read as its œ or €, and says why', async () => {
    // Before, they were read as Windows-1252 whatever they held: "Cœur" came out "C½ur", "Loyer 1 200 €" "¤".
    const bytes = Buffer.concat([
      Buffer.from(`${header}\n${line('ACH', 'Café')}\n`),
      iso885915(`${line('ACH', 'Sœur et Cœur')}\n${line('ACH', 'Loyer 1 200 €')}\n`),
    ]);
    const { records, notices } = await readTemp('552100554FEC20241231.txt', bytes);
    expect(records.map((record) => record.fields.EcritureLib)).toEqual([
      'Café',
      'Sœur et Cœur',
      'Loyer 1 200 €',
    ]);
    expect(notices).toEqual([
      {
        code: 'ENCODING_FALLBACK',
        message:
          '552100554FEC20241231.txt line 3 is not valid UTF-8: read as ISO-8859-15 (byte 0xBD reads "Sœur" in ISO-8859-15, "S½ur" in Windows-1252, and no byte 0x80-0x9F says Windows-1252)',
        line: 3,
      },
      {
        code: 'ENCODING_FALLBACK',
        message: '552100554FEC20241231.txt line 4 is not valid UTF-8: read as ISO-8859-15',
        line: 4,
      },
    ]);
  });

  it('decodes the legacy lines of a DOS-era FEC as IBM 850 when their letters inside words say so', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${header}\n`),
      ibm850(`${line('ACH', 'Société Générale')}\n${line('ACH', 'FRAIS DE RÉCEPTION')}\n`),
    ]);
    const { records, notices } = await readTemp('552100554FEC20241231.txt', bytes);
    expect(records.map((record) => record.fields.EcritureLib)).toEqual([
      'Société Générale',
      'FRAIS DE RÉCEPTION',
    ]);
    expect(notices[0]?.message).toContain(
      'line 2 is not valid UTF-8: read as IBM 850 (DOS) (byte 0x82 reads',
    );
  });

  it('judges the code page of a legacy line past a first MiB of UTF-8 from that line', async () => {
    const utf8Lines = Array.from({ length: 12000 }, () => line('ACH', 'Café et crème')).join('\n');
    const bytes = Buffer.concat([
      Buffer.from(`${header}\n${utf8Lines}\n`),
      iso885915(`${line('ACH', 'Sœur et Cœur')}\n`),
    ]);
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const { records, notices } = await readTemp('552100554FEC20241231.txt', bytes);
    expect(records.at(-1)?.fields.EcritureLib).toBe('Sœur et Cœur');
    expect(notices).toEqual([
      {
        code: 'ENCODING_FALLBACK',
        message:
          '552100554FEC20241231.txt line 12002 is not valid UTF-8: read as ISO-8859-15 (byte 0xBD reads "Sœur" in ISO-8859-15, "S½ur" in Windows-1252, and no byte 0x80-0x9F says Windows-1252)',
        line: 12002,
      },
    ]);
  });

  it('honours a declared encoding for every line', async () => {
    const { records, notices } = await readTemp(
      '552100554FEC20241231.txt',
      latin1(`${header}\n${line('ACH', 'Thé')}\n`),
      'windows-1252',
    );
    expect(records[0]?.fields.EcritureLib).toBe('Thé');
    expect(notices).toEqual([]);
    const strict = await readTemp('strict.txt', latin1(`${header}\n${line('ACH', 'Thé')}\n`), 'utf-8');
    expect(strict.records[0]?.problem).toMatchObject({
      reason: RejectReason.INVALID_ENCODING,
      column: 'EcritureLib',
    });
  });

  it('gives no records and an EMPTY_FILE notice for an empty file and a header-only file', async () => {
    expect(await readTemp('empty.txt', '')).toEqual({
      records: [],
      notices: [{ code: 'EMPTY_FILE', message: 'empty.txt is empty (0 bytes): no records' }],
    });
    const headerOnly = await readTemp('header-only.txt', `${header}\n\n`);
    expect(headerOnly.records).toEqual([]);
    expect(headerOnly.notices.map((notice) => notice.code)).toEqual(['EMPTY_FILE']);
  });

  it('reads a UTF-16 file by its byte-order mark and says so, the plan leaving the encoding to cutover', async () => {
    const text = `${header}\r\n${line('ACH', 'Thé')}\r\n${line('VTE', 'Café')}\r\n`;
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    const { records, notices } = await readTemp('utf16/552100554FEC20241231.txt', bytes);
    expect(
      records.map((record) => [record.location.line, record.problem, record.fields.EcritureLib]),
    ).toEqual([
      [2, undefined, 'Thé'],
      [3, undefined, 'Café'],
    ]);
    expect(notices).toContainEqual({
      code: 'FEC_UTF16',
      message:
        'utf16/552100554FEC20241231.txt is UTF-16BE (byte-order mark): read as such, though the FEC norm asks for ASCII, ISO-8859-15 or UTF-8',
    });
  });

  it('says why a FEC saved with ";" or as UTF-16 without its byte-order mark cannot be read, not that it lacks every column', async () => {
    const semicolon = `${NORM_COLUMNS.join(';')}\n${line('ACH', 'un').replaceAll('\t', ';')}\n`;
    await expect(readTemp('semi.txt', semicolon)).rejects.toMatchObject({
      message:
        'semi.txt: not a FEC that can be read: its header separates its columns with ";" (a file saved again by a spreadsheet?), where a FEC uses a tab or | (`cutover fec validate` lists what else is wrong)',
    });
    const utf16 = Buffer.from(`${header}\n${line('ACH', 'un')}\n`, 'utf16le');
    await expect(readTemp('utf16.txt', utf16)).rejects.toMatchObject({
      message: expect.stringContaining(
        'its header holds NUL characters between its letters (UTF-16 without its byte-order mark?)',
      ) as unknown,
    });
  });

  it('refuses a file that is no FEC, or a header without Credit or CompteNum, with one error naming the columns it lacks', async () => {
    const notFec = readTemp('fec/D1/123456789FEC20231231.txt', 'hello world\nfoo\n');
    await expect(notFec).rejects.toBeInstanceOf(CutoverError);
    await expect(notFec).rejects.toMatchObject({
      code: ErrorCode.SOURCE_FAILED,
      message: `fec/D1/123456789FEC20231231.txt: not a FEC that can be read: its header lacks ${[
        ...NORM_COLUMNS.filter((name) => name !== 'Debit' && name !== 'Credit'),
        'Debit',
        'Credit',
      ].join(', ')} (\`cutover fec validate\` lists what else is wrong)`,
    });
    const withoutCredit = NORM_COLUMNS.filter((name) => name !== 'Credit').join('\t');
    await expect(
      readTemp('no-credit.txt', `${withoutCredit}\n${line('ACH', 'un').replace('\t12,00', '')}\n`),
    ).rejects.toMatchObject({
      code: ErrorCode.SOURCE_FAILED,
      message:
        'no-credit.txt: not a FEC that can be read: its header lacks Credit (`cutover fec validate` lists what else is wrong)',
    });
    // A line without its account (or journal, date...) is no line to load either: before, every line loaded with
    // no account and reconcile called it proven.
    const withoutAccount = NORM_COLUMNS.filter((name) => name !== 'CompteNum').join('\t');
    await expect(readTemp('no-account.txt', `${withoutAccount}\n`)).rejects.toMatchObject({
      code: ErrorCode.SOURCE_FAILED,
      message:
        'no-account.txt: not a FEC that can be read: its header lacks CompteNum (`cutover fec validate` lists what else is wrong)',
    });
    // The columns filled only where they apply may be absent: read as empty.
    const withoutCurrency = NORM_COLUMNS.filter(
      (name) => !['Montantdevise', 'Idevise', 'ValidDate'].includes(name),
    );
    const { records } = await readTemp('no-currency.txt', `${withoutCurrency.join('\t')}\n`);
    expect(records).toEqual([]);
  });
});

describe('fecSource derived fields', () => {
  const header = NORM_COLUMNS.join('\t');
  const row = (values: Partial<Record<(typeof NORM_COLUMNS)[number], string>>) =>
    NORM_COLUMNS.map((column) => values[column] ?? '').join('\t');

  it('keys entries without numbering by PieceRef + EcritureDate, and says so', async () => {
    const text = [
      header,
      row({
        JournalCode: 'OD',
        EcritureNum: '0',
        EcritureDate: '20240105',
        PieceRef: 'P1',
        CompteNum: '512000',
      }),
      row({
        JournalCode: 'OD',
        EcritureNum: '',
        EcritureDate: '20240106',
        PieceRef: 'P2',
        CompteNum: '512000',
      }),
      row({
        JournalCode: 'OD',
        EcritureNum: '17',
        EcritureDate: '20240107',
        PieceRef: 'P3',
        CompteNum: '512000',
      }),
    ].join('\n');
    const { records, notices } = await readTemp('keys/552100554FEC20241231.txt', text);
    expect(records.map((record) => record.fields.entry_key)).toEqual(['P1@20240105', 'P2@20240106', '17']);
    expect(notices.find((notice) => notice.code === 'FEC_ENTRY_KEY_FALLBACK')?.message).toContain(
      '2 lines have no entry number',
    );
  });

  it('keys entries by EcritureNum + EcritureDate when the numbering restarts, so that two entries never merge', async () => {
    const text = [
      header,
      row({ JournalCode: 'VE', EcritureNum: '1', EcritureDate: '20240110', CompteNum: '411000' }),
      row({ JournalCode: 'VE', EcritureNum: '1', EcritureDate: '20240110', CompteNum: '706000' }),
      row({ JournalCode: 'VE', EcritureNum: '2', EcritureDate: '20240120', CompteNum: '411000' }),
      // February starts again at 1: another entry with the same number.
      row({ JournalCode: 'VE', EcritureNum: '1', EcritureDate: '20240210', CompteNum: '411000' }),
    ].join('\n');
    const { records, notices } = await readTemp('restart/552100554FEC20241231.txt', text);
    expect(records.map((record) => record.fields.entry_key)).toEqual([
      '1@20240110',
      '1@20240110',
      '2@20240120',
      '1@20240210',
    ]);
    expect(notices.map((notice) => notice.code)).toContain('FEC_NUMBERING_RESTARTS');
  });

  it('keys entries by number and date when the lines of one number carry different dates, so no date is lost', async () => {
    // A payroll journal numbered per month, its months side by side: keyed by number alone, one entry dated 28 Jan.
    const text = [
      header,
      row({ JournalCode: 'PA', EcritureNum: '1', EcritureDate: '20240128', CompteNum: '641000' }),
      row({ JournalCode: 'PA', EcritureNum: '1', EcritureDate: '20240128', CompteNum: '421000' }),
      row({ JournalCode: 'PA', EcritureNum: '1', EcritureDate: '20240228', CompteNum: '641000' }),
      row({ JournalCode: 'PA', EcritureNum: '1', EcritureDate: '20240228', CompteNum: '421000' }),
    ].join('\n');
    const { records, notices } = await readTemp('dates/552100554FEC20241231.txt', text);
    expect(records.map((record) => record.fields.entry_key)).toEqual([
      '1@20240128',
      '1@20240128',
      '1@20240228',
      '1@20240228',
    ]);
    expect(notices.map((notice) => notice.code)).toContain('FEC_ENTRY_DATES_DIFFER');
  });

  it('judges the numbering of a split FEC over all its parts: a number used again in a later part is a restart', async () => {
    const part = (num: string, date: string) =>
      [header, row({ JournalCode: 'VE', EcritureNum: num, EcritureDate: date, CompteNum: '411000' })].join(
        '\n',
      );
    const first = await writeFixture(dir, 'split/552100554FEC20241231_1.txt', part('1', '20240115'));
    const second = await writeFixture(dir, 'split/552100554FEC20241231_2.txt', part('1', '20240710'));
    const keys = [];
    for (const file of [first, second]) {
      const source = fecSource(spec(), { ...file, fecParts: [first.path, second.path] }, dir);
      keys.push(...(await readAll(source)).records.map((record) => record.fields.entry_key));
    }
    expect(keys).toEqual(['1@20240115', '1@20240710']);
  });

  it('gives the fiscal year and SIREN of the file name, the PCG class and the kind of third party', async () => {
    const text = [
      header,
      row({ CompteNum: '411000', CompAuxNum: 'C001' }),
      row({ CompteNum: '401000', CompAuxNum: 'F001' }),
      row({ CompteNum: '421000', CompAuxNum: 'S001' }),
      row({ CompteNum: '706000' }),
    ].join('\n');
    const { records } = await readTemp('year/552100554FEC20240229.txt', text);
    expect(records.map((record) => [record.fields.pcg_class, record.fields.third_party_kind])).toEqual([
      ['4', 'customer'],
      ['4', 'supplier'],
      ['4', 'staff'],
      ['7', ''],
    ]);
    expect(records[0]?.fields).toMatchObject({
      siren: '552100554',
      fiscal_year_end: '2024-02-29',
      fiscal_year_start: '2023-03-01',
    });
  });

  it("brings accounts to the firm's chart: length, mapping table, unmapped reported, ambiguous and unshortenable rejected", async () => {
    await writeFixture(dir, 'chart/map.csv', 'from;to\n411;41110000\n6061;60610000\n6061;60611000\n');
    const text = [
      header,
      row({ CompteNum: '411' }),
      row({ CompteNum: '41100000' }),
      row({ CompteNum: '512000' }),
      row({ CompteNum: '606100' }),
      row({ CompteNum: '4011234567' }),
    ].join('\n');
    const { records, notices } = await readTemp('chart/552100554FEC20241231.txt', text, 'auto', {
      length: 8,
      mapping: 'chart/map.csv',
    });
    expect(records.map((record) => [record.fields.account_number, record.problem?.reason])).toEqual([
      ['41110000', undefined],
      ['41110000', undefined],
      ['51200000', undefined],
      ['606100', RejectReason.AMBIGUOUS_ACCOUNT],
      ['4011234567', RejectReason.INVALID_ACCOUNT],
    ]);
    expect(records[3]?.problem?.message).toBe(
      'account "60610000" is mapped to 60610000 and 60611000 by chart/map.csv',
    );
    expect(notices.find((notice) => notice.code === 'FEC_UNMAPPED_ACCOUNTS')?.message).toContain(
      '1 lines use accounts the mapping table does not name, kept as they are: 51200000',
    );
  });

  it('rejects a Montant + Sens line whose Sens is neither D/C nor +1/-1', async () => {
    const columns = [...NORM_COLUMNS.filter((c) => c !== 'Debit' && c !== 'Credit'), 'Montant', 'Sens'];
    const values = (sens: string) =>
      columns.map((column) => (column === 'Montant' ? '10,00' : column === 'Sens' ? sens : '')).join('|');
    const text = [columns.join('|'), values('+1'), values('-1'), values('X')].join('\n');
    const { records } = await readTemp('sens/552100554FEC20241231.txt', text);
    expect(
      records.map((record) => [record.fields.Debit, record.fields.Credit, record.problem?.column]),
    ).toEqual([
      ['10,00', '0', undefined],
      ['0', '10,00', undefined],
      ['0', '0', 'Sens'],
    ]);
  });
});

describe('fecSource amounts', () => {
  it('reads dot decimals as decimals and reports them (adams43360_fec_propre.txt)', async () => {
    const { records, notices } = await readShared('adams43360_fec_propre.txt');
    expect(records[0]?.raw).toContain('\t0.00\t1200.00\t');
    expect([records[0]?.fields.Debit, records[0]?.fields.Credit]).toEqual(['0,00', '1200,00']);
    expect(notices.find((notice) => notice.code === 'FEC_DOT_DECIMAL')).toMatchObject({
      message:
        'fec/adams43360_fec_propre.txt: 25 lines write amounts with a dot as decimal mark (the norm asks for a comma); read as decimals',
      line: 2,
    });
  });
});

describe('fecSource amounts read both ways', () => {
  it('rejects a line whose amount is 1.234 (thousands or decimal?), as fec validate refuses it, and reads 1234.50', async () => {
    const header = NORM_COLUMNS.join('\t');
    const line = (debit: string, credit: string) =>
      NORM_COLUMNS.map((column) => (column === 'Debit' ? debit : column === 'Credit' ? credit : 'x')).join(
        '\t',
      );
    const text = `${header}\n${line('1.234', '0')}\n${line('1234.50', '0')}\n`;
    const { records } = await readTemp('amounts/552100554FEC20241231.txt', text);
    // Before, read 1.234 beside the 1234,00 of the other side: an unbalanced entry loaded without a word.
    expect(records[0]?.problem).toEqual({
      reason: 'INVALID_AMOUNT',
      message:
        'Debit "1.234" reads as 1.234 with a decimal point and as 1234 with a thousands separator (the norm\'s decimal mark is a comma)',
      column: 'Debit',
    });
    expect(records[1]?.problem).toBeUndefined();
    expect(records[1]?.fields.Debit).toBe('1234,50');
  });
});

describe('fecSource legacy bytes', () => {
  it('reads every byte of a legacy line, even those Windows-1252 leaves undefined (0x81, 0x8D...), without rejecting it', async () => {
    const header = NORM_COLUMNS.join('\t');
    const values = NORM_COLUMNS.map((column) => (column === 'EcritureLib' ? 'Caf\u00e9 X' : ''));
    const line = Buffer.concat([latin1(values.join('\t').replace('X', '')), Buffer.from([0x81, 0x8d])]);
    const bytes = Buffer.concat([Buffer.from(`${header}\n`), line, Buffer.from('\n')]);
    const { records } = await readTemp('bytes/552100554FEC20241231.txt', bytes);
    expect(records[0]?.problem).toBeUndefined();
    expect(records[0]?.fields.Idevise).toBe('\u0081\u008d');
  });
});
