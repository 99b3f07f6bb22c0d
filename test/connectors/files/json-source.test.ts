import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSource, type JsonSourceSpec } from '../../../src/connectors/files/json-source.js';
import { JsonNumber } from '../../../src/core/json-text.js';
import { RejectReason } from '../../../src/core/reject-reasons.js';
import { makeTempDir, readAll, rejection, writeFixture } from './file-fixtures.js';

let dir = '';
let cleanup = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(() => cleanup());

const read = async (name: string, content: string | Buffer, spec: Omit<JsonSourceSpec, 'path'>) => {
  const source = jsonSource({ ...spec, path: 'unused' }, await writeFixture(dir, name, content));
  const { records, batchSizes } = await readAll(source, { batchSize: 2 });
  return { records, batchSizes, notices: source.notices?.() ?? [] };
};

describe('jsonSource (json)', () => {
  it('streams a top-level array, keeping booleans, null and nested values as JSON gave them, numbers as written', async () => {
    const dupont = {
      id: 1,
      name: 'Dupont',
      active: true,
      score: 12.5,
      manager: null,
      tags: ['vip'],
      address: { city: 'Paris', zip: 75001 },
    };
    const text = JSON.stringify([dupont, { id: 2, name: 'Martin' }, { id: 3, name: 'Durand' }]);
    const { records, batchSizes, notices } = await read('array.json', text, { type: 'json' });
    expect(records[0]).toEqual({
      // A field's number is its text; one nested in a field's object is a JsonNumber, written back unquoted.
      fields: { ...dupont, id: '1', score: '12.5', address: { city: 'Paris', zip: new JsonNumber('75001') } },
      location: { source: 'array.json', line: 1, lineShared: true, record: 1 },
      raw: JSON.stringify(dupont),
    });
    expect(records.map((record) => record.location.record)).toEqual([1, 2, 3]);
    expect(batchSizes).toEqual([2, 1]);
    expect(notices).toEqual([]);
  });

  it('keeps every number as its text in the file, and each element as written for the raw record', async () => {
    const first = '{"id":12345678901234567890,"amount":12345678901234567.89}';
    const second = '{ "id": 12345678901234567891,\n    "amount": 1E+2, "rate": -0.10 }';
    const { records } = await read('numbers.json', `[\n  ${first},\n  ${second}\n]\n`, { type: 'json' });
    expect(records.map((record) => record.fields)).toEqual([
      { id: '12345678901234567890', amount: '12345678901234567.89' },
      { id: '12345678901234567891', amount: '1E+2', rate: '-0.10' },
    ]);
    expect(records.map((record) => record.raw)).toEqual([first, second]);
  });

  it('reads the array at the `records` path, dotted paths included, after a BOM', async () => {
    const nested = await read('nested.json', '{"meta":{"count":2},"records":[{"id":"a"},{"id":"b"}]}', {
      type: 'json',
      records: 'records',
    });
    expect(nested.records.map((record) => record.fields)).toEqual([{ id: 'a' }, { id: 'b' }]);
    const inArray = await read('paged.json', '{"pages":[{"items":[{"id":"x"}]},{"items":[{"id":"y"}]}]}', {
      type: 'json',
      records: 'pages.1.items',
    });
    expect(inArray.records.map((record) => record.fields)).toEqual([{ id: 'y' }]);
    const deep = await read('deep.json', `\uFEFF{"data":{"items":[{"id":1}]},"next":null}`, {
      type: 'json',
      records: 'data.items',
    });
    expect(deep.records.map((record) => record.fields)).toEqual([{ id: '1' }]);
  });

  it('marks an element that is not an object MALFORMED_JSON with its JSON text', async () => {
    const { records } = await read('mixed.json', '[{"id":1},42,[1,2],{"id":4}]', { type: 'json' });
    expect(records.map((record) => [record.location.record, record.problem?.reason, record.raw])).toEqual([
      [1, undefined, '{"id":1}'],
      [2, RejectReason.MALFORMED_JSON, '42'],
      [3, RejectReason.MALFORMED_JSON, '[1,2]'],
      [4, undefined, '{"id":4}'],
    ]);
    expect(records[1]?.problem?.message).toBe('element 2 of the array is a number, not an object');
  });

  it('locates each element, a rejected one too, by the line it starts on, its number in the array in the message', async () => {
    const text = '[\n  {"id":1},\n  {"id":2}, {"id" 3},\n  {\n    "id": 4\n  },\n  42\n]\n';
    const { records } = await read('lines.json', text, { type: 'json' });
    expect(records.map((record) => [record.location, record.problem?.message])).toEqual([
      [{ source: 'lines.json', line: 2, lineShared: true, record: 1 }, undefined],
      [{ source: 'lines.json', line: 3, lineShared: true, record: 2 }, undefined],
      [
        { source: 'lines.json', line: 3, lineShared: true, record: 3 },
        expect.stringMatching(/^element 3 of the array does not parse: /),
      ],
      [{ source: 'lines.json', line: 4, lineShared: true, record: 4 }, undefined],
      [
        { source: 'lines.json', line: 7, lineShared: true, record: 5 },
        'element 5 of the array is a number, not an object',
      ],
    ]);
    const broken = await read('broken-lines.json', '[{"id":1},\n\n  {"id":[2}, {"id":3}]', { type: 'json' });
    expect(broken.records.map((record) => [record.location.line, record.problem?.reason])).toEqual([
      [1, undefined],
      [3, RejectReason.MALFORMED_JSON],
    ]);
  });

  it('marks an element that does not parse MALFORMED_JSON with its text, and reads on', async () => {
    const { records } = await read('bad-element.json', '[{"id":1},{"id" 2},{"id":3}]', { type: 'json' });
    expect(records.map((record) => [record.location.record, record.problem?.reason, record.raw])).toEqual([
      [1, undefined, '{"id":1}'],
      [2, RejectReason.MALFORMED_JSON, '{"id" 2}'],
      [3, undefined, '{"id":3}'],
    ]);
    expect(records[1]?.problem?.message).toMatch(/^element 2 of the array does not parse: /);
  });

  it('reads the records before text after the array or a trailing comma, and rejects that text once, naming where', async () => {
    const garbage = await read('garbage.json', '[{"id":1,"name":"A"}] trailing\n', { type: 'json' });
    expect(garbage.records.map((record) => [record.fields, record.problem?.reason, record.raw])).toEqual([
      [{ id: '1', name: 'A' }, undefined, '{"id":1,"name":"A"}'],
      [{}, RejectReason.MALFORMED_JSON, 'trailing\n'],
    ]);
    expect(garbage.records[1]?.problem?.message).toBe(
      'text after the end of the document, at line 1, column 23',
    );
    const comma = await read('comma.json', '[{"id":1,"name":"A"},\n]', { type: 'json' });
    expect(comma.records.map((record) => [record.fields, record.problem?.reason, record.raw])).toEqual([
      [{ id: '1', name: 'A' }, undefined, '{"id":1,"name":"A"}'],
      [{}, RejectReason.MALFORMED_JSON, ',\n]'],
    ]);
    expect(comma.records[1]?.problem?.message).toBe(
      'the array ends with a comma and no element after it, at line 2, column 1',
    );
    expect(comma.records[1]?.location).toEqual({
      source: 'comma.json',
      line: 1,
      lineShared: true,
      record: 2,
    });
  });

  it('keeps every record before trailing text whatever the chunks the file is read in', async () => {
    const elements = Array.from(
      { length: 6000 },
      (_, index) => `{"id":${index + 1},"name":"contact ${index + 1}"}`,
    );
    const text = `[${elements.join(',')}],`;
    expect(text.length).toBeGreaterThan(2 * 64 * 1024);
    const { records } = await read('long.json', text, { type: 'json' });
    expect(records).toHaveLength(6001);
    expect(
      records.filter((record) => record.problem !== undefined).map((record) => record.location.record),
    ).toEqual([6001]);
  });

  it('marks an element with bytes that are not UTF-8 INVALID_ENCODING, naming the field, and loads the others', async () => {
    const bytes = Buffer.concat([
      Buffer.from('[{"id":1,"name":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"},{"id":2,"name":"ok"}]'),
    ]);
    const { records } = await read('latin.json', bytes, { type: 'json' });
    expect(records.map((record) => [record.fields, record.problem])).toEqual([
      [
        { id: '1', name: 'caf\uFFFD' },
        {
          reason: RejectReason.INVALID_ENCODING,
          message: 'element 1 of the array holds bytes that are not valid UTF-8 (in "name")',
          column: 'name',
        },
      ],
      [{ id: '2', name: 'ok' }, undefined],
    ]);
  });

  it('keeps the records before a break in the document and adds one MALFORMED_JSON record where reading stopped', async () => {
    const { records } = await read('truncated.json', '[{"id":1},{"id":2},{"id":', { type: 'json' });
    expect(records.map((record) => [record.location.record, record.problem?.reason])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, RejectReason.MALFORMED_JSON],
    ]);
    expect(records[2]?.problem?.message).toBe(
      'the document does not parse after 2 records (the file ends inside element 3); the rest of the file cannot be read',
    );
    expect(records[2]?.raw).toBe('{"id":');
    const unbalanced = await read('unbalanced.json', '[{"id":1},\n{"a":[1}},{"id":3}]', { type: 'json' });
    expect(unbalanced.records.map((record) => [record.problem?.reason, record.raw])).toEqual([
      [undefined, '{"id":1}'],
      [RejectReason.MALFORMED_JSON, '{"a":[1}},{"id":3}]'],
    ]);
    expect(unbalanced.records[1]?.problem?.message).toBe(
      'the document does not parse after 1 record (unexpected "}" at line 2, column 8); the rest of the file cannot be read',
    );
  });

  it('says where a file cut between two records ends, keeping no made-up text for what is not there', async () => {
    const { records } = await read('cut.json', '[{"Id":1,"Name":"A"},\n{"Id":2,"Name":"B"},\n', {
      type: 'json',
    });
    expect(records.map((record) => [record.location.record, record.problem?.reason, record.raw])).toEqual([
      [1, undefined, '{"Id":1,"Name":"A"}'],
      [2, undefined, '{"Id":2,"Name":"B"}'],
      [3, RejectReason.MALFORMED_JSON, ''],
    ]);
    expect(records[2]?.location.line).toBe(3);
    expect(records[2]?.problem?.message).toBe(
      'the file ends at line 3 before its array is closed, after 2 complete records: it may have been cut short (no text is left to keep)',
    );
  });

  it('rejects a document with no array where the plan says as one MALFORMED_JSON record keeping its text', async () => {
    const document = '{"records":[{"id":1}]}';
    const object = await read('object.json', document, { type: 'json' });
    expect(object.records).toEqual([
      {
        fields: {},
        location: { source: 'object.json', line: 1, lineShared: true, record: 1 },
        raw: document,
        problem: {
          reason: RejectReason.MALFORMED_JSON,
          message: 'the value at the top of the document is an object, not an array of records',
        },
      },
    ]);
    expect(object.notices).toEqual([]);
    const missing = await read('missing-path.json', '{"items":[{"id":1}]}', {
      type: 'json',
      records: 'records',
    });
    expect(
      missing.records.map((record) => [record.location.record, record.problem?.message, record.raw]),
    ).toEqual([[1, 'there is no array at "records"', '{"items":[{"id":1}]}']]);
    const scalar = await read('scalar.json', '"records"', { type: 'json', records: 'records' });
    expect(scalar.records[0]?.problem?.message).toBe('there is no array at "records"');
    const long = `{"records":"${'x'.repeat(100 * 1024)}"}`;
    const big = await read('big-object.json', long, { type: 'json' });
    expect(big.records).toHaveLength(1);
    expect(big.records[0]?.raw).toBe(long.slice(0, 64 * 1024));
    expect(big.records[0]?.problem?.message).toBe(
      'the value at the top of the document is an object, not an array of records (the raw text kept is its first 65536 bytes)',
    );
  });

  it('gives no records and an EMPTY_FILE notice for an empty file and an empty array', async () => {
    expect(await read('empty.json', '', { type: 'json' })).toMatchObject({
      records: [],
      notices: [{ code: 'EMPTY_FILE' }],
    });
    expect(await read('empty-array.json', '[]', { type: 'json' })).toMatchObject({
      records: [],
      notices: [
        {
          code: 'EMPTY_FILE',
          message: 'empty-array.json has an empty array at the top of the document: no records',
        },
      ],
    });
  });
});

