import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fecColumns } from '../../src/generator/write-fec.js';
import { letteringCode } from '../../src/generator/fec-entries.js';
import type { Manifest } from '../../src/generator/manifest.js';
import { isLuhnValid } from '../../src/generator/siren.js';
import {
  generateInTemp,
  parseDelimited,
  readFec,
  readManifest,
  readText,
  type FecLine,
  type GeneratedPortfolio,
  removeTemporaryFolders,
} from './portfolio-files.js';

afterAll(removeTemporaryFolders);

/** Amounts as the FEC writes them: digits, a decimal comma, two decimals. */
const fecAmount = /^\d+,\d{2}$/;
const fecDate = /^\d{8}$/;

const amount = (text: string): Decimal => new Decimal(text.replace(',', '.'));

/** The lines of every FEC that break a rule, as `file:line`: one assertion instead of one per line. */
const violations = (rule: (line: FecLine, fec: DossierFec) => boolean): string[] =>
  fecs.flatMap((fec) =>
    fec.lines.filter((line) => !rule(line, fec)).map(({ line }) => `${fec.file}:${line}`),
  );

interface DossierFec {
  readonly dossier: string;
  readonly file: string;
  readonly header: string[];
  readonly lines: FecLine[];
  /** Physical lines carrying an injected defect. */
  readonly defectLines: Set<number>;
}

let portfolio: GeneratedPortfolio;
let manifest: Manifest;
let registry: Record<string, string>[];
let fecs: DossierFec[];

beforeAll(async () => {
  portfolio = await generateInTemp(12, 2024, false);
  manifest = await readManifest(portfolio.dir);
  registry = parseDelimited(await readText(portfolio.dir, 'registry.csv'), ',');
  const files = portfolio.summary.files.filter((file) => file.startsWith('fec/'));
  fecs = await Promise.all(
    files.map(async (file) => {
      const { header, lines } = await readFec(portfolio.dir, file);
      const defectLines = new Set(
        manifest.defects.filter((defect) => defect.file === file).map((defect) => defect.line),
      );
      return { dossier: file.split('/')[1] ?? '', file, header, lines, defectLines };
    }),
  );
});

/** Lines grouped by entry (JournalCode + EcritureNum), in file order. */
const entriesOf = (fec: DossierFec): FecLine[][] => {
  const entries = new Map<string, FecLine[]>();
  for (const line of fec.lines) {
    const key = `${line.fields.JournalCode}|${line.fields.EcritureNum}`;
    const list = entries.get(key) ?? [];
    list.push(line);
    entries.set(key, list);
  }
  return [...entries.values()];
};

