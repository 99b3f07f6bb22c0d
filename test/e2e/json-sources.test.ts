import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/store/state/state-store.js';
import { tempDir } from '../support/stores.js';
import { cli, describeResult, ensureBuilt, parseJsonStdout } from './support/cli.js';
import { querySqlite, writeFiles } from './support/helpers.js';

/**
 * JSON and NDJSON sources through the built CLI: what `run` loads, what `ledger` keeps, and that `reconcile`
 * accounts for every record, on the inputs QA found mishandled.
 */

const planFor = (
  source: string,
  dossier = '{ value: crm }',
  fields = '{ amount: amount, name: name }',
) => `version: 1
name: qa
target: { type: sqlite, url: target.db }
thresholds: { maxRejectedRatio: 1 }
entities:
  deal:
    source: ${source}
    dossier: ${dossier}
    key: id
    fields: ${fields}
`;

interface RunJson {
  status: string;
  records: { read: number; loaded: number; rejected: number };
}

interface ReconcileJson {
  ok: boolean;
  totals: { source: number; loaded: number; rejected: number; unaccounted: number };
}

const migrate = async (
  source: string,
  files: Record<string, string | Buffer>,
  dossier?: string,
  fields?: string,
) => {
  const dir = tempDir('cutover-e2e-json-');
  writeFiles(dir, { 'cutover.yaml': planFor(source, dossier, fields), ...files });
  const plan = path.join(dir, 'cutover.yaml');
  const run = await cli(['run', '--plan', plan, '--json']);
  expect(run.code, describeResult(run)).toBe(0);
  const reconciled = await cli(['reconcile', '--plan', plan, '--json']);
  expect(reconciled.code, describeResult(reconciled)).toBe(0);
  const ledger = await cli(['ledger', '--plan', plan, '--json']);
  expect(ledger.code, describeResult(ledger)).toBe(0);
  return {
    run: parseJsonStdout<RunJson>(run),
    reconcile: parseJsonStdout<ReconcileJson>(reconciled),
    ledger: parseJsonStdout<{ entries: LedgerEntry[] }>(ledger).entries,
    rows: querySqlite<Record<string, unknown>>(
      path.join(dir, 'target.db'),
      'SELECT dossier_id, source_key, amount, name FROM deal ORDER BY id',
    ),
  };
};

const rejected = (entry: LedgerEntry) => ({
  location: entry.location,
  reason: entry.reason,
  message: entry.message,
  column: entry.column,
  sourceKey: entry.sourceKey,
  raw: entry.raw,
});

