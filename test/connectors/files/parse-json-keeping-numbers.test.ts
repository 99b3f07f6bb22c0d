import { describe, expect, it } from 'vitest';
import { parseJsonKeepingNumbers } from '../../../src/connectors/files/parse-json-keeping-numbers.js';

describe('parseJsonKeepingNumbers', () => {
  it('gives every number its text as written, at any depth, and leaves strings alone', () => {
    expect(
      parseJsonKeepingNumbers(
        '{"id":12345678901234567891,"a":[1.50,-0,2e-3,{"b":1E+400}],"s":"12 \\"3\\" \\\\","t":true,"n":null}',
      ),
    ).toEqual({
      id: '12345678901234567891',
      a: ['1.50', '-0', '2e-3', { b: '1E+400' }],
      s: '12 "3" \\',
      t: true,
      n: null,
    });
    expect(parseJsonKeepingNumbers(' 42 ')).toBe('42');
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
    const value = parseJsonKeepingNumbers('{"a":1,"a":2,"__proto__":{"x":3}}') as Record<string, unknown>;
    expect(value.a).toBe('2');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: '3' });
  });
});
