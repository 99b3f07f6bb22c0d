import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvSource } from '../../src/connectors/files/csv-source.js';
import { fecSource } from '../../src/connectors/files/fec-source.js';
import { ErrorCode } from '../../src/core/errors.js';
import { entityPlanSchema } from '../../src/core/plan/plan-schema.js';
import { columnsReadBy, missingColumnsError } from '../../src/pipeline/map/source-columns-check.js';
import { makeTempDir, readAll, writeFixture } from '../connectors/files/file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

const entity = entityPlanSchema.parse({
  source: { type: 'csv', path: 'contacts.csv' },
  dossier: { field: 'Agency' },
  key: ['Agency', 'Id', '$record'],
  fields: {
    last_name: { from: 'Name', required: true },
    full_name: { from: ['First', 'Name'] },
    email: 'Email',
    source_system: { value: 'legacy' },
    line: { from: '$line' },
  },
  skip: [{ rule: 'tests', when: { field: 'Status', equals: 'test' } }],
});

describe('the source columns a plan reads', () => {
  it('lists key, field, skip and dossier columns once each, in plan order, with every use, without pseudo-columns or constants', () => {
    expect(columnsReadBy(entity)).toEqual([
      { column: 'Agency', by: 'the key, the dossier rule' },
      { column: 'Id', by: 'the key' },
      { column: 'Name', by: 'field last_name, field full_name' },
      { column: 'First', by: 'field full_name' },
      { column: 'Email', by: 'field email' },
      { column: 'Status', by: 'skip rule tests' },
    ]);
  });

  it('finds nothing missing when the source has every column, in any order, with others besides', () => {
    const columns = ['Status', 'Email', 'Name', 'First', 'Id', 'Agency', 'Phone'];
    expect(missingColumnsError('contact', 'c.csv', columnsReadBy(entity), columns, { file: 'c.csv' })).toBe(
      undefined,
    );
  });

  it('suggests the column differing by case or spaces, else by a typo, and none when nothing is close', () => {
    const error = missingColumnsError(
      'contact',
      'c.csv',
      columnsReadBy(entity),
      ['agency', 'Id', ' Name ', 'Frist', 'Courriel', 'Status'],
      { file: 'c.csv' },
    );
    expect(error?.message).toBe(
      'contact: c.csv has no column "Agency" (read by the key, the dossier rule; did you mean "agency"?), "Name" ' +
        '(read by field last_name, field full_name; did you mean " Name "?), "First" (read by field full_name; did you mean "Frist"?), "Email" ' +
        '(read by field email); its columns are "agency", "Id", " Name ", "Frist", "Courriel", "Status". ' +
        'Name the column as the source writes it in the plan',
    );
  });

  it('suggests an abbreviation of the name, or the name an abbreviation stands for ("Amt" for "Amount")', () => {
    const uses = [
      { column: 'Amount', by: 'field amount' },
      { column: 'Email', by: 'field email' },
    ];
    const error = missingColumnsError(
      'deal',
      'd.csv',
      uses,
      ['Id', 'Name', 'Amt', 'E-mail address', 'Note'],
      {
        file: 'd.csv',
      },
    );
    expect(error?.message).toMatch(
      /^deal: d\.csv has no column "Amount" \(read by field amount; did you mean "Amt"\?\), "Email" \(read by field email; did you mean "E-mail address"\?\);/,
    );
  });

  it("stops one dossier's file (its file named, for the run to go on with the others), a database's whole plan", () => {
    const uses = [{ column: 'Name', by: 'field last_name' }];
    const file = missingColumnsError('contact', 'a/c.csv', uses, ['Id'], { file: 'a/c.csv' });
    expect([file?.code, file?.context]).toEqual([
      ErrorCode.SOURCE_FAILED,
      { entity: 'contact', file: 'a/c.csv' },
    ]);
    const table = missingColumnsError('contact', 'table contacts', uses, ['Id'], { file: undefined });
    expect(table?.code).toBe(ErrorCode.PLAN_INVALID);
  });

  it('lists at most 30 of a wide source’s columns, and says how many more', () => {
    const columns = Array.from({ length: 45 }, (_, index) => `c${index}`);
    const message = missingColumnsError(
      'contact',
      'w.csv',
      [{ column: 'zz', by: 'the key' }],
      columns,
      {},
    )?.message;
    expect(message).toContain('"c29" and 15 more.');
    expect(message).not.toContain('"c30"');
  });
});

describe('what sources say their columns are', () => {
  it('a CSV: its header, once the read has begun, renamed duplicates included', async () => {
    const file = await writeFixture(dir, 'c.csv', 'Id;Name;Name\n1;a;b\n');
    const source = csvSource(
      { type: 'csv', path: 'c.csv', encoding: 'auto', delimiter: 'auto', quote: '"' },
      file,
    );
    expect(source.columns?.()).toBe(undefined);
    const { records } = await readAll(source);
    expect(source.columns?.()).toEqual(Object.keys(records[0]!.fields));
    expect(source.columns?.()).toContain('Id');
  });

  it('a FEC: its header, its derived fields, and the norm’s columns it lacks (read as empty, not a plan error)', async () => {
    // Sixteen columns: no Montantdevise nor Idevise, which a FEC plan maps to the currency amount and code.
    const file = await writeFixture(
      dir,
      '123456789FEC20221231.txt',
      'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\t' +
        'PieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\n' +
        'VE\tVentes\t1\t20220105\t411000\tClients\t\t\tF1\t20220105\tVente\t120,00\t0,00\t\t\t20220105\n',
    );
    const source = fecSource({ type: 'fec', path: '*FEC*.txt', encoding: 'auto' }, file, dir);
    await readAll(source);
    const columns = source.columns?.() ?? [];
    expect(columns).toEqual(
      expect.arrayContaining(['CompteNum', 'Montantdevise', 'Idevise', 'account_number', 'entry_key']),
    );
    const uses = [
      { column: 'Montantdevise', by: 'field currency_amount' },
      { column: 'CompteNm', by: 'field account_id' },
    ];
    expect(
      missingColumnsError('entry_line', file.relative, uses, columns, { file: file.relative })?.message,
    ).toMatch(
      /^entry_line: 123456789FEC20221231\.txt has no column "CompteNm" \(read by field account_id; did you mean "CompteNum"\?\);/,
    );
  });
});
