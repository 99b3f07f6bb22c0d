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
  it('takes a value chosen by hand from its record, even an empty one, and says which columns a person chose', () => {
    const golden = chooseGolden(
      [anneAgain, anne],
      { rule: 'most_complete', fields: {} },
      {
        byHand: new Map([
          ['email', 'K7'],
          ['updated_at', 'K7'],
          ['phone', 'K99'],
        ]),
      },
    );
    expect(golden.survivorKey).toBe('K1');
    // K7's empty email: a person may choose to drop a value the rule would have kept.
    expect(golden.values).toMatchObject({ email: '', updated_at: '2025-03-01', phone: '+33612345678' });
    expect(golden.origins).toMatchObject({ email: 'K7', updated_at: 'K7', phone: 'K7', first_name: 'K1' });
    // K99 is in no cluster here: the phone follows the rule, and only the two applied choices are listed.
    expect(golden.chosenByHand).toEqual(['email', 'updated_at']);
    expect(chooseGolden([anne, anneAgain], { rule: 'most_complete', fields: {} }).chosenByHand).toEqual([]);
  });

  it('keeps the survivor among the members that may survive, and still takes values from all', () => {
    const golden = chooseGolden(
      [anne, anneAgain],
      { rule: 'most_complete', fields: {} },
      { maySurvive: (member) => member.key === 'K7' },
    );
    expect(golden.survivorKey).toBe('K7');
    expect(golden.values).toMatchObject({ email: 'anne@mail.fr', phone: '+33612345678' });
    expect(golden.origins).toMatchObject({ email: 'K1', phone: 'K7' });
  });

  it('takes a column only from the members that may give it, by rule and by hand, else the survivor keeps its own', () => {
    const golden = chooseGolden(
      [anne, anneAgain],
      { rule: 'most_complete', fields: {} },
      {
        byHand: new Map([['email', 'K1']]),
        maySurvive: (member) => member.key === 'K7',
        mayGive: (member, column) => member.key === 'K7' || (column !== 'email' && column !== 'first_name'),
      },
    );
    expect(golden.survivorKey).toBe('K7');
    // K1's email, chosen by hand, may not be given: the survivor keeps its own (empty), and no choice is counted.
    expect(golden.values.email).toBe(anneAgain.values.email ?? null);
    expect(golden.origins).toMatchObject({ email: 'K7', phone: 'K7', first_name: 'K7' });
    expect(golden.chosenByHand).toEqual([]);
  });

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
