import { describe, expect, it } from 'vitest';
import { comparisonsOf } from '../../src/matching/comparisons.js';
import { parseDedupeConfig } from '../../src/matching/dedupe-config.js';
import { explainPair } from '../../src/matching/explain-pair.js';
import type { FellegiSunterModel } from '../../src/matching/fellegi-sunter.js';

const config = parseDedupeConfig({
  fields: [
    { column: 'surname', kind: 'last_name' },
    { column: 'email', kind: 'email' },
  ],
  blocking: [['surname']],
});
const comparisons = comparisonsOf(config);
const level = (label: string, m: number, u: number) => ({ label, m, u, weight: Math.log2(m / u) });
const model: FellegiSunterModel = {
  comparisons: [
    {
      field: 'surname',
      kind: 'last_name',
      termFrequency: true,
      strong: false,
      levels: [
        level('exact', 0.8, 0.01),
        level('swapped', 0.01, 0.0001),
        level('one edit', 0.1, 0.001),
        level('jw 0.9', 0.04, 0.002),
        level('jw 0.8', 0.02, 0.01),
        level('different', 0.03, 0.977),
      ],
    },
    {
      field: 'email',
      kind: 'email',
      termFrequency: false,
      strong: false,
      levels: [level('exact', 0.7, 0.0001), level('typo', 0.05, 0.0001), level('different', 0.25, 0.9998)],
    },
  ],
  lambda: 0.001,
  priorWeight: Math.log2(0.001 / 0.999),
  randomPairs: 1000,
  em: { sessions: [], labelled: { same: 0, different: 0 } },
};

describe('explainPair', () => {
  it('weighs agreement on a common surname less than on a rare one (term frequency)', () => {
    const common = explainPair(model, comparisons, [0, -1], [0.02, null]);
    const rare = explainPair(model, comparisons, [0, -1], [0.00002, null]);
    expect(rare.terms[0]?.weight).toBeCloseTo(common.terms[0]!.weight + Math.log2(0.02 / 0.00002), 9);
    expect(common.terms[0]?.valueShare).toBe(0.02);
  });

  it('gives a missing value weight 0 and adds prior and terms up to the weight and probability', () => {
    const explanation = explainPair(model, comparisons, [5, -1], [null, null]);
    expect(explanation.terms).toEqual([
      { field: 'surname', level: 'different', weight: Math.log2(0.03 / 0.977) },
      { field: 'email', level: 'missing', weight: 0 },
    ]);
    expect(explanation.weight).toBeCloseTo(model.priorWeight + Math.log2(0.03 / 0.977), 12);
    expect(explanation.probability).toBeCloseTo(1 / (1 + 2 ** -explanation.weight), 12);
  });
});
