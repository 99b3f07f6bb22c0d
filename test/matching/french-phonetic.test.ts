import { describe, expect, it } from 'vitest';
import { frenchPhonetic } from '../../src/matching/french-phonetic.js';

describe('frenchPhonetic', () => {
  it.each([
    ['Lefèbvre', 'Lefebvre', 'Lefèvre'],
    ['Gauthier', 'Gautier', 'GAUTHIER'],
    ['Philippe', 'Phillipe', 'Filippe'],
    ['Mathieu', 'Matthieu', 'Mathieux'],
    ['Dupont', 'Dupond', 'Dupon'],
    ['Guérin', 'Guerin', 'Guérain'],
    ['Le Goff', 'Legoff', 'LE GOFF'],
  ])('gives names that sound alike in French one key: %s, %s, %s', (...names) => {
    const keys = new Set(names.map((name) => frenchPhonetic(name)));
    expect(keys.size).toBe(1);
    expect([...keys][0]).not.toBe('');
  });

  it('keeps names that sound different apart, untruncated unless asked', () => {
    expect(frenchPhonetic('Bertrand')).not.toBe(frenchPhonetic('Berthier'));
    expect(frenchPhonetic('Martin')).not.toBe(frenchPhonetic('Martinez'));
    expect(frenchPhonetic('Bertrand', 4)).toHaveLength(4);
  });

  it('returns an empty key for a value with no letters, so that blocking ignores it', () => {
    expect(frenchPhonetic('')).toBe('');
    expect(frenchPhonetic(' 123 -')).toBe('');
  });
});
