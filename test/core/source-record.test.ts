import { describe, expect, it } from 'vitest';
import { locationKey } from '../../src/core/source-record.js';

describe('locationKey', () => {
  it('keys a record by its line where one record starts per line, and by line and number where records share one', () => {
    expect(locationKey({ source: 'c.csv', line: 12, record: 11 })).toBe('c.csv:12');
    expect(locationKey({ source: 'x.xlsx', sheet: 'S', line: 3, record: 2 })).toBe('x.xlsx[S]:3');
    expect(locationKey({ source: 'd.json', record: 2 })).toBe('d.json#2');
    const minified = [1, 2, 3].map((record) =>
      locationKey({ source: 'd.json', line: 1, lineShared: true, record }),
    );
    expect(minified).toEqual(['d.json:1#1', 'd.json:1#2', 'd.json:1#3']);
    expect(locationKey({ source: 'contacts', key: '7', record: 4 })).toBe('contacts#7@4');
  });
});
