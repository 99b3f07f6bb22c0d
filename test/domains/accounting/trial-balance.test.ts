import { describe, expect, it } from 'vitest';
import {
  createTrialBalanceAccumulator,
  trialBalanceOf,
  trialBalanceOfStream,
  type TrialBalanceLine,
} from '../../../src/domains/accounting/trial-balance.js';
import { centsToDecimal, parseAmount, ZERO_AMOUNT } from '../../../src/domains/accounting/exact-sum.js';
import { createRandom } from '../../../src/generator/random.js';

const line = (overrides: Partial<TrialBalanceLine>): TrialBalanceLine => ({
  account: '512000',
  journal: 'BQ',
  entryNumber: '1',
  date: '2024-01-15',
  debit: '0',
  credit: '0',
  ...overrides,
});

/** A sale and its payment, lettered together on the customer account. */
const sale: TrialBalanceLine[] = [
  line({
    journal: 'VE',
    entryNumber: '1',
    account: '411000',
    auxiliaryAccount: 'C001',
    debit: '120',
    letteringCode: 'A',
  }),
  line({ journal: 'VE', entryNumber: '1', account: '706000', credit: '100' }),
  line({ journal: 'VE', entryNumber: '1', account: '445710', credit: '20' }),
  line({ journal: 'BQ', entryNumber: '1', date: '2024-02-03', account: '512000', debit: '120' }),
  line({
    journal: 'BQ',
    entryNumber: '1',
    date: '2024-02-03',
    account: '411000',
    auxiliaryAccount: 'C001',
    credit: '120',
    letteringCode: 'A',
  }),
];

describe('trial balance', () => {
  it('is all zeros and empty lists for no lines', () => {
    expect(trialBalanceOf([])).toEqual({
      entries: 0,
      lines: 0,
      totals: { debit: '0', credit: '0', balance: '0', lines: 0 },
      accounts: [],
      auxiliaryAccounts: [],
      journals: [],
      months: [],
      letteringGroups: [],
    });
  });

  it('totals each account, auxiliary account, journal, month and lettering group of a sale and its payment', () => {
    const balance = trialBalanceOf(sale);
    expect(balance.entries).toBe(2);
    expect(balance.lines).toBe(5);
    expect(balance.totals).toEqual({ debit: '240', credit: '240', balance: '0', lines: 5 });
    expect(balance.accounts).toEqual([
      { account: '411000', debit: '120', credit: '120', balance: '0', lines: 2 },
      { account: '445710', debit: '0', credit: '20', balance: '-20', lines: 1 },
      { account: '512000', debit: '120', credit: '0', balance: '120', lines: 1 },
      { account: '706000', debit: '0', credit: '100', balance: '-100', lines: 1 },
    ]);
    expect(balance.auxiliaryAccounts).toEqual([
      { auxiliaryAccount: 'C001', debit: '120', credit: '120', balance: '0', lines: 2 },
    ]);
    expect(balance.journals).toEqual([
      { journal: 'BQ', entries: 1, debit: '120', credit: '120', balance: '0', lines: 2 },
      { journal: 'VE', entries: 1, debit: '120', credit: '120', balance: '0', lines: 3 },
    ]);
    expect(balance.months).toEqual([
      { month: '2024-01', debit: '120', credit: '120', balance: '0', lines: 3 },
      { month: '2024-02', debit: '120', credit: '120', balance: '0', lines: 2 },
    ]);
    expect(balance.letteringGroups).toEqual([
      { account: '411000', letteringCode: 'A', debit: '120', credit: '120', balance: '0', lines: 2 },
    ]);
  });

  it('adds amounts with more than two decimals exactly, where binary floats would drift', () => {
    const lines = Array.from({ length: 10 }, (_, index) =>
      line({ entryNumber: String(index), debit: '0.1', credit: '0.001' }),
    );
    lines.push(line({ entryNumber: 'x', debit: '0.123456789012345678901', credit: '' }));
    const balance = trialBalanceOf(lines);
    expect(balance.totals).toEqual({
      debit: '1.123456789012345678901',
      credit: '0.01',
      balance: '1.113456789012345678901',
      lines: 11,
    });
    expect(balance.entries).toBe(11);
  });

  it('keeps negative amounts (reversals) as signed figures', () => {
    const balance = trialBalanceOf([
      line({ account: '601000', debit: '-150.25' }),
      line({ account: '601000', debit: '100', credit: '-0.75' }),
      line({ account: '401000', credit: '-49.5' }),
    ]);
    expect(balance.accounts).toEqual([
      { account: '401000', debit: '0', credit: '-49.5', balance: '49.5', lines: 1 },
      { account: '601000', debit: '-50.25', credit: '-0.75', balance: '-49.5', lines: 2 },
    ]);
    expect(balance.totals.balance).toBe('0');
  });

  it('stays exact beyond the safe-integer range of cents', () => {
    const huge = '99999999999999999.99';
    const balance = trialBalanceOf([line({ debit: huge }), line({ debit: huge }), line({ credit: '0.01' })]);
    expect(balance.totals).toEqual({
      debit: '199999999999999999.98',
      credit: '0.01',
      balance: '199999999999999999.97',
      lines: 3,
    });
  });

  it('counts an entry once even when its lines are not adjacent, and apart per journal', () => {
    const balance = trialBalanceOf([
      line({ journal: 'VE', entryNumber: '7' }),
      line({ journal: 'AC', entryNumber: '7' }),
      line({ journal: 'VE', entryNumber: '7' }),
    ]);
    expect(balance.entries).toBe(2);
    expect(balance.journals.map((journal) => [journal.journal, journal.entries, journal.lines])).toEqual([
      ['AC', 1, 1],
      ['VE', 1, 2],
    ]);
  });

  it('shows a partial lettering as a group whose balance is not zero', () => {
    const balance = trialBalanceOf([
      line({ account: '401000', credit: '300', letteringCode: 'AB' }),
      line({ account: '401000', debit: '200', letteringCode: 'AB' }),
      line({ account: '411000', debit: '5', letteringCode: 'AB' }),
    ]);
    expect(balance.letteringGroups).toEqual([
      { account: '401000', letteringCode: 'AB', debit: '200', credit: '300', balance: '-100', lines: 2 },
      { account: '411000', letteringCode: 'AB', debit: '5', credit: '0', balance: '5', lines: 1 },
    ]);
  });

  it('gives the same result from a stream of batches as from an array, and is plain JSON', async () => {
    async function* batches() {
      yield await Promise.resolve(sale.slice(0, 2));
      yield sale.slice(2);
    }
    const streamed = await trialBalanceOfStream(batches());
    expect(streamed).toEqual(trialBalanceOf(sale));
    expect(JSON.parse(JSON.stringify(streamed))).toEqual(streamed);
  });

  it('can be read while lines are still being added', () => {
    const accumulator = createTrialBalanceAccumulator();
    accumulator.add(sale[0]!);
    expect(accumulator.result().totals.debit).toBe('120');
    accumulator.add(sale[3]!);
    expect(accumulator.result().totals.debit).toBe('240');
  });

  it('refuses an amount that is not a plain decimal, naming it', () => {
    expect(() => trialBalanceOf([line({ debit: '1,5' })])).toThrow('not a decimal amount: "1,5"');
    expect(() => trialBalanceOf([line({ credit: 'N/A' })])).toThrow('N/A');
  });
});

