import { describe, expect, it } from 'vitest';
import { jsonColumnValue } from '../../src/connectors/sql/json-column-value.js';
import { valueText } from '../../src/core/value-text.js';

describe('valueText', () => {
  it('writes every kind of source value as the text it stands for, and no value as undefined', () => {
    expect(valueText(' Zoé ')).toBe(' Zoé ');
    expect(valueText(12.5)).toBe('12.5');
    expect(valueText(12345678901234567890n)).toBe('12345678901234567890');
    expect(valueText(false)).toBe('false');
    expect(valueText(new Date(Date.UTC(2024, 2, 1, 8, 30)))).toBe('2024-03-01T08:30:00.000Z');
    expect(valueText(new Date(Number.NaN))).toBeUndefined();
    expect(valueText(null)).toBeUndefined();
    expect(valueText(undefined)).toBeUndefined();
  });

  it('writes an object or a list as its JSON, nested numbers as the source wrote them', () => {
    const parsed = jsonColumnValue('{"fee": 1.10, "ids": [12345678901234567890], "tags": ["a"]}');
    expect(valueText(parsed)).toBe('{"fee":1.10,"ids":[12345678901234567890],"tags":["a"]}');
  });
});