describe('JSON and NDJSON sources', () => {
  beforeAll(() => ensureBuilt(), 240_000);

  it.each([
    [
      'json',
      '{ type: json, path: d.json }',
      'd.json',
      (elements: string[]) => `[${elements.join(',\n ')}]\n`,
      (record: number) => `d.json:${record}#${record}`,
    ],
    [
      'ndjson',
      '{ type: ndjson, path: d.ndjson }',
      'd.ndjson',
      (elements: string[]) => `${elements.join('\n')}\n`,
      (record: number) => `d.ndjson:${record}`,
    ],
  ])(
    '%s: loads amounts and keys exactly as written, never through a binary float',
    async (_type, source, file, write, location) => {
      const elements = [
        '{"id":1,"amount":12345678901234567.89,"name":"A"}',
        '{"id":12345678901234567890,"name":"B"}',
        '{"id":12345678901234567891,"name":"C"}',
        '{"id":12345678901234567891, "amount":1.10, "name":"again"}',
      ];
      const migrated = await migrate(source, { [file]: write(elements) });
      expect(migrated.run.records).toMatchObject({ read: 4, loaded: 3, rejected: 1 });
      expect(migrated.rows).toEqual([
        { dossier_id: 'crm', source_key: '1', amount: '12345678901234567.89', name: 'A' },
        { dossier_id: 'crm', source_key: '12345678901234567890', amount: null, name: 'B' },
        { dossier_id: 'crm', source_key: '12345678901234567891', amount: null, name: 'C' },
      ]);
      expect(migrated.ledger.map(rejected)).toEqual([
        {
          location: location(4),
          reason: 'DUPLICATE_SOURCE_KEY',
          message:
            'source key 12345678901234567891 was already loaded from an earlier record of this dossier',
          column: null,
          sourceKey: '12345678901234567891',
          raw: elements[3],
        },
      ]);
      expect(migrated.reconcile.ok).toBe(true);
      expect(migrated.reconcile.totals).toMatchObject({ source: 4, loaded: 3, rejected: 1, unaccounted: 0 });
    },
  );

  it.each([
    [
      'json',
      '{ type: json, path: d.json }',
      'd.json',
      (elements: string[]) => `[\n${elements.join(',\n')}\n]\n`,
    ],
    [
      'ndjson',
      '{ type: ndjson, path: d.ndjson }',
      'd.ndjson',
      (elements: string[]) => `${elements.join('\n')}\n`,
    ],
  ])(
    '%s: a field holding an object or array is loaded as its JSON, numbers unquoted and as written',
    async (_type, source, file, write) => {
      const elements = [
        '{"id":1,"address":{"zip":75001,"lat":48.850,"tags":[1,2],"ok":true,"city":"Paris","code":"75001"}}',
        '{"id":2,"address":[12345678901234567890,-0.0,1E+400,"\\u00003",{"n":null}]}',
        '{"id":3, "address" : { "zip" : 1e2 , "in" : [ [ 7 ] ] } }',
        '{"id":4,"address":"75001"}',
        '{"id":1,"address":{"zip":75002}}',
      ];
      const migrated = await migrate(source, { [file]: write(elements) }, undefined, '{ name: address }');
      expect(migrated.run.records).toMatchObject({ read: 5, loaded: 4, rejected: 1 });
      expect(migrated.rows.map((row) => [row.source_key, row.name])).toEqual([
        ['1', '{"zip":75001,"lat":48.850,"tags":[1,2],"ok":true,"city":"Paris","code":"75001"}'],
        ['2', '[12345678901234567890,-0.0,1E+400,"\\u00003",{"n":null}]'],
        ['3', '{"zip":1e2,"in":[[7]]}'],
        ['4', '75001'],
      ]);
      // The ledger keeps the record as read: its numbers as the file wrote them.
      expect(migrated.ledger.map((entry) => [entry.reason, entry.raw])).toEqual([
        ['DUPLICATE_SOURCE_KEY', elements[4]],
      ]);
      expect(migrated.reconcile.ok).toBe(true);
      expect(migrated.reconcile.totals).toMatchObject({ source: 5, loaded: 4, rejected: 1, unaccounted: 0 });
    },
  );

  it('ndjson: a registry attribute holding an object is kept as JSON, its numbers unquoted, in the target and the state', async () => {
    const dir = tempDir('cutover-e2e-json-');
    writeFiles(dir, {
      'cutover.yaml': planFor('{ type: ndjson, path: d.ndjson }').replace(
        'entities:',
        'dossiers:\n  registry: { source: { type: ndjson, path: reg.ndjson }, id: id, attributes: [geo, siren] }\nentities:',
      ),
      'reg.ndjson': '{"id":"crm","siren":732829320,"geo":{"zip":75001,"lat":48.850,"code":"75001"}}\n',
      'd.ndjson': '{"id":1,"name":"A"}\n',
    });
    const run = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const attributes = '{"geo":{"zip":75001,"lat":48.850,"code":"75001"},"siren":"732829320"}';
    for (const store of ['target.db', '.cutover/state.db'])
      expect(querySqlite(path.join(dir, store), 'SELECT id, attributes FROM dossier'), store).toEqual([
        { id: 'crm', attributes },
      ]);
  });

  it.each([
    [
      'text after the array',
      '[{"id":1,"name":"A"}] trailing',
      'text after the end of the document, at line 1, column 23',
      'trailing',
    ],
    [
      'a trailing comma',
      '[{"id":1,"name":"A"},]',
      'the array ends with a comma and no element after it, at line 1, column 22',
      ',]',
    ],
  ])(
    'json: loads the records before %s and rejects that text once, naming where',
    async (_what, text, message, raw) => {
      const migrated = await migrate('{ type: json, path: d.json }', { 'd.json': text });
      expect(migrated.run.records).toMatchObject({ read: 2, loaded: 1, rejected: 1 });
      expect(migrated.rows).toEqual([{ dossier_id: 'crm', source_key: '1', amount: null, name: 'A' }]);
      expect(migrated.ledger.map(rejected)).toEqual([
        { location: 'd.json:1#2', reason: 'MALFORMED_JSON', message, column: null, sourceKey: null, raw },
      ]);
      expect(migrated.reconcile.totals).toMatchObject({ source: 2, loaded: 1, rejected: 1, unaccounted: 0 });
    },
  );

  it('json: rejects an element holding bytes that are not UTF-8 as INVALID_ENCODING, naming the field, and loads the others', async () => {
    const bytes = Buffer.concat([
      Buffer.from('[{"id":1,"name":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"},{"id":2,"name":"ok"}]'),
    ]);
    const migrated = await migrate('{ type: json, path: d.json }', { 'd.json': bytes });
    expect(migrated.run.records).toMatchObject({ read: 2, loaded: 1, rejected: 1 });
    expect(migrated.rows).toEqual([{ dossier_id: 'crm', source_key: '2', amount: null, name: 'ok' }]);
    expect(migrated.ledger.map(rejected)).toEqual([
      {
        location: 'd.json:1#1',
        reason: 'INVALID_ENCODING',
        message: 'element 1 of the array holds bytes that are not valid UTF-8 (in "name")',
        column: 'name',
        sourceKey: '1',
        raw: '{"id":1,"name":"caf\uFFFD"}',
      },
    ]);
    expect(migrated.reconcile.totals).toMatchObject({ source: 2, loaded: 1, rejected: 1, unaccounted: 0 });
  });

  it('json: rejects a file whose top is an object as one MALFORMED_JSON record, and migrates the other dossiers', async () => {
    const object = '{"deals":[{"id":1,"name":"B1"}]}\n';
    const migrated = await migrate(
      '{ type: json, path: "md/{dossier}/c.json" }',
      {
        'md/a/c.json': '[{"id":1,"name":"A1"}]',
        'md/b/c.json': object,
        'md/c/c.json': '[{"id":1,"name":"C1"},{"id":2,"name":"C2"}]',
      },
      '{ fromPath: true }',
    );
    expect(migrated.run.status).toBe('succeeded');
    expect(migrated.run.records).toMatchObject({ read: 4, loaded: 3, rejected: 1 });
    expect(migrated.rows.map((row) => [row.dossier_id, row.source_key, row.name])).toEqual([
      ['a', '1', 'A1'],
      ['c', '1', 'C1'],
      ['c', '2', 'C2'],
    ]);
    expect(migrated.ledger.map((entry) => [entry.dossierId, rejected(entry)])).toEqual([
      [
        'b',
        {
          location: 'md/b/c.json:1#1',
          reason: 'MALFORMED_JSON',
          message: 'the value at the top of the document is an object, not an array of records',
          column: null,
          sourceKey: null,
          raw: object,
        },
      ],
    ]);
    expect(migrated.reconcile.ok).toBe(true);
    expect(migrated.reconcile.totals).toMatchObject({ source: 4, loaded: 3, rejected: 1, unaccounted: 0 });
  });

  it('json: a rejected element is found by its line and its number in the array, in the ledger and in the run summary, elements sharing a line included', async () => {
    const migrated = await migrate('{ type: json, path: d.json }', {
      'd.json': '[\n  {"id":1,"name":"A"},\n  {"id":2,"name":"B"}, {"id" 3}, {"name":"no id"}\n]\n',
    });
    expect(migrated.run.records).toMatchObject({ read: 4, loaded: 2, rejected: 2 });
    expect(
      migrated.ledger.map((entry) => [entry.location, entry.line, entry.record, entry.reason, entry.raw]),
    ).toEqual([
      ['d.json:3#3', 3, 3, 'MALFORMED_JSON', '{"id" 3}'],
      ['d.json:3#4', 3, 4, 'MISSING_SOURCE_KEY', '{"name":"no id"}'],
    ]);
    expect(migrated.ledger[0]?.message).toMatch(/^element 3 of the array does not parse: /);
    expect(migrated.reconcile.totals).toMatchObject({ source: 4, loaded: 2, rejected: 2, unaccounted: 0 });

    const dir = tempDir('cutover-e2e-json-');
    writeFiles(dir, {
      'cutover.yaml': planFor('{ type: json, path: d.json }'),
      'd.json': '[{"id":1,"name":"A"},{"id" 2},{"id":3}]',
    });
    const run = await cli(['run', '--plan', path.join(dir, 'cutover.yaml')]);
    expect(run.code, describeResult(run)).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(
      /crm deal d\.json:1#2: MALFORMED_JSON element 2 of the array does not parse: /,
    );
  });

  it('ndjson: a property no record has gives one COLUMN_NOT_FOUND notice with the likely one; one some records lack, none', async () => {
    // JSON records need not all carry every property (an optional one is simply absent), so a missing property
    // cannot stop the read as a missing CSV column does: after the read, a property that no record had is named.
    const dir = tempDir('cutover-e2e-json-');
    writeFiles(dir, {
      'cutover.yaml': planFor('{ type: ndjson, path: d.ndjson }').replace(
        'fields: { amount: amount, name: name }',
        'fields: { amount: amount, name: name, stage: stgae }',
      ),
      'd.ndjson': '{"id":1,"name":"A","stage":"won"}\n{"id":2,"amount":"3.50","stage":"lost"}\n',
    });
    const run = await cli(['run', '--plan', path.join(dir, 'cutover.yaml'), '--json']);
    expect(run.code, describeResult(run)).toBe(0);
    const summary = parseJsonStdout<
      RunJson & { notices: { code: string; message: string; source: string }[] }
    >(run);
    expect(summary.records).toMatchObject({ read: 2, loaded: 2, rejected: 0 });
    expect(summary.notices.filter((notice) => notice.code === 'COLUMN_NOT_FOUND')).toEqual([
      expect.objectContaining({
        source: 'd.ndjson',
        message:
          'deal: no record of d.ndjson has the property "stgae" (read by field stage; did you mean "stage"?): it ' +
          'read as empty on every record',
      }),
    ]);
  });
});
