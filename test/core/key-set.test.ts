import { describe, expect, it } from 'vitest';
import { KeySet } from '../../src/core/key-set.js';

/** Deterministic keys of every kind a source key can be: numbered, accented, emoji, empty, long, near-identical. */
const sampleKeys = (count: number, seed: number): string[] => {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const alphabet = ['a', 'Z', '0', '9', 'é', 'ß', '€', '😀', ' ', '-', '\t', '"'];
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const kind = next() % 5;
    if (kind === 0) keys.push(`C${String(next() % 50_000).padStart(7, '0')}`);
    else if (kind === 1) keys.push(String(next() % 20_000));
    else if (kind === 2) {
      let key = '';
      const length = next() % 12;
      for (let char = 0; char < length; char++) key += alphabet[next() % alphabet.length]!;
      keys.push(key);
    } else if (kind === 3) keys.push('x'.repeat(next() % 400) + String(next() % 10));
    else keys.push(`${next() % 7}|${next() % 7}`);
  }
  return keys;
};

describe('KeySet', () => {
  it('answers has and add exactly as a Set of the same strings does, through every growth of its tables', () => {
    const keys = sampleKeys(100_000, 7);
    const expected = new Set<string>();
    const set = new KeySet();
    for (const key of keys) {
      expect(set.has(key)).toBe(expected.has(key));
      const added = !expected.has(key);
      expected.add(key);
      expect(set.add(key)).toBe(added);
    }
    expect(set.size).toBe(expected.size);
    // Keys never added, among them ones that share a prefix or bytes with keys that were.
    for (const key of sampleKeys(50_000, 99)) expect(set.has(key)).toBe(expected.has(key));
    for (const key of expected) expect(set.has(key)).toBe(true);
  });

  it('tells apart keys of equal hash: with a hash of the first code unit only, the same answers as a Set', () => {
    const keys = sampleKeys(20_000, 11);
    const expected = new Set<string>();
    const set = new KeySet((units, length) => (length === 0 ? 0 : units[0]!));
    for (const key of keys) {
      expect(set.add(key)).toBe(!expected.has(key));
      expected.add(key);
    }
    // A prefix of a key, and a key plus one unit, share its first unit: found only if the lengths are compared.
    for (const key of [...expected].slice(0, 2_000)) {
      expect(set.has(key.slice(0, -1))).toBe(expected.has(key.slice(0, -1)));
      expect(set.has(`${key}0`)).toBe(expected.has(`${key}0`));
    }
  });

  it('tells apart keys whose UTF-16 differs but which an encoding to UTF-8 would merge', () => {
    const set = new KeySet();
    // Two lone surrogates (a JSON source may hold "\ud800"): both would be U+FFFD in UTF-8.
    expect(set.add('K\ud800')).toBe(true);
    expect(set.add('K\ud801')).toBe(true);
    expect(set.add('K\ufffd')).toBe(true);
    expect(set.add('é')).toBe(true);
    expect(set.add('e\u0301')).toBe(true); // the same letter decomposed: another key, as the target's index holds
    expect(set.add('')).toBe(true);
    expect(set.add('\u0000')).toBe(true);
    expect(set.has('e')).toBe(false);
    expect(set.size).toBe(7);
  });

  it('holds a key longer than its scratch buffer and finds it again', () => {
    const set = new KeySet();
    const long = `K${'é'.repeat(5_000)}`;
    expect(set.add(long)).toBe(true);
    expect(set.has(long)).toBe(true);
    expect(set.has(long.slice(0, -1))).toBe(false);
    expect(set.add(long)).toBe(false);
  });
});