describe('jsonSource (ndjson)', () => {
  it('reads one object per line, ignores blank lines and rejects a broken line with its line number and text', async () => {
    const text = '{"id":1,"name":"Zoé"}\r\n\r\n{"id":2,"name":\n   \n{"id":3,"tags":["a"]}\n[1,2]\n';
    const { records } = await read('events.ndjson', text, { type: 'ndjson' });
    expect(records).toEqual([
      {
        fields: { id: '1', name: 'Zoé' },
        location: { source: 'events.ndjson', line: 1, record: 1 },
        raw: '{"id":1,"name":"Zoé"}',
      },
      {
        fields: {},
        location: { source: 'events.ndjson', line: 3, record: 2 },
        raw: '{"id":2,"name":',
        problem: {
          reason: RejectReason.MALFORMED_JSON,
          message: expect.stringMatching(/^the line does not parse: /) as string,
        },
      },
      {
        fields: { id: '3', tags: ['a'] },
        location: { source: 'events.ndjson', line: 5, record: 3 },
        raw: '{"id":3,"tags":["a"]}',
      },
      {
        fields: {},
        location: { source: 'events.ndjson', line: 6, record: 4 },
        raw: '[1,2]',
        problem: { reason: RejectReason.MALFORMED_JSON, message: 'the line holds an array, not an object' },
      },
    ]);
  });

  it('keeps every number as its text in the file, never through a binary float', async () => {
    const lines = [
      '{"id":12345678901234567890,"amount":12345678901234567.89,"rate":1E+2,"nested":{"n":[-0.10]}}',
      '{"id":12345678901234567891,"amount":-0}',
      '{"id":01}',
    ];
    const { records } = await read('numbers.ndjson', `${lines.join('\n')}\n`, { type: 'ndjson' });
    expect(records.map((record) => record.fields)).toEqual([
      {
        id: '12345678901234567890',
        amount: '12345678901234567.89',
        rate: '1E+2',
        nested: { n: [new JsonNumber('-0.10')] },
      },
      { id: '12345678901234567891', amount: '-0' },
      {},
    ]);
    expect(records.map((record) => record.raw)).toEqual(lines);
    expect(records[2]?.problem?.reason).toBe(RejectReason.MALFORMED_JSON);
  });

  it('marks a line with bytes that are not UTF-8 INVALID_ENCODING, naming the field', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"id":1,"city":"Orl'),
      Buffer.from([0xe9]),
      Buffer.from('ans"}\n'),
    ]);
    const { records } = await read('legacy.ndjson', bytes, { type: 'ndjson' });
    expect(records[0]?.problem).toEqual({
      reason: RejectReason.INVALID_ENCODING,
      message: 'the line holds bytes that are not valid UTF-8 (in "city")',
      column: 'city',
    });
    expect(records[0]?.fields).toEqual({ id: '1', city: 'Orl\uFFFDans' });
  });

  it('gives no records and an EMPTY_FILE notice for an empty file', async () => {
    expect(await read('empty.ndjson', '', { type: 'ndjson' })).toMatchObject({
      records: [],
      notices: [{ code: 'EMPTY_FILE' }],
    });
  });
});