describe('exact sum helpers', () => {
  it('reads two-decimal amounts as cents and longer ones as text only', () => {
    expect(parseAmount('-12.5')).toEqual({ cents: -1250, text: '-12.5' });
    expect(parseAmount('0.10')).toEqual({ cents: 10, text: '0.10' });
    expect(parseAmount('.5')).toEqual({ cents: 50, text: '.5' });
    expect(parseAmount('-0')).toEqual({ cents: 0, text: '-0' });
    expect(parseAmount('1.005').cents).toBeUndefined();
    expect(parseAmount('12345678901234').cents).toBeUndefined();
  });

  it('reads every text as the regular expression it reads most of them without does: same cents, same refusals', () => {
    // The reading parseAmount had before it read plain amounts digit by digit; it still reads the rest.
    const byExpression = (text: string): number | undefined | 'refused' => {
      if (text === '') return 0;
      const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
      if (match === null || ((match[2] ?? '') === '' && (match[3] ?? '') === '')) return 'refused';
      const units = (match[2] ?? '').replace(/^0+/, '');
      const fraction = (match[3] ?? '').replace(/0+$/, '');
      if (fraction.length > 2 || units.length > 13) return undefined;
      const cents = Number(units || '0') * 100 + Number(fraction.padEnd(2, '0'));
      return match[1] === '-' && cents !== 0 ? -cents : cents;
    };
    const random = createRandom(7, 'amounts');
    const digits = (count: number) => Array.from({ length: count }, () => random.int(0, 9)).join('');
    const texts = ['0', '-0', '+0', '5.', '.5', '-.5', '.', '-', '+', '1.500', '0012.30', '9999999999999.99'];
    texts.push('99999999999999', '00000000000001.5', '-1234567890123.45', '1.2.3', '1-2', ' 1', '1 ', '1e5');
    for (let count = 0; count < 5_000; count++) {
      // Sign, up to 15 integer digits, up to 4 decimals; one in four with a stray character somewhere.
      let text = `${['', '', '-', '+'][random.int(0, 3)]}${digits(random.int(0, 15))}`;
      if (random.int(0, 2) > 0) text += `.${digits(random.int(0, 4))}`;
      if (random.int(0, 3) === 0) {
        const at = random.int(0, text.length);
        text = `${text.slice(0, at)}${' .-+e,'[random.int(0, 5)]}${text.slice(at)}`;
      }
      texts.push(text);
    }
    for (const text of texts) {
      const expected = byExpression(text);
      if (expected === 'refused') expect(() => parseAmount(text), text).toThrow('not a decimal amount');
      else expect(parseAmount(text), text).toEqual(text === '' ? ZERO_AMOUNT : { cents: expected, text });
    }
  });

  it('writes cents as canonical decimals', () => {
    expect([0, 1, 10, 100, -1250, 123456, -5].map(centsToDecimal)).toEqual([
      '0',
      '0.01',
      '0.1',
      '1',
      '-12.5',
      '1234.56',
      '-0.05',
    ]);
  });
});

describe('trial balance keys', () => {
  it('reads padded codes as the codes they pad, as fixed-width legacy exports write them', () => {
    const padded = trialBalanceOf([
      line({
        journal: 'VE  ',
        entryNumber: '00000001 ',
        account: '411000  ',
        auxiliaryAccount: 'C1  ',
        debit: '5',
        letteringCode: 'A ',
      }),
      line({
        journal: 'VE',
        entryNumber: '00000001',
        account: '411000',
        auxiliaryAccount: ' ',
        credit: '5',
        letteringCode: '',
      }),
    ]);
    expect(padded.entries).toBe(1);
    expect(padded.journals.map((journal) => journal.journal)).toEqual(['VE']);
    expect(padded.accounts.map((account) => account.account)).toEqual(['411000']);
    expect(
      padded.auxiliaryAccounts.map((auxiliary) => [auxiliary.auxiliaryAccount, auxiliary.lines]),
    ).toEqual([['C1', 1]]);
    expect(padded.letteringGroups.map((group) => [group.account, group.letteringCode])).toEqual([
      ['411000', 'A'],
    ]);
  });
});
