import { describe, expect, it } from 'vitest';
import { createJsonArrayScanner } from '../../../src/connectors/files/json-array-scanner.js';

/** Scans `bytes` cut into the given chunks; what a reader would get. */
const scanChunks = (recordsPath: string | undefined, chunks: readonly Buffer[]) => {
  const elements: string[] = [];
  const lines: number[] = [];
  const scanner = createJsonArrayScanner(recordsPath, (bytes, line) => {
    elements.push(bytes.toString('utf8'));
    lines.push(line);
  });
  for (const chunk of chunks) if (!scanner.push(chunk)) break;
  const { problem, ...end } = scanner.end();
  return {
    ...end,
    texts: elements,
    lines,
    problem: problem && { ...problem, raw: problem.raw.toString('utf8') },
  };
};

const documents: readonly [string | undefined, string][] = [
  [undefined, '[{"id":1,"s":"a ] } [ { \\" \\\\"},\n {"id":2,"é":"ü€😀"} , 42, "x]", [1,[2]], null ]\n'],
  [undefined, '\uFEFF[ {"a":{"b":[{"c":"}"}]}} ]'],
  [
    'data.items',
    '{"meta":{"items":[{"no":1}],"x":"items"},"data":{"skip":[1,{"]":"["}],"items":[{"id":"a"},{"id":"b"}]}}',
  ],
  ['pages.1', '{"pages":[[{"id":1}],[{"id":2},{"id":3}]]}'],
  [undefined, '[{"id":1},{"id":2}] trailing'],
  [undefined, '[{"id":1},\n  {"id":2},\n]'],
  [undefined, '[{"id":1},{"a":[1}},{"id":3}]'],
  [undefined, '[{"id":1},{"id":2'],
  [undefined, '{"records":[{"id":1}]}'],
  ['records', '{"items":[{"id":1}]}'],
  [undefined, '  \n '],
  [undefined, '\uFEFF[\r\n  {\r\n    "id": 1\r\n  },\r\n  {"id": 2}, {"id": 3}\r\n]\r\n'],
  [undefined, '[{"id":1},\n\n  {"a":[1}},\n{"id":3}]'],
  [undefined, '[{"id":1}]\n\n  trailing'],
  [undefined, '[{"id":1},\n{"id":2\n'],
  [undefined, '[{"id":1},\n\n'],
];

describe('createJsonArrayScanner', () => {
  it('gives the same elements and problem wherever the file is cut into chunks', () => {
    for (const [recordsPath, text] of documents) {
      const bytes = Buffer.from(text);
      const whole = scanChunks(recordsPath, [bytes]);
      for (let cut = 1; cut < bytes.length; cut += 1) {
        expect(
          scanChunks(recordsPath, [bytes.subarray(0, cut), bytes.subarray(cut)]),
          `${text} cut at ${cut}`,
        ).toEqual(whole);
      }
      const single = [...bytes].map((byte) => Buffer.from([byte]));
      expect(scanChunks(recordsPath, single), `${text} byte by byte`).toEqual(whole);
    }
  });

  it('hands over each element as its bytes in the file, and names where the document breaks', () => {
    expect(scanChunks(undefined, [Buffer.from(documents[0]![1])]).texts).toEqual([
      '{"id":1,"s":"a ] } [ { \\" \\\\"}',
      '{"id":2,"é":"ü€😀"}',
      '42',
      '"x]"',
      '[1,[2]]',
      'null',
    ]);
    expect(scanChunks('data.items', [Buffer.from(documents[2]![1])]).texts).toEqual([
      '{"id":"a"}',
      '{"id":"b"}',
    ]);
    expect(scanChunks('pages.1', [Buffer.from(documents[3]![1])]).texts).toEqual(['{"id":2}', '{"id":3}']);
    expect(scanChunks(undefined, [Buffer.from(documents[5]![1])]).problem).toEqual({
      kind: 'syntax',
      message: 'the array ends with a comma and no element after it, at line 3, column 1',
      raw: ',\n]',
      rawCut: false,
      line: 2,
    });
    expect(scanChunks(undefined, [Buffer.from(documents[8]![1])]).problem).toMatchObject({
      kind: 'shape',
      message: 'the value at the top of the document is an object, not an array of records',
      raw: '{"records":[{"id":1}]}',
    });
    expect(scanChunks('records', [Buffer.from(documents[9]![1])]).problem).toMatchObject({
      kind: 'shape',
      message: 'there is no array at "records"',
    });
    expect(scanChunks(undefined, [Buffer.from(documents[10]![1])])).toMatchObject({
      blank: true,
      texts: [],
    });
  });

  it('tells the line each element starts on, and the line where the raw text of a problem starts', () => {
    const scan = (index: number) => scanChunks(documents[index]![0], [Buffer.from(documents[index]![1])]);
    expect(scan(0).lines).toEqual([1, 2, 2, 2, 2, 2]);
    expect(scan(11)).toMatchObject({ lines: [2, 5, 5], problem: undefined });
    expect(scan(12)).toMatchObject({
      lines: [1],
      problem: {
        raw: '{"a":[1}},\n{"id":3}]',
        line: 3,
        message: expect.stringContaining('line 3, column 10') as string,
      },
    });
    expect(scan(13).problem).toMatchObject({ raw: 'trailing', line: 3 });
    expect(scan(14).problem).toMatchObject({ raw: '{"id":2\n', line: 2 });
    expect(scan(15).problem).toMatchObject({ raw: '', line: 3 });
    expect(scan(8).problem).toMatchObject({ kind: 'shape', line: 1 });
  });

  it('keeps at most 64 KiB of raw text for a problem and stops reading there', () => {
    const big = Buffer.from(`{"records":"${'x'.repeat(200 * 1024)}"}`);
    const chunks = [big.subarray(0, 1000), big.subarray(1000, 70_000), big.subarray(70_000)];
    const elements: Buffer[] = [];
    const scanner = createJsonArrayScanner(undefined, (bytes) => elements.push(bytes));
    expect(chunks.map((chunk) => scanner.push(chunk))).toEqual([true, false, false]);
    const { problem } = scanner.end();
    expect(problem?.raw.length).toBe(64 * 1024);
    expect(problem?.rawCut).toBe(true);
  });
});
