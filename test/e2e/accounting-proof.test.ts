import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { FEC_STANDARD_COLUMNS } from '../../src/domains/accounting/fec-columns.js';
import { fecEntitiesYaml } from '../../src/domains/accounting/fec-entities-yaml.js';
import type { AccountingProof } from '../../src/pipeline/reconcile/accounting-proof.js';
import { postgresAvailable, postgresUrl, uniqueName } from '../support/services.js';
import { dropPostgresSchema, tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { writeFiles } from './support/helpers.js';

type Column = (typeof FEC_STANDARD_COLUMNS)[number];
type Line = [
  journal: string,
  number: string,
  date: string,
  account: string,
  aux: string,
  debit: string,
  credit: string,
  lettering?: string,
];

const fec = (lines: readonly Line[]): string =>
  [
    FEC_STANDARD_COLUMNS.join('\t'),
    ...lines.map(([journal, number, date, account, aux, debit, credit, lettering = '']) => {
      const values: Partial<Record<Column, string>> = {
        JournalCode: journal,
        JournalLib: journal,
        EcritureNum: number,
        EcritureDate: date,
        CompteNum: account,
        CompteLib: `Compte ${account}`,
        CompAuxNum: aux,
        CompAuxLib: aux === '' ? '' : `Tiers ${aux}`,
        PieceRef: `P${number}`,
        PieceDate: date,
        EcritureLib: `Ecriture ${number}`,
        Debit: debit,
        Credit: credit,
        EcritureLet: lettering,
        DateLet: lettering === '' ? '' : date,
        ValidDate: date,
      };
      return FEC_STANDARD_COLUMNS.map((column) => values[column] ?? '').join('\t');
    }),
  ].join('\r\n');

/** Year N-1: a sale paid by bank (lettered A), a purchase unpaid. Result: a profit of 700. */
const previousYear = fec([
  ['VE', '1', '20220310', '411000', 'C001', '1200,00', '0,00', 'A'],
  ['VE', '1', '20220310', '706000', '', '0,00', '1000,00'],
  ['VE', '1', '20220310', '445710', '', '0,00', '200,00'],
  ['BQ', '1', '20220415', '512000', '', '1200,00', '0,00'],
  ['BQ', '1', '20220415', '411000', 'C001', '0,00', '1200,00', 'A'],
  ['AC', '1', '20220520', '607000', '', '300,00', '0,00'],
  ['AC', '1', '20220520', '401000', 'F001', '0,00', '300,00'],
]);

/** Year N: à-nouveaux carrying N-1's balance sheet, the profit to account 120000; then a sale. */
const openingYear = (bank: string, result: string) =>
  fec([
    ['AN', '1', '20230101', '512000', '', bank, '0,00'],
    ['AN', '1', '20230101', '445710', '', '0,00', '200,00'],
    ['AN', '1', '20230101', '401000', 'F001', '0,00', '300,00'],
    ['AN', '1', '20230101', '120000', '', '0,00', result],
    ['VE', '1', '20230210', '411000', 'C002', '600,00', '0,00'],
    ['VE', '1', '20230210', '706000', '', '0,00', '600,00'],
  ]);

interface ReconcileJson {
  ok: boolean;
  dossiers: { accounting: AccountingProof }[];
}

const migrate = async (files: Record<string, string>, target = '{ type: sqlite, url: target.db }') => {
  const dir = tempDir('cutover-e2e-proof-');
  writeFiles(dir, {
    ...files,
    'cutover.yaml': [
      'version: 1',
      'name: two-years',
      `target: ${target}`,
      'entities:',
      fecEntitiesYaml({ path: 'fec/*FEC*.txt', fiscalYears: 'file' }),
    ].join('\n'),
  });
  const plan = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', plan, '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  const reconcile = async () => {
    const result = await cli(['reconcile', '--plan', plan, '--json']);
    return { code: result.code, json: parseJsonStdout<ReconcileJson>(result) };
  };
  return { dir, reconcile };
};

describe('the accounting proof of reconcile', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it('proves two fiscal years side by side: trial balances, journals per month, lettering, and N opening = N-1 closing with the result carried to equity', async () => {
    const { reconcile } = await migrate({
      'fec/552100554FEC20221231.txt': previousYear,
      'fec/552100554FEC20231231.txt': openingYear('1200,00', '700,00'),
    });
    const { code, json } = await reconcile();
    expect(code).toBe(0);
    const proof = json.dossiers[0]?.accounting;
    expect(proof?.ok).toBe(true);
    expect(proof?.counts).toMatchObject({
      sourceEntries: 5,
      targetEntries: 5,
      sourceLines: 13,
      targetLines: 13,
    });
    expect(proof?.totals.target).toEqual({ debit: '4500', credit: '4500', lines: 13 });
    expect(proof?.accounts.find((row) => row.key === '411000')?.target).toEqual({
      debit: '1800',
      credit: '1200',
      lines: 3,
    });
    expect(proof?.auxiliaryAccounts.map((row) => row.key)).toEqual(['C001', 'C002', 'F001']);
    expect(proof?.journalMonths.map((row) => row.key)).toEqual([
      'AC 2022-05',
      'AN 2023-01',
      'BQ 2022-04',
      'VE 2022-03',
      'VE 2023-02',
    ]);
    expect(proof?.lettering.groups).toBe(1);
    expect(proof?.opening).toEqual([
      {
        fiscalYear: '2023-12-31',
        previousFiscalYear: '2022-12-31',
        previousResult: '-700',
        differences: [],
        equity: { closing: '0', opening: '-700', expectedOpening: '-700' },
        ok: true,
      },
    ]);
  }, 120_000);

  it('names the account and the equity gap when N opening does not carry N-1 closing', async () => {
    const { reconcile } = await migrate({
      'fec/552100554FEC20221231.txt': previousYear,
      'fec/552100554FEC20231231.txt': openingYear('1100,00', '600,00'),
    });
    const { code, json } = await reconcile();
    expect(code).toBe(5);
    const opening = json.dossiers[0]?.accounting.opening[0];
    expect(opening?.ok).toBe(false);
    expect(opening?.differences).toEqual([{ account: '512000', closing: '1200', opening: '1100' }]);
    expect(opening?.equity).toEqual({ closing: '0', opening: '-600', expectedOpening: '-700' });
  }, 120_000);

  it('gives a verdict, not a crash, on an amount too large for its integer sums, and says why it is not proven', async () => {
    // 12,345,678,901,234 (a SIRET typed into Debit): past 2^63 millionths, binding it ended the whole reconcile.
    const { dir, reconcile } = await migrate({
      'fec/552100554FEC20231231.txt': fec([
        ['OD', '1', '20230105', '512000', '', '12345678901234,00', '0,00'],
        ['OD', '1', '20230105', '101000', '', '0,00', '12345678901234,00'],
      ]),
    });
    const { code, json } = await reconcile();
    expect(code).toBe(5);
    expect(json.dossiers[0]?.accounting.counts.inexactAmounts).toBe(4);
    const text = await cli(['reconcile', '--plan', path.join(dir, 'cutover.yaml')]);
    expect(text.stdout).toContain(
      "4 amounts with more than 6 decimals or too large for the proof's sums (a side past 4.6 trillion in all), which it cannot add exactly: the balances are not proven",
    );
  }, 120_000);

  it('lists a line changed in the target after the load, with its account, journal-month and both sides', async () => {
    const { dir, reconcile } = await migrate({ 'fec/552100554FEC20221231.txt': previousYear });
    const target = new Database(path.join(dir, 'target.db'));
    const changed = target
      .prepare(
        "UPDATE entry_line SET debit = '1250' WHERE debit = '1200' AND account_id = (SELECT id FROM account WHERE number = '512000')",
      )
      .run();
    target.close();
    expect(changed.changes).toBe(1);
    const { code, json } = await reconcile();
    expect(code).toBe(5);
    const proof = json.dossiers[0]?.accounting;
    expect(proof?.differences.map((row) => `${row.check} ${row.key}`)).toEqual([
      'account 512000',
      'journal_month BQ 2022-04',
    ]);
    expect(proof?.lines).toEqual([
      {
        sourceKey: expect.stringContaining('BQ|1|') as string,
        issue: 'content_differs',
        source: { account: '512000', auxiliaryAccount: null, debit: '1200', credit: '0', lettering: null },
        target: { account: '512000', auxiliaryAccount: null, debit: '1250', credit: '0', lettering: null },
      },
    ]);
  }, 120_000);

  it('names a line deleted from the target after the load as missing: a difference, never counted as not loaded', async () => {
    const { dir, reconcile } = await migrate({ 'fec/552100554FEC20221231.txt': previousYear });
    const target = new Database(path.join(dir, 'target.db'));
    const deleted = target
      .prepare(
        "DELETE FROM entry_line WHERE credit = '300' AND account_id = (SELECT id FROM account WHERE number = '401000')",
      )
      .run();
    target.close();
    expect(deleted.changes).toBe(1);
    const { code, json } = await reconcile();
    expect(code).toBe(5);
    const dossier = json.dossiers[0] as ReconcileJson['dossiers'][number] & {
      entities: { entity: string; missingFromTarget: number; samples: string[] }[];
    };
    const proof = dossier.accounting;
    // The ledger gives this line no fate: its absence is not "not loaded", it is what differs.
    expect(proof.ok).toBe(false);
    expect(proof.counts).toMatchObject({
      sourceLines: 7,
      targetLines: 6,
      linesNotLoaded: 0,
      linesMissing: 1,
    });
    expect(proof.totals.notLoaded).toEqual({ debit: '0', credit: '0', lines: 0 });
    expect(proof.differences.map((row) => `${row.check} ${row.key}`)).toEqual([
      'account 401000',
      'auxiliary_account F001',
      'journal_month AC 2022-05',
    ]);
    expect(proof.lines).toEqual([
      {
        sourceKey: expect.stringContaining('AC|1|') as string,
        issue: 'missing',
        source: { account: '401000', auxiliaryAccount: 'F001', debit: '0', credit: '300', lettering: null },
      },
    ]);
    const lines = dossier.entities.find((entity) => entity.entity === 'entry_line');
    expect(lines?.missingFromTarget).toBe(1);
    expect(lines?.samples).toEqual([proof.lines[0]?.sourceKey]);
  }, 120_000);

  it('reads the parts of a split FEC as one export: an entry running across parts loads whole, keys never repeat', async () => {
    const lines: Line[] = [
      ['VE', '1', '20220310', '411000', 'C001', '1200,00', '0,00'],
      ['VE', '1', '20220310', '706000', '', '0,00', '1000,00'],
      ['VE', '1', '20220310', '445710', '', '0,00', '200,00'],
      ['BQ', '1', '20220415', '512000', '', '1200,00', '0,00'],
      ['BQ', '1', '20220415', '411000', 'C001', '0,00', '1200,00'],
    ];
    // Part 2 starts in the middle of entry VE 1, with its own header.
    const { reconcile } = await migrate({
      'fec/552100554FEC20221231_1.txt': fec(lines.slice(0, 2)),
      'fec/552100554FEC20221231_2.txt': fec(lines.slice(2)),
    });
    const { code, json } = await reconcile();
    expect(code).toBe(0);
    const proof = json.dossiers[0]?.accounting;
    expect(proof?.counts).toMatchObject({
      sourceEntries: 2,
      targetEntries: 2,
      sourceLines: 5,
      targetLines: 5,
    });
    expect(proof?.totals.target).toEqual({ debit: '2400', credit: '2400', lines: 5 });
  }, 120_000);

  it.each([
    ['SQLite', () => '{ type: sqlite, url: target.db }'],
    [
      'PostgreSQL',
      () => {
        // Dropped when the test ends: each run left a schema behind.
        const schema = uniqueName('proof');
        onTestFinished(() => dropPostgresSchema(schema));
        return `{ type: postgres, url: "${postgresUrl}", schema: ${schema} }`;
      },
    ],
  ])(
    'exports one fiscal year per FEC from a %s target: a two-year dossier asks which, and each year gets its own lines',
    async (dialect, target) => {
      if (dialect === 'PostgreSQL' && !postgresAvailable) return;
      const { dir } = await migrate(
        {
          'fec/552100554FEC20221231.txt': previousYear,
          'fec/552100554FEC20231231.txt': openingYear('1200,00', '700,00'),
        },
        target(),
      );
      const plan = path.join(dir, 'cutover.yaml');
      const both = await cli([
        'fec',
        'export',
        '--plan',
        plan,
        '--dossier',
        'default',
        '--out',
        `${dir}/out/`,
      ]);
      expect(both.code, describeResult(both)).toBe(2);
      expect(both.stderr).toContain('has 2 fiscal years (2022-12-31, 2023-12-31)');
      const years = [];
      for (const year of ['2022-12-31', '2023-12-31']) {
        const result = await cli([
          'fec',
          'export',
          '--plan',
          plan,
          '--dossier',
          'default',
          '--fiscal-year',
          year,
          '--out',
          `${dir}/out/`,
          '--json',
        ]);
        expect(result.code, describeResult(result)).toBe(0);
        years.push(parseJsonStdout<{ file: string; lines: number; closingDate: string }>(result));
      }
      expect(years.map((year) => [path.basename(year.file), year.lines])).toEqual([
        ['defaultFEC20221231.txt', 7],
        ['defaultFEC20231231.txt', 6],
      ]);
    },
    120_000,
  );
});