describe('generated FEC files', () => {
  it('names each file <SIREN>FEC<fiscal year end>.txt in fec/<dossier>/, one per dossier of the registry', () => {
    expect(fecs).toHaveLength(registry.length);
    for (const row of registry) {
      const fec = fecs.find((candidate) => candidate.dossier === row.dossier_id);
      const closing = (row.fiscal_year_end ?? '').replaceAll('-', '');
      expect(fec?.file).toBe(`fec/${row.dossier_id}/${row.siren}FEC${closing}.txt`);
    }
  });

  it('writes the 18 standard columns, tab separated, CRLF line ends, UTF-8 without BOM', async () => {
    for (const fec of fecs) {
      expect(fec.header).toEqual([...fecColumns]);
      const bytes = await readFile(path.join(portfolio.dir, fec.file));
      expect(bytes[0]).toBe('J'.charCodeAt(0));
      const text = bytes.toString('utf8');
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
      const wrongWidth = text
        .split('\r\n')
        .slice(1, -1)
        .filter((line) => line.split('\t').length !== 18);
      expect(wrongWidth).toEqual([]);
    }
  });

  it('writes amounts with a decimal comma and dates as yyyyMMdd', () => {
    const wrong = violations(
      ({ line, fields }, fec) =>
        (fec.defectLines.has(line) || fecAmount.test(fields.Debit ?? '')) &&
        fecAmount.test(fields.Credit ?? '') &&
        [fields.EcritureDate, fields.PieceDate, fields.ValidDate].every((date) => fecDate.test(date ?? '')) &&
        (fields.DateLet === '' || fecDate.test(fields.DateLet ?? '')),
    );
    expect(wrong).toEqual([]);
  });

  it('balances every entry to the cent, and debit total equals credit total per file', () => {
    const unbalanced: string[] = [];
    for (const fec of fecs) {
      let debit = new Decimal(0);
      let credit = new Decimal(0);
      for (const entry of entriesOf(fec)) {
        if (entry.some(({ line }) => fec.defectLines.has(line))) continue;
        const entryDebit = entry.reduce(
          (sum, { fields }) => sum.plus(amount(fields.Debit ?? '')),
          new Decimal(0),
        );
        const entryCredit = entry.reduce(
          (sum, { fields }) => sum.plus(amount(fields.Credit ?? '')),
          new Decimal(0),
        );
        if (!entryDebit.equals(entryCredit))
          unbalanced.push(`${fec.file} ${entry[0]?.fields.JournalCode} ${entry[0]?.fields.EcritureNum}`);
        debit = debit.plus(entryDebit);
        credit = credit.plus(entryCredit);
      }
      if (fec.defectLines.size === 0) expect(debit.toFixed(2)).toBe(credit.toFixed(2));
      expect(debit.greaterThan(0)).toBe(true);
    }
    expect(unbalanced).toEqual([]);
  });

  it('numbers entries 1, 2, 3... without gaps in each journal, each entry on consecutive lines', () => {
    const gaps: string[] = [];
    for (const fec of fecs) {
      const seen = new Map<string, number>();
      let previous = '';
      for (const { fields } of fec.lines) {
        const key = `${fields.JournalCode}|${fields.EcritureNum}`;
        if (key === previous) continue;
        const journal = fields.JournalCode ?? '';
        const number = Number(fields.EcritureNum);
        if (number !== (seen.get(journal) ?? 0) + 1) gaps.push(`${fec.file} ${key}`);
        seen.set(journal, number);
        previous = key;
      }
    }
    expect(gaps).toEqual([]);
  });

  it('opens the year with the AN (à-nouveaux) entry, on balance-sheet accounts only, at the first day', () => {
    for (const fec of fecs) {
      const start = registry
        .find((row) => row.dossier_id === fec.dossier)
        ?.fiscal_year_start?.replaceAll('-', '');
      const [first] = entriesOf(fec);
      expect(first?.[0]?.fields.JournalCode).toBe('AN');
      for (const { fields } of first ?? []) {
        expect(fields.EcritureDate).toBe(start);
        expect(fields.CompteNum).toMatch(/^[1-5]/);
      }
      expect(fec.lines.filter(({ fields }) => fields.JournalCode === 'AN').length).toBe(first?.length);
    }
  });

  it('uses a French chart of accounts with the usual journals and keeps every date inside the fiscal year', () => {
    const journals = new Set(fecs.flatMap((fec) => fec.lines.map(({ fields }) => fields.JournalCode)));
    expect([...journals].sort()).toEqual(expect.arrayContaining(['AC', 'AN', 'BQ', 'OD', 'VE']));
    const roots = new Set(
      fecs.flatMap((fec) => fec.lines.map(({ fields }) => (fields.CompteNum ?? '').slice(0, 3))),
    );
    for (const root of ['101', '401', '411', '445', '512', '606', '626', '627'])
      expect(roots).toContain(root);
    const outside = violations(({ fields }, fec) => {
      const row = registry.find((candidate) => candidate.dossier_id === fec.dossier);
      const date = fields.EcritureDate ?? '';
      return (
        date >= (row?.fiscal_year_start ?? '').replaceAll('-', '') &&
        date <= (row?.fiscal_year_end ?? '').replaceAll('-', '')
      );
    });
    expect(outside).toEqual([]);
  });

  it('puts third parties (C0001 customers, F0001 suppliers) only on 411 and 401 lines', () => {
    const wrong = violations(
      ({ fields }) =>
        fields.CompAuxNum === '' ||
        (/^[CF]\d{4}$/.test(fields.CompAuxNum ?? '') &&
          fields.CompteNum?.slice(0, 3) === (fields.CompAuxNum?.startsWith('C') ? '411' : '401') &&
          fields.CompAuxLib !== ''),
    );
    expect(wrong).toEqual([]);
  });

  it('letters invoices with their payments: each lettering code nets to zero on its account and shares one DateLet', () => {
    const broken: string[] = [];
    let lettered = 0;
    let open = 0;
    for (const fec of fecs) {
      const groups = new Map<string, FecLine[]>();
      for (const line of fec.lines) {
        const { CompteNum, CompAuxNum, EcritureLet } = line.fields;
        if (CompAuxNum !== '') {
          if (EcritureLet === '') open++;
          else lettered++;
        }
        if (EcritureLet === '') continue;
        const key = `${CompteNum}|${EcritureLet}`;
        groups.set(key, [...(groups.get(key) ?? []), line]);
      }
      for (const [key, lines] of groups) {
        const balance = lines.reduce(
          (sum, { fields }) => sum.plus(amount(fields.Debit ?? '')).minus(amount(fields.Credit ?? '')),
          new Decimal(0),
        );
        const sameDay = new Set(lines.map(({ fields }) => fields.DateLet)).size === 1;
        const sameParty = new Set(lines.map(({ fields }) => fields.CompAuxNum)).size === 1;
        if (!balance.isZero() || lines.length < 2 || !sameDay || !sameParty)
          broken.push(`${fec.file} ${key}`);
      }
    }
    expect(broken).toEqual([]);
    // Most third-party lines are lettered, some invoices are still open at year end.
    expect(lettered).toBeGreaterThan(open * 2);
    expect(open).toBeGreaterThan(0);
  });

  it('hands out lettering codes AA, AB ... ZZ, then AAA', () => {
    expect([0, 1, 25, 26, 675, 676, 677].map(letteringCode)).toEqual([
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'AAB',
    ]);
  });

  it('puts each FEC defect on a non-first line of a purchase entry whose Debit reads N/A, keyed as the plan keys it', () => {
    const fecDefects = manifest.defects.filter((defect) => defect.file.startsWith('fec/'));
    expect(fecDefects.length).toBeGreaterThanOrEqual(1);
    for (const defect of fecDefects) {
      const fec = fecs.find((candidate) => candidate.file === defect.file);
      const line = fec?.lines.find((candidate) => candidate.line === defect.line);
      expect(line?.fields.Debit).toBe('N/A');
      expect(defect).toMatchObject({
        entity: 'entry_line',
        kind: 'invalid_amount',
        expected: { fate: 'rejected', reason: 'INVALID_AMOUNT' },
      });
      const entry = fec?.lines.filter(
        ({ fields }) =>
          fields.JournalCode === line?.fields.JournalCode && fields.EcritureNum === line?.fields.EcritureNum,
      );
      expect(line?.fields.JournalCode).toBe('AC');
      expect(entry?.[0]?.line).toBeLessThan(defect.line);
      // Closing date (from the file name)|JournalCode|EcritureNum|the line's number within its entry.
      const closing = /FEC(\d{4})(\d{2})(\d{2})/.exec(defect.file)?.slice(1).join('-');
      const withinEntry = (entry ?? []).findIndex((candidate) => candidate.line === defect.line) + 1;
      expect(withinEntry).toBeGreaterThan(1);
      expect(defect.sourceKey).toBe(
        `${closing}|${line?.fields.JournalCode}|${line?.fields.EcritureNum}|${withinEntry}`,
      );
    }
  });

  it('counts in the manifest what the plan will read: distinct journals, accounts, third parties, entries, lines', () => {
    for (const fec of fecs) {
      const counts = manifest.countsByDossier[fec.dossier];
      const distinct = (column: string) =>
        new Set(fec.lines.map(({ fields }) => fields[column]).filter((value) => value !== '')).size;
      expect(counts).toEqual({
        fiscal_year: 1,
        journal: distinct('JournalCode'),
        account: distinct('CompteNum'),
        third_party: distinct('CompAuxNum'),
        entry: entriesOf(fec).length,
        entry_line: fec.lines.length,
      });
    }
  });

  it('gives the registry valid SIRENs, NAF codes, sizes and twelve-month fiscal years', () => {
    for (const row of registry) {
      expect(row.dossier_id).toMatch(/^D\d{4}$/);
      expect(isLuhnValid(row.siren ?? '')).toBe(true);
      expect(row.naf).toMatch(/^\d{4}[A-Z]$/);
      expect(['micro', 'small', 'medium', 'large']).toContain(row.size);
      const start = new Date(`${row.fiscal_year_start}T00:00:00Z`);
      const end = new Date(`${row.fiscal_year_end}T00:00:00Z`);
      const nextStart = new Date(Date.UTC(start.getUTCFullYear() + 1, start.getUTCMonth(), 1));
      expect(end.getTime() + 86_400_000).toBe(nextStart.getTime());
    }
  });
});
