import { levelLabel, type Comparison } from './comparisons.js';
import type { FellegiSunterModel } from './fellegi-sunter.js';

/** One line of a pair's explanation: which comparison, which level, what it weighed. */
export interface ExplanationTerm {
  field: string;
  level: string;
  /** log2 Bayes factor: positive says "same", negative says "different", 0 when a value is missing. */
  weight: number;
  /** Set when the term-frequency adjustment replaced the average u by the share of records holding the value. */
  valueShare?: number;
}

export interface PairExplanation {
  prior: number;
  terms: ExplanationTerm[];
  /** prior + Σ terms. */
  weight: number;
  probability: number;
}

export const probabilityOf = (weight: number): number => 1 / (1 + 2 ** -weight);

/** The same arithmetic as the SQL that scored the pair, term by term, for people to read. */
export const explainPair = (
  model: FellegiSunterModel,
  comparisons: Comparison[],
  levels: readonly number[],
  valueShares: readonly (number | null)[],
): PairExplanation => {
  const terms = comparisons.map((comparison, c): ExplanationTerm => {
    const level = levels[c] ?? -1;
    const parameters = model.comparisons[c]?.levels[level];
    const share = valueShares[c];
    if (level < 0 || parameters === undefined) {
      return { field: comparison.field, level: levelLabel(comparison, -1), weight: 0 };
    }
    if (level === comparison.termFrequencyLevel && share !== null && share !== undefined) {
      return {
        field: comparison.field,
        level: parameters.label,
        weight: Math.log2(parameters.m) - Math.log2(Math.max(share, 1e-6)),
        valueShare: share,
      };
    }
    return { field: comparison.field, level: parameters.label, weight: parameters.weight };
  });
  const weight = model.priorWeight + terms.reduce((sum, term) => sum + term.weight, 0);
  return { prior: model.priorWeight, terms, weight, probability: probabilityOf(weight) };
};
