import { describe, expect, it } from 'vitest';
import { chooseGolden, type SurvivorCandidate } from '../../src/matching/survivorship.js';

const anne: SurvivorCandidate = {
  key: 'K1',
  source: 'crm/contacts.csv',
  order: 1,
  values: {
    first_name: 'Anne',
    last_name: 'Martin',
    email: 'anne@mail.fr',
    phone: null,
    updated_at: '2024-01-05',
  },
};
const anneAgain: SurvivorCandidate = {
  key: 'K7',
  source: 'crm/legacy.csv',
  order: 7,
  values: {
    first_name: 'Anne',
    last_name: 'Martin',
    email: '',
    phone: '+33612345678',
    updated_at: '2025-03-01',
  },
};

describe('chooseGolden', () => {
  it('keeps the most complete record as survivor and fills its empty fields from the other, with their origin', () => {
    const golden = chooseGolden([anneAgain, anne], { rule: 'most_complete', fields: {} });
    expect(golden.survivorKey).toBe('K1');
    expect(golden.values).toMatchObject({ email: 'anne@mail.fr', phone: '+33612345678' });
    expect(golden.origins).toMatchObject({ email: 'K1', phone: 'K7', first_name: 'K1' });
  });

  it('prefers the latest record under most_recent, and a per-field rule overrides the plan rule', () => {
    const golden = chooseGolden([anne, anneAgain], {
      rule: 'most_recent',
      date: 'updated_at',
      fields: { updated_at: 'most_complete' },
    });
    expect(golden.survivorKey).toBe('K7');
    expect(golden.values.email).toBe('anne@mail.fr');
    expect(golden.origins.email).toBe('K1');
    // Both records fill as many fields, so most_complete falls back to source order for this column.
    expect(golden.origins.updated_at).toBe('K1');
  });

  it('ranks sources by the priority list, unlisted ones last', () => {
    const golden = chooseGolden([anne, anneAgain], {
      rule: 'source_priority',
      priority: ['legacy.csv'],
      fields: {},
    });
    expect(golden.survivorKey).toBe('K7');
    expect(golden.origins).toMatchObject({ email: 'K1', phone: 'K7' });
  });
});
