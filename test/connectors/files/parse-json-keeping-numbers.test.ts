import { describe, expect, it } from 'vitest';
import { parseJsonKeepingNumbers } from '../../../src/connectors/files/parse-json-keeping-numbers.js';
import { isJsonNumber, JsonNumber, jsonText } from '../../../src/core/json-text.js';

/** A value with its nested JSON numbers as `{ number: text }`, for toEqual (which would take one for a string). */
const shown = (value: unknown): unknown =>
  isJsonNumber(value)
    ? { number: value.valueOf() }
    : Array.isArray(value)
      ? value.map(shown)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(Object.entries(value).map(([key, member]) => [key, shown(member)]))
        : value;

describe('parseJsonKeepingNumbers', () => {
  it('gives every number its text as written: a field a string, a nested one a JsonNumber; strings stay strings', () => {
    const value = parseJsonKeepingNumbers(
      '{"id":12345678901234567891,"a":[1.50,-0,2e-3,{"b":1E+400}],"s":"12 \\"3\\" \\\\","t":true,"n":null,' +
        '"o":{"zip":75001,"code":"75001","in":[[-1]]}}',
    );
    expect(shown(value)).toEqual({
      id: '12345678901234567891',
      a: [{ number: '1.50' }, { number: '-0' }, { number: '2e-3' }, { b: { number: '1E+400' } }],
      s: '12 "3" \\',
      t: true,
      n: null,
      o: { zip: { number: '75001' }, code: '75001', in: [[{ number: '-1' }]] },
    });
    expect((value as { o: { zip: unknown } }).o.zip).toBeInstanceOf(JsonNumber);
    expect(parseJsonKeepingNumbers(' 42 ')).toBe('42');
    expect(shown(parseJsonKeepingNumbers('[1,[2]]'))).toEqual(['1', [{ number: '2' }]]);
  });

  it('tells a nested string from a nested number whatever it holds, and leaves keys and fields as written', () => {
    const value = parseJsonKeepingNumbers(
      '{"\\u0000f":"\\u0000","o":{"\\u0000k" : "\\u00001","a":["\\u0000\\u00002",3,"\\\\u00004"]}}',
    );
    expect(shown(value)).toEqual({
      '\u0000f': '\u0000',
      o: { '\u0000k': '\u00001', a: ['\u0000\u00002', { number: '3' }, '\\u00004'] },
    });
  });

  it('written back by jsonText, a nested value is its JSON text: numbers unquoted and exactly as written', () => {
    for (const nested of [
      '{"zip":75001,"lat":48.850,"tags":[1,2],"ok":true,"city":"Paris","no":null}',
      '[12345678901234567890,-0.0,1E+400,2e-3,"12",{"a":[[]]},{}]',
      '{"__proto__":{"x":1},"\\u0000":"\\u00001","s":"a\\"b\\\\c\\nd\\ud800"}',
    ]) {
      const record = parseJsonKeepingNumbers(`{"v":${nested}}`) as { v: unknown };
      expect(jsonText(record.v)).toBe(nested);
      // Across a worker thread's postMessage (a structured clone), a nested number is still one.
      expect(jsonText(structuredClone(record.v))).toBe(nested);
    }
  });

  it('takes a value nested deeper than the stack would, as JSON.parse does', () => {
    const depth = 100_000;
    const value = parseJsonKeepingNumbers(`{"v":${'['.repeat(depth)}7${']'.repeat(depth)}}`) as {
      v: unknown;
    };
    let inner: unknown = value.v;
    for (let level = 0; level < depth; level++) inner = (inner as unknown[])[0];
    expect(isJsonNumber(inner) && inner.valueOf()).toBe('7');
  });

  it('refuses what JSON refuses, with the message JSON.parse gives for the text as written', () => {
    for (const text of ['01', '1.', '-', '+1', '.5', '{1:"a"}', '{"a": 1 :2}', '[1 2]', '{"a":tru1}']) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(() => parseJsonKeepingNumbers(text), text).toThrow(message);
    }
  });

  it('keeps duplicate keys as JSON.parse does (the last wins) and __proto__ as an own key', () => {
    const value = parseJsonKeepingNumbers('{"a":1,"a":2,"__proto__":{"x":3,"__proto__":4}}') as Record<
      string,
      unknown
    >;
    expect(value.a).toBe('2');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    const nested = Object.getOwnPropertyDescriptor(value, '__proto__')?.value as object;
    expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
    expect(jsonText(nested)).toBe('{"x":3,"__proto__":4}');
  });
});
