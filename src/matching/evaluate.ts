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

/** Entity numbers from truth values; a record without truth is an entity of its own. */
const entityNumbers = (truth: readonly (string | null)[]): Int32Array => {
  const numbers = new Map<string, number>();
  const entity = new Int32Array(truth.length);
  let next = 0;
  truth.forEach((value, record) => {
    if (value === null) {
      entity[record] = next++;
      return;
    }
    let number = numbers.get(value);
    if (number === undefined) {
      number = next++;
      numbers.set(value, number);
    }
    entity[record] = number;
  });
  return entity;
};

const sizes = (keys: ArrayLike<number>): Map<number, number> => {
  const map = new Map<number, number>();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? -1;
    map.set(key, (map.get(key) ?? 0) + 1);
  }
  return map;
};

export const evaluateClusters = (
  clusterOf: ArrayLike<number>,
  truth: readonly (string | null)[],
): ClusterEvaluation => {
  const entity = entityNumbers(truth);
  const records = entity.length;
  const predictedSizes = sizes(clusterOf);
  const entitySizes = sizes(entity);
  // A cell is (cluster, entity): numbered cluster × records + entity, exact below 2^53 for any real file.
  const cellOf = (record: number) => (clusterOf[record] ?? -1) * records + (entity[record] ?? -1);
  const cells = sizes(Float64Array.from({ length: records }, (_, record) => cellOf(record)));
  let truePositives = 0;
  for (const n of cells.values()) truePositives += pairsIn(n);
  let predicted = 0;
  for (const n of predictedSizes.values()) predicted += pairsIn(n);
  let actual = 0;
  for (const n of entitySizes.values()) actual += pairsIn(n);
  let bPrecision = 0;
  let bRecall = 0;
  for (let record = 0; record < records; record++) {
    const overlap = cells.get(cellOf(record)) ?? 1;
    bPrecision += overlap / (predictedSizes.get(clusterOf[record] ?? -1) ?? 1);
    bRecall += overlap / (entitySizes.get(entity[record] ?? -1) ?? 1);
  }
  const precision = ratio(truePositives, predicted);
  const recall = ratio(truePositives, actual);
  const count = Math.max(records, 1);
  return {
    pairwise: { precision, recall, f1: f1(precision, recall), truePositives, predicted, actual },
    bcubed: {
      precision: bPrecision / count,
      recall: bRecall / count,
      f1: f1(bPrecision / count, bRecall / count),
    },
  };
};

/** Pairwise figures of a list of predicted pairs (links before clustering), as Splink reports them. */
export const evaluatePairs = (
  pairs: readonly (readonly [number, number])[],
  truth: readonly (string | null)[],
): PairwiseCounts => {
  const entity = entityNumbers(truth);
  let actual = 0;
  for (const n of sizes(entity).values()) actual += pairsIn(n);
  const truePositives = pairs.filter(([l, r]) => entity[l] === entity[r]).length;
  const precision = ratio(truePositives, pairs.length);
  const recall = ratio(truePositives, actual);
  return { precision, recall, f1: f1(precision, recall), truePositives, predicted: pairs.length, actual };
};
