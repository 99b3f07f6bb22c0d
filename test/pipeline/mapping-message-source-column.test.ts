import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/core/plan/parse-plan.js';
import { compileEntityMapping } from '../../src/pipeline/map/compile-entity-mapping.js';

/** febrl3's header, `rec_id, given_name, surname, ...`: every column but the first starts with a space. */
const plan = parsePlan(`version: 1
name: t
target: {type: sqlite, url: t.db}
entities:
  contact:
    source: {type: csv, path: febrl3.csv}
    key: rec_id
    fields:
      last_name: {from: ' surname', required: true}
      first_name: {from: [' given_name', ' surname']}
      birth_date: {from: date_of_birth, formats: [yyyyMMdd]}
`);

const map = compileEntityMapping('contact', plan.entities.contact!);
const record = (fields: Record<string, string>) => ({
  fields,
  location: { source: 'febrl3.csv', line: 5, record: 4 },
});

describe("a reject's message naming its source column", () => {
  it('quotes a column whose name has spaces at its ends, and leaves a plain name bare', () => {
    expect(
      map(record({ rec_id: 'r1', ' given_name': 'isabelle', ' surname': '', date_of_birth: '19921119' }), {
        dossier: 'crm',
        occurrences: new Map(),
      }),
    ).toMatchObject({
      reason: 'REQUIRED_MISSING',
      message: 'last_name (source " surname") is required but empty',
    });
    expect(
      map(
        record({ rec_id: 'r1', ' given_name': 'isabelle', ' surname': 'smith', date_of_birth: '19921192' }),
        {
          dossier: 'crm',
          occurrences: new Map(),
        },
      ),
    ).toMatchObject({
      reason: 'INVALID_DATE',
      message: 'birth_date (source date_of_birth): "19921192" is not a date in format yyyyMMdd',
    });
  });
});
