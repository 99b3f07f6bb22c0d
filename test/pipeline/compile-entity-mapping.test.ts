import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/core/plan/parse-plan.js';
import type { SourceRecord } from '../../src/core/source-record.js';
import { parseJsonKeepingNumbers } from '../../src/connectors/files/parse-json-keeping-numbers.js';
import { compileEntityMapping } from '../../src/pipeline/map/compile-entity-mapping.js';
import { fieldText } from '../../src/pipeline/run/dossier-inputs.js';
import { targetColumns } from '../../src/store/target/target-ddl.js';

const plan = parsePlan(`version: 1
name: t
target: {type: sqlite, url: t.db}
entities:
  company:
    source: {type: csv, path: c.csv}
    key: id
  contact:
    source: {type: csv, path: contacts.csv}
    key: [id]
    fields:
      first_name: {from: first, transform: [trim]}
      last_name: {from: last, required: true, transform: trim}
      email: {from: mail, transform: [trim, lower]}
      birth_date: {from: born, formats: ["dd/MM/yyyy", "yyyy-MM-dd"]}
      opt_in: {from: optin, map: {Y: "yes", N: "no"}, default: "no"}
      company_id: {from: company}
      country: {value: FR}
    skip:
      - rule: test-records
        when: {field: mail, matches: "@example\\\\.test$"}
`);

const map = compileEntityMapping('contact', plan.entities.contact!);
/** A read of dossier crm (`$occurrence` counts within one). */
const crm = () => ({ dossier: 'crm', occurrences: new Map<string, number>() });
const record = (fields: Record<string, string>, line = 2): SourceRecord => ({
  fields,
  location: { source: 'contacts.csv', line, record: line - 1 },
});
const base = {
  id: '7',
  first: ' Zoé ',
  last: 'Durand',
  mail: ' ZOE@Mail.fr ',
  born: '03/01/1990',
  optin: 'Y',
  company: 'C1',
};

describe('compileEntityMapping', () => {
  it('maps a record to canonical values in target column order, the reference as the parent source key', () => {
    const outcome = map(record(base), crm());
    if (outcome.fate !== 'mapped') throw new Error(`expected mapped, got ${outcome.fate}`);
    expect(outcome.record.sourceKey).toBe('7');
    const byColumn = Object.fromEntries(
      targetColumns('contact').map((column, index) => [column.name, outcome.record.values[index]]),
    );
    expect(byColumn).toEqual({
      first_name: 'Zoé',
      last_name: 'Durand',
      email: 'zoe@mail.fr',
      phone: null,
      mobile: null,
      job_title: null,
      postcode: null,
      city: null,
      country: 'FR',
      birth_date: '1990-01-03',
      opt_in: true,
      company_id: 'C1',
      owner_id: null,
      created_at: null,
      updated_at: null,
    });
  });

  it('rejects a required field left empty, naming the column', () => {
    expect(map(record({ ...base, last: '   ' }), crm())).toMatchObject({
      fate: 'rejected',
      reason: 'REQUIRED_MISSING',
      column: 'last_name',
      sourceKey: '7',
    });
  });

  it('rejects an impossible date and a value missing from a value map without default', () => {
    expect(map(record({ ...base, born: '31/02/1980' }), crm())).toMatchObject({
      fate: 'rejected',
      reason: 'INVALID_DATE',
      column: 'birth_date',
    });
    expect(map(record({ ...base, optin: 'maybe' }), crm())).toMatchObject({ fate: 'mapped' });
  });

  it('skips by a named rule and rejects a record without key', () => {
    expect(map(record({ ...base, mail: 'qa@example.test' }), crm())).toEqual({
      fate: 'skipped',
      rule: 'test-records',
      sourceKey: '7',
    });
    expect(map(record({ ...base, id: '' }), crm())).toMatchObject({
      fate: 'rejected',
      reason: 'MISSING_SOURCE_KEY',
    });
  });

  it('passes a read problem through as the rejection reason', () => {
    const broken: SourceRecord = {
      ...record(base),
      problem: { reason: 'WRONG_COLUMN_COUNT', message: '3 fields, 7 expected' },
    };
    expect(map(broken, crm())).toMatchObject({ fate: 'rejected', reason: 'WRONG_COLUMN_COUNT' });
  });

  it('keeps distinct records of a key of several columns distinct: empty parts keep their place, | is escaped', () => {
    const keyed = compileEntityMapping(
      'company',
      parsePlan(`version: 1
name: t
target: {type: sqlite, url: t.db}
entities:
  user:
    source: {type: csv, path: u.csv}
    key: [ua, ub]
  company:
    source: {type: csv, path: c.csv}
    key: [a, b]
    fields:
      owner_id: {from: [pa, pb]}
`).entities.company!,
    );
    const keyOf = (a: string, b: string, pa = '', pb = '') => {
      const outcome = keyed(record({ a, b, pa, pb }), crm());
      return outcome.fate === 'mapped' ? outcome.record.sourceKey : outcome.fate;
    };
    expect(keyOf('1', '2')).toBe('1|2');
    expect(keyOf(' 1 ', '2')).toBe('1|2');
    expect([keyOf('1', ''), keyOf('', '1')]).toEqual(['1|', '|1']);
    expect([keyOf('x|y', 'z'), keyOf('x', 'y|z')]).toEqual(['x\\|y|z', 'x|y\\|z']);
    expect(keyOf('a\\', '|b')).toBe('a\\\\|\\|b');
    expect(keyOf('', ' ')).toBe('rejected');
    // A reference of several columns is joined the same way, so that it finds the key of its parent.
    const outcome = keyed(record({ a: '9', b: '9', pa: '', pb: '1' }), crm());
    const parent = targetColumns('company').findIndex((column) => column.name === 'owner_id');
    expect(outcome.fate === 'mapped' && outcome.record.values[parent]).toBe('|1');
  });

  it('writes an object or array a field holds as JSON, its nested numbers unquoted and as written, in a key too', () => {
    const address = parseJsonKeepingNumbers('{"a":{"zip":75001,"lat":48.850,"tags":[1,"2"],"ok":true}}') as {
      a: string;
    };
    const outcome = map(record({ ...base, id: address.a, last: address.a }), crm());
    if (outcome.fate !== 'mapped') throw new Error(`expected mapped, got ${outcome.fate}`);
    const json = '{"zip":75001,"lat":48.850,"tags":[1,"2"],"ok":true}';
    expect(outcome.record.sourceKey).toBe(json);
    const lastName = targetColumns('contact').findIndex((column) => column.name === 'last_name');
    expect(outcome.record.values[lastName]).toBe(json);
    expect(fieldText(address.a)).toBe(json);
  });

  it('rejects a value nested too deeply to be written as text, instead of failing the run', () => {
    let deep: unknown = [];
    for (let depth = 0; depth < 200_000; depth++) deep = [deep];
    const outcome = map(record({ ...base, first: deep as string }), crm());
    expect(outcome).toMatchObject({ fate: 'rejected', reason: 'MALFORMED_JSON' });
    expect(map(record(base), crm()).fate).toBe('mapped');
  });
});

