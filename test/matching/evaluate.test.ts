import { describe, expect, it } from 'vitest';
import { evaluateClusters, evaluatePairs } from '../../src/matching/evaluate.js';

describe('evaluateClusters', () => {
  it('scores a perfect clustering 1 everywhere', () => {
    const result = evaluateClusters([0, 0, 1, 2, 2], ['a', 'a', 'b', 'c', 'c']);
    expect(result.pairwise).toMatchObject({ precision: 1, recall: 1, f1: 1, truePositives: 2 });
    expect(result.bcubed.f1).toBe(1);
  });

  it('counts pairwise and B-cubed figures of an over-merged cluster by hand', () => {
    // One predicted cluster {0,1,2}; truth {0,1} and {2}: 1 true pair among 3 claimed, the 1 true pair found.
    const result = evaluateClusters([0, 0, 0], ['a', 'a', 'b']);
    expect(result.pairwise).toMatchObject({ truePositives: 1, predicted: 3, actual: 1, recall: 1 });
    expect(result.pairwise.precision).toBeCloseTo(1 / 3);
    expect(result.pairwise.f1).toBeCloseTo(0.5);
    // B-cubed precision: records 0 and 1 have 2/3 of their cluster right, record 2 has 1/3.
    expect(result.bcubed.precision).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3) / 3);
    expect(result.bcubed.recall).toBe(1);
  });

  it('treats records without truth as entities of their own', () => {
    const result = evaluateClusters([0, 0], [null, null]);
    expect(result.pairwise).toMatchObject({ truePositives: 0, predicted: 1, actual: 0, precision: 0 });
  });
});

describe('evaluatePairs', () => {
  it('counts a predicted pair as true when both records share a truth', () => {
    const result = evaluatePairs(
      [
        [0, 1],
        [1, 2],
      ],
      ['a', 'a', 'b', 'b'],
    );
    expect(result).toMatchObject({ truePositives: 1, predicted: 2, actual: 2, precision: 0.5, recall: 0.5 });
  });
});