describe('jsonSource (UTF-16 and UTF-32 files)', () => {
  const utf16 = (text: string, encoding: 'le' | 'be', bom: boolean): Buffer => {
    const le = Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, 'utf16le');
    return encoding === 'le' ? le : le.swap16();
  };
  const array = '[\r\n  {"id":1,"name":"Zoé 😀"},\r\n  {"id":2,"name":"Martin"}\r\n]\r\n';
  const lines = '{"id":1,"name":"Zoé 😀"}\r\n{"id":2,"name":"Martin"}\r\n';

  it.each([
    ['le', true, 'UTF-16LE (byte-order mark)'],
    ['be', true, 'UTF-16BE (byte-order mark)'],
    ['le', false, 'UTF-16LE (no byte-order mark; its NUL bytes say so)'],
    ['be', false, 'UTF-16BE (no byte-order mark; its NUL bytes say so)'],
  ] as const)(
    'reads a UTF-16 file (%s, byte-order mark %s) as its text, never as made-up records, and says so',
    async (encoding, bom, said) => {
      const json = await read(`utf16-${encoding}-${bom}.json`, utf16(array, encoding, bom), { type: 'json' });
      expect(json.records.map((record) => [record.fields, record.raw, record.problem])).toEqual([
        [{ id: '1', name: 'Zoé 😀' }, '{"id":1,"name":"Zoé 😀"}', undefined],
        [{ id: '2', name: 'Martin' }, '{"id":2,"name":"Martin"}', undefined],
      ]);
      expect(json.notices).toEqual([
        { code: 'JSON_UTF16', message: `utf16-${encoding}-${bom}.json is ${said}: read as such` },
      ]);
      const ndjson = await read(`utf16-${encoding}-${bom}.ndjson`, utf16(lines, encoding, bom), {
        type: 'ndjson',
      });
      expect(ndjson.records).toEqual([
        {
          fields: { id: '1', name: 'Zoé 😀' },
          location: { source: `utf16-${encoding}-${bom}.ndjson`, line: 1, record: 1 },
          raw: '{"id":1,"name":"Zoé 😀"}',
        },
        {
          fields: { id: '2', name: 'Martin' },
          location: { source: `utf16-${encoding}-${bom}.ndjson`, line: 2, record: 2 },
          raw: '{"id":2,"name":"Martin"}',
        },
      ]);
      expect(ndjson.notices.map((notice) => notice.code)).toEqual(['JSON_UTF16']);
    },
  );

  it('refuses a UTF-32 file, naming it and the fix, instead of reading its NUL bytes as records', async () => {
    const le = Buffer.from(
      Array.from('[{"id":1}]', (character) => [character.charCodeAt(0), 0, 0, 0]).flat(),
    );
    for (const [name, bytes] of [
      ['utf32le.json', le],
      ['utf32le-bom.json', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), le])],
      [
        'utf32be.ndjson',
        Buffer.from(Array.from('{"id":1}', (character) => [0, 0, 0, character.charCodeAt(0)]).flat()),
      ],
    ] as const) {
      const source = jsonSource(
        { type: name.endsWith('.ndjson') ? 'ndjson' : 'json', path: 'unused' },
        await writeFixture(dir, name, bytes),
      );
      expect(await rejection(readAll(source))).toMatchObject({
        code: 'SOURCE_FAILED',
        message: `${name}: not UTF-8 or UTF-16 text (its first bytes are those of UTF-32): convert the file to UTF-8`,
      });
    }
  });
});