describe('$occurrence: the n-th record of a key within a read of a dossier', () => {
  const lines = parsePlan(`version: 1
name: t
target: {type: sqlite, url: t.db}
entities:
  entry_line:
    source: {type: csv, path: l.csv}
    key: [journal, number, $occurrence]
    fields:
      line_number: {from: $occurrence}
      label: label
`).entities.entry_line!;
  const mapLine = compileEntityMapping('entry_line', lines);
  const line = (journal: string, number: string, label: string, at: number): SourceRecord => ({
    fields: { journal, number, label },
    location: { source: 'l.csv', line: at + 1, record: at },
  });
  const keysOf = (records: readonly SourceRecord[]) => {
    const context = { dossier: 'd', occurrences: new Map<string, number>() };
    return records.map((record) => {
      const outcome = mapLine(record, context);
      if (outcome.fate !== 'mapped') return outcome.fate;
      const lineNumber =
        outcome.record.values[targetColumns('entry_line').findIndex((c) => c.name === 'line_number')];
      return `${outcome.record.sourceKey} #${String(lineNumber)}`;
    });
  };

  it('numbers the records sharing the rest of the key 1, 2... in source order, the field mapping the same number', () => {
    expect(
      keysOf([
        line('VE', '1', 'a', 1),
        line('VE', '1', 'b', 2),
        line('AC', '1', 'c', 3),
        line('VE', '1', 'd', 4),
      ]),
    ).toEqual(['VE|1|1 #1', 'VE|1|2 #2', 'AC|1|1 #1', 'VE|1|3 #3']);
  });

  it('gives a line the same key when other entries are added before it, where a record number would shift', () => {
    const before = keysOf([line('VE', '1', 'a', 1), line('VE', '1', 'b', 2)]);
    const after = keysOf([
      line('AC', '7', 'new', 1),
      line('AC', '7', 'new', 2),
      line('VE', '1', 'a', 3),
      line('VE', '1', 'b', 4),
    ]);
    expect(after.slice(2)).toEqual(before);
  });

  it('starts again for each read: each context counts its own', () => {
    expect(keysOf([line('VE', '1', 'a', 1)])).toEqual(keysOf([line('VE', '1', 'a', 1)]));
  });

  it('leaves a record whose other key columns are empty without a key, and without a number', () => {
    expect(keysOf([line('', '', 'a', 1), line('VE', '1', 'b', 2)])).toEqual(['rejected', 'VE|1|1 #1']);
  });
});
