/**
 * Quality of a deduplication against ground truth. Pairwise: every pair of records put in one cluster is a
 * claim "same entity"; precision is the share of claims that are true, recall the share of true pairs claimed.
 * Pairwise figures weigh big clusters quadratically, so B-cubed (per record: how much of its cluster is right,
 * how much of its entity it found) is reported beside them.
 */
export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
}

export interface PairwiseCounts extends PrecisionRecall {
  truePositives: number;
  predicted: number;
  actual: number;
}

export interface ClusterEvaluation {
  pairwise: PairwiseCounts;
  bcubed: PrecisionRecall;
}

const pairsIn = (n: number) => (n * (n - 1)) / 2;
const f1 = (precision: number, recall: number) =>
  precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

const counts = (keys: Iterable<string | number>): Map<string | number, number> => {
  const map = new Map<string | number, number>();
  for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
  return map;
};

/** A record without truth is its own entity. */
const truthKeys = (truth: readonly (string | null)[]) =>
  truth.map((value, record) => (value === null ? `\u0000${record}` : value));

export const evaluateClusters = (
  clusterOf: ArrayLike<number>,
  truth: readonly (string | null)[],
): ClusterEvaluation => {
  const entity = truthKeys(truth);
  const predictedSizes = counts(Array.from(clusterOf));
  const entitySizes = counts(entity);
  const cells = counts(entity.map((key, record) => `${clusterOf[record]}\u0001${key}`));
  let truePositives = 0;
  for (const n of cells.values()) truePositives += pairsIn(n);
  let predicted = 0;
  for (const n of predictedSizes.values()) predicted += pairsIn(n);
  let actual = 0;
  for (const n of entitySizes.values()) actual += pairsIn(n);
  let bPrecision = 0;
  let bRecall = 0;
  entity.forEach((key, record) => {
    const cluster = clusterOf[record] ?? -1;
    const overlap = cells.get(`${cluster}\u0001${key}`) ?? 1;
    bPrecision += overlap / (predictedSizes.get(cluster) ?? 1);
    bRecall += overlap / (entitySizes.get(key) ?? 1);
  });
  const precision = ratio(truePositives, predicted);
  const recall = ratio(truePositives, actual);
  const records = Math.max(entity.length, 1);
  return {
    pairwise: { precision, recall, f1: f1(precision, recall), truePositives, predicted, actual },
    bcubed: {
      precision: bPrecision / records,
      recall: bRecall / records,
      f1: f1(bPrecision / records, bRecall / records),
    },
  };
};

/** Pairwise figures of a list of predicted pairs (links before clustering), as Splink reports them. */
export const evaluatePairs = (
  pairs: readonly (readonly [number, number])[],
  truth: readonly (string | null)[],
): PairwiseCounts => {
  const entity = truthKeys(truth);
  let actual = 0;
  for (const n of counts(entity).values()) actual += pairsIn(n);
  const truePositives = pairs.filter(([l, r]) => entity[l] === entity[r]).length;
  const precision = ratio(truePositives, pairs.length);
  const recall = ratio(truePositives, actual);
  return { precision, recall, f1: f1(precision, recall), truePositives, predicted: pairs.length, actual };
};
