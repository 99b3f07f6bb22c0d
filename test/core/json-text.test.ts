import { describe, expect, it } from 'vitest';
import { isJsonNumber, JsonNumber, jsonText } from '../../src/core/json-text.js';

describe('jsonText', () => {
  it('writes a JsonNumber unquoted, exactly as its text, at any depth, and a string quoted', () => {
    const address = {
      zip: new JsonNumber('75001'),
      code: '75001',
      lat: new JsonNumber('48.850'),
      tags: [new JsonNumber('1'), new JsonNumber('12345678901234567890')],
      ok: true,
    };
    expect(jsonText(address)).toBe(
      '{"zip":75001,"code":"75001","lat":48.850,"tags":[1,12345678901234567890],"ok":true}',
    );
    expect(jsonText(new JsonNumber('-0.0'))).toBe('-0.0');
    // JSON.stringify, where jsonText is not used, writes the text quoted (what it wrote before numbers were kept).
    expect(JSON.stringify(address)).toBe(
      '{"zip":"75001","code":"75001","lat":"48.850","tags":["1","12345678901234567890"],"ok":true}',
    );
  });

  it('tells a JsonNumber after a structured clone (postMessage), a String object still', () => {
    const cloned = structuredClone({ n: new JsonNumber('1.10') }).n;
    expect(isJsonNumber(cloned)).toBe(true);
    expect(jsonText([cloned])).toBe('[1.10]');
    expect(isJsonNumber('1.10')).toBe(false);
  });

  it('writes anything else as JSON.stringify does', () => {
    const proto = JSON.parse('{"__proto__":{"a":1}}') as unknown;
    for (const value of [
      null,
      'a"b\\c\n\u0000\ud800é',
      0,
      -0,
      1.5e300,
      true,
      [],
      {},
      [undefined, () => 1, Symbol('s'), null],
      { a: undefined, b: () => 1, c: 1, '': [{}], 'k"\n': 'v' },
      { date: new Date(Date.UTC(2024, 0, 2)), own: { toJSON: (key: string) => `key ${key}` } },
      // Number, Boolean and String objects, which JSON.stringify unwraps.
      [new Number(3), new Boolean(false), { toJSON: () => new String('s') }],
      proto,
      Buffer.from('ab'),
      new Map([[1, 2]]),
    ]) {
      expect(jsonText(value), String(JSON.stringify(value))).toBe(JSON.stringify(value));
    }
    expect(jsonText(undefined)).toBeUndefined();
    expect(() => jsonText({ a: 1n })).toThrow(TypeError);
  });

  it('writes NaN and the infinities as their names, quoted, where JSON.stringify writes null (a float column NaN is no empty value)', () => {
    expect(jsonText(NaN)).toBe('"NaN"');
    expect(jsonText([NaN, Infinity, -Infinity, 1])).toBe('["NaN","Infinity","-Infinity",1]');
    expect(jsonText({ a: NaN })).toBe('{"a":"NaN"}');
  });

  it('throws RangeError on a value nested deeper than the stack, as JSON.stringify does', () => {
    let deep: unknown = [];
    for (let depth = 0; depth < 200_000; depth++) deep = [deep];
    expect(() => jsonText(deep)).toThrow(RangeError);
  });
});
