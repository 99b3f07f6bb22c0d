import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEC_COLUMNS, fecSource, type FecSourceSpec } from '../../../src/connectors/files/fec-source.js';
import { RejectReason } from '../../../src/core/reject-reasons.js';
import { latin1, makeTempDir, readAll, sharedFecDir, summary, writeFixture } from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

const spec = (encoding: FecSourceSpec['encoding'] = 'auto'): FecSourceSpec => ({
  type: 'fec',
  path: 'unused',
  encoding,
});

const readShared = async (name: string) => {
  const source = fecSource(spec(), { path: path.join(sharedFecDir, name), relative: `fec/${name}` });
  const { records } = await readAll(source);
  return { records, notices: source.notices?.() ?? [] };
};

const readTemp = async (
  name: string,
  content: string | Buffer,
  encoding: FecSourceSpec['encoding'] = 'auto',
) => {
  const source = fecSource(spec(encoding), await writeFixture(dir, name, content));
  const { records } = await readAll(source);
  return { records, notices: source.notices?.() ?? [] };
};

const NORM_COLUMNS = FEC_COLUMNS.slice(0, 18);

describe('fecSource on the shared real-world samples', () => {
  it('reads every line of 0000000001FEC20220831.txt (tab, BOM) under the canonical column names', async () => {
    const { records, notices } = await readShared('0000000001FEC20220831.txt');
    expect(records).toHaveLength(5422);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    expect(Object.keys(records[0]?.fields ?? {})).toEqual(NORM_COLUMNS);
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
    expect(notices).toEqual([]);
  });

  it('reads the pipe file with a trailing separator, padded values and legacy bytes of 111111111FEC20221231.TXT', async () => {
    const { records, notices } = await readShared('111111111FEC20221231.TXT');
    expect(records).toHaveLength(934);
    expect(records.filter((record) => record.problem !== undefined)).toEqual([]);
    // The header spells `MontantDevise`; it comes back under the norm's spelling.
    expect(Object.keys(records[0]?.fields ?? {})).toEqual(NORM_COLUMNS);
    expect(records[0]?.fields).toMatchObject({
      JournalCode: 'VE  ',
      EcritureNum: '00000001',
      CompteLib: 'VENTE NECTAR DE FRAISE      ',
      CompAuxNum: '        ',
      Debit: '0000000000,00',
      Credit: '0000000069,60',
      ValidDate: '20240331',
      Montantdevise: '',
      Idevise: '',
    });
    // Byte 0xF8 is not UTF-8: those lines are read as Windows-1252, where it is "ø".
    const line779 = records.find((record) => record.location.line === 779);
    expect(line779?.fields).toMatchObject({
      EcritureNum: '00000201',
      EcritureLib: 'CREATø MAQUETTE ETIQ        ',
    });
    expect(records.find((record) => record.location.line === 807)?.fields.EcritureLib).toBe(
      'SIMULATø LICHEN DE M        ',
    );
    expect(notices.map((notice) => [notice.code, notice.line])).toEqual(
      [779, 780, 781, 807, 808, 809].map((line) => ['ENCODING_FALLBACK', line]),
    );
  });

  it('reads the Montant/Sens variant without a final line break', async () => {
    const { records } = await readShared('lasocietenouvelle_sample_pipe_montant_sens.txt');
    expect(
      records.map((record) => [record.location.line, record.fields.Montant, record.fields.Sens]),
    ).toEqual([
      [2, '2500,00', 'C'],
      [3, '2500,00', 'D'],
      [4, '800,00', 'D'],
      [5, '800,00', 'C'],
    ]);
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
    expect(Object.keys(records[0]?.fields ?? {})).toEqual(NORM_COLUMNS);
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

  it('decodes a legacy line as Windows-1252 among UTF-8 lines and names it in a notice', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${header}\n${line('ACH', 'Café')}\n`),
      latin1(`${line('ACH', 'Thé glacé')}\n`),
    ]);
    const { records, notices } = await readTemp('mixed.txt', bytes);
    expect(records.map((record) => record.fields.EcritureLib)).toEqual(['Café', 'Thé glacé']);
    expect(notices).toEqual([
      {
        code: 'ENCODING_FALLBACK',
        message: 'mixed.txt line 3 is not valid UTF-8: read as Windows-1252',
        line: 3,
      },
    ]);
  });

  it('honours a declared encoding for every line', async () => {
    const { records, notices } = await readTemp(
      'declared.txt',
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
});
