import { blockingRecallCeiling, buildCandidatePairs, type BlockingReport } from './blocking.js';
import { clusterLinks, type Link, type RefusedLink } from './cluster-links.js';
import { comparisonsOf, type Comparison } from './comparisons.js';
import { csvReadOptions } from './csv-read-options.js';
import type { DedupeConfig } from './dedupe-config.js';
import { evaluateClusters, evaluatePairs, type ClusterEvaluation, type PairwiseCounts } from './evaluate.js';
import { explainPair, probabilityOf, type PairExplanation } from './explain-pair.js';
import { compareCandidatePairs, trainModel, weightSql, type FellegiSunterModel } from './fellegi-sunter.js';
import { prepareRecords } from './prepare-records.js';
import { applySidePriors, type SidePrior } from './side-priors.js';
import { sqlString, type Workbench } from './workbench.js';

export interface ClusterMember {
  /** Row of the record in the input (0-based, header excluded). */
  row: number;
  /** The record's own id (config `id`), or its row. */
  id: string;
  /** How many configured fields it fills: an input for survivorship ("most complete"). */
  filled: number;
}

/** A group of records the engine says are one entity: what survivorship turns into one golden record. */
export interface DedupeCluster {
  members: ClusterMember[];
  /** The accepted links that joined it, strongest first: the evidence behind each absorbed record. */
  links: { l: number; r: number; weight: number; forced: boolean }[];
}

/** A doubtful pair for a person to decide, with what they need to decide it. */
export interface ReviewPair {
  l: ClusterMember;
  r: ClusterMember;
  /** Source columns of both records, side by side: [column, left value, right value]. */
  fields: [string, string | null, string | null][];
  explanation: PairExplanation;
  /** Why it is here: between the thresholds, or above the automatic one but refused by a conflict check. */
  reason: 'grey-zone' | 'strong-identifier-differs' | RefusedLink['reason'];
}

export interface DedupeResult {
  records: number;
  thresholds: DedupeConfig['thresholds'];
  blocking: BlockingReport & { recallCeiling?: { truePairs: number; reachable: number; ceiling: number } };
  model: FellegiSunterModel;
  /** With sides: the prior of each pair of sides, which replaces the model's for their pairs. */
  sidePriors?: SidePrior[];
  links: { aboveThreshold: number; accepted: number; refused: number };
  clusters: DedupeCluster[];
  review: { total: number; pairs: ReviewPair[] };
  /** When the records carry ground truth. */
  evaluation?: {
    clusters: ClusterEvaluation;
    links: PairwiseCounts;
    /**
     * A diagnostic, never used by the engine: the best links F1 any single threshold would have reached, and that
     * threshold. It is how figures are often published (the best point of a precision-recall curve), so it is
     * the one to set beside them; the engine's own figure is at the threshold fixed in the config.
     */
    bestThreshold: { probability: number; f1: number };
  };
  seconds: Record<string, number>;
}

export interface DedupeOptions {
  /** Review pairs returned with their fields and explanation (all are counted). */
  reviewLimit?: number;
  /**
   * People's decisions, by record row: a "same" pair is linked first, whatever its fields and strong identifiers
   * say (see clusterLinks); a "different" pair is never linked directly, and its two clusters are kept apart unless
   * a strong identifier joins them.
   */
  decisions?: {
    same: readonly (readonly [number, number])[];
    different: readonly (readonly [number, number])[];
  };
  /** Called as each step starts (prepare, block, compare, train, score, cluster, review), for live progress. */
  onStep?: (step: DedupeStep, index: number, steps: number) => void;
}

/** The steps of `runDedupe`, in order (an evaluation against ground truth comes after them). */
export const DEDUPE_STEPS = ['prepare', 'block', 'compare', 'train', 'score', 'cluster', 'review'] as const;
export type DedupeStep = (typeof DEDUPE_STEPS)[number];

/** Above any Fellegi-Sunter weight: a person's "same" is the first link clustering considers. */
const DECIDED_WEIGHT = 1e9;
const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** Loads a CSV file into table `src`, every column as text, with `_row` its 0-based row number. */
export const loadCsv = async (workbench: Workbench, path: string): Promise<void> => {
  await workbench.run(
    `CREATE OR REPLACE TABLE src AS
     SELECT (row_number() OVER () - 1)::INTEGER AS _row, *
     FROM read_csv(${sqlString(path)}, ${csvReadOptions(path)})`,
  );
};

/**
 * Deduplicates table `src` (loaded by `loadCsv`, or filled by any other means with a `_row` column): derive
 * keys, block, compare, train the Fellegi-Sunter model without labels, score, cluster above the automatic
 * threshold with conflict checks, and return the grey zone for review. Everything stays in the workbench
 * (tables rec, pairs, cmp, scored) for whoever builds on it.
 */
export const runDedupe = async (
  workbench: Workbench,
  config: DedupeConfig,
  options: DedupeOptions = {},
): Promise<DedupeResult> => {
  const seconds: Record<string, number> = {};
  let clock = performance.now();
  const starting = (step: DedupeStep) =>
    options.onStep?.(step, DEDUPE_STEPS.indexOf(step), DEDUPE_STEPS.length);
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round(now - clock) / 1000;
    clock = now;
  };

  starting('prepare');
  const records = await prepareRecords(workbench, config);
  lap('prepare');
  starting('block');
  const comparisons = comparisonsOf(config);
  const blocking: DedupeResult['blocking'] = await buildCandidatePairs(workbench, config);
  const hasTruth = (await workbench.scalar('SELECT count(truth) FROM rec')) > 0;
  if (hasTruth) {
    const { truePairs, reachable } = await blockingRecallCeiling(workbench);
    blocking.recallCeiling = { truePairs, reachable, ceiling: truePairs === 0 ? 1 : reachable / truePairs };
  }
  lap('block');
  starting('compare');
  await compareCandidatePairs(workbench, config, comparisons);
  lap('compare');
  starting('train');
  const model = await trainModel(workbench, config, comparisons, records, {
    same: options.decisions?.same ?? [],
    different: options.decisions?.different ?? [],
  });
  lap('train');
  starting('score');
  await scorePairs(workbench, model, comparisons);
  // Across sides (linking systems), the prior is one per pair of sides, and a pair's Bayes factor is read
  // against its own prior from here on.
  const sidePriors = config.side === undefined ? undefined : await applySidePriors(workbench, model);
  const priorSql = sidePriors === undefined ? String(model.priorWeight) : 'prior';
  lap('score');

  starting('cluster');
  const { thresholds } = config;
  const [ls = [], rs = [], weights = [], forced = []] = await workbench.columns(
    `SELECT l, r, weight, strong_equal FROM scored
     WHERE strong_equal OR (probability >= ${thresholds.auto} AND NOT strong_conflict)`,
  );
  const different = new Set((options.decisions?.different ?? []).map(([a, b]) => pairKey(a, b)));
  const links: Link[] = [
    ...(options.decisions?.same ?? []).map(([l, r]) => ({
      l,
      r,
      weight: DECIDED_WEIGHT,
      forced: true,
      decided: true,
    })),
    ...ls
      .map((l, k) => ({
        l: Number(l),
        r: Number(rs[k]),
        weight: Number(weights[k]),
        forced: Boolean(forced[k]),
      }))
      .filter((link) => !different.has(pairKey(link.l, link.r))),
  ];
  const [cl = [], cr = []] = await workbench.columns(
    `WITH linked AS (SELECT l AS id FROM scored WHERE strong_equal OR probability >= ${thresholds.auto}
                     UNION SELECT r FROM scored WHERE strong_equal OR probability >= ${thresholds.auto})
     SELECT l, r FROM scored WHERE weight - ${priorSql} < 0
     AND l IN (SELECT id FROM linked) AND r IN (SELECT id FROM linked)`,
  );
  const strongComparisons = comparisons.filter((comparison) => comparison.strong);
  const strongIdentifiers = [];
  for (const comparison of strongComparisons) {
    const [values = []] = await workbench.columns(`SELECT ${comparison.value} FROM rec ORDER BY id`);
    strongIdentifiers.push({ name: comparison.field, values: values as (string | null)[] });
  }
  const clustering = clusterLinks({
    records,
    links,
    strongIdentifiers,
    cannotLink: [
      ...cl.map((l, k) => [Number(l), Number(cr[k])] as const),
      ...(options.decisions?.different ?? []),
    ],
  });
  lap('cluster');

  starting('review');
  const members = await memberInfo(workbench, config);
  const clusters = buildClusters(clustering.clusterOf, clustering.accepted, members);
  const review = await reviewPairs(
    workbench,
    config,
    model,
    comparisons,
    clustering,
    members,
    options.reviewLimit ?? 1000,
    sidePriors !== undefined,
    new Set(
      [...(options.decisions?.same ?? []), ...(options.decisions?.different ?? [])].map(([a, b]) =>
        pairKey(a, b),
      ),
    ),
  );
  lap('review');

  let evaluation: DedupeResult['evaluation'];
  if (hasTruth) {
    const [truth = []] = await workbench.columns('SELECT truth FROM rec ORDER BY id');
    const truthOf = truth as (string | null)[];
    evaluation = {
      clusters: evaluateClusters(clustering.clusterOf, truthOf),
      links: evaluatePairs(
        links.map((link) => [link.l, link.r] as const),
        truthOf,
      ),
      bestThreshold: await bestThreshold(workbench),
    };
    lap('evaluate');
  }
  return {
    records,
    thresholds,
    blocking,
    model,
    ...(sidePriors === undefined ? {} : { sidePriors }),
    links: {
      aboveThreshold: links.length,
      accepted: clustering.accepted.length,
      refused: clustering.refused.length,
    },
    clusters,
    review,
    ...(evaluation ? { evaluation } : {}),
    seconds,
  };
};

/** Table `scored`: each candidate pair with its levels, match weight and probability, and strong-identifier flags. */
const scorePairs = async (
  workbench: Workbench,
  model: FellegiSunterModel,
  comparisons: Comparison[],
): Promise<void> => {
  const strong = comparisons.filter((comparison) => comparison.strong);
  const equal = strong.map((comparison) => `g${comparison.index} = 0`).join(' OR ') || 'false';
  const differs =
    strong.map((comparison) => `g${comparison.index} = ${comparison.levels.length}`).join(' OR ') || 'false';
  await workbench.run(
    `CREATE OR REPLACE TABLE scored AS
     SELECT *, 1 / (1 + pow(2, -weight)) AS probability FROM (
       SELECT *, ${model.priorWeight} + ${weightSql(model, comparisons).join(' + ')} AS weight,
              (${equal}) AS strong_equal, (${differs}) AS strong_conflict
       FROM cmp)`,
  );
};

const memberInfo = async (workbench: Workbench, config: DedupeConfig) => {
  const filled = config.fields.map((_, i) => `(v${i} IS NOT NULL)::INTEGER`).join(' + ');
  const [ids = [], counts = []] = (await workbench.columns(`SELECT rid, ${filled} FROM rec ORDER BY id`)) as [
    (string | null)[],
    number[],
  ];
  return (row: number): ClusterMember => ({
    row,
    id: String(ids[row] ?? row),
    filled: Number(counts[row] ?? 0),
  });
};

const buildClusters = (
  clusterOf: Int32Array,
  accepted: Link[],
  member: (row: number) => ClusterMember,
): DedupeCluster[] => {
  // Records alone (most of them) get no member object: a million of those is memory for nothing.
  const sizes = new Int32Array(clusterOf.length);
  for (const cluster of clusterOf) sizes[cluster] = (sizes[cluster] ?? 0) + 1;
  const byCluster = new Map<number, DedupeCluster>();
  clusterOf.forEach((cluster, row) => {
    if ((sizes[cluster] ?? 0) < 2) return;
    let entry = byCluster.get(cluster);
    if (entry === undefined) {
      entry = { members: [], links: [] };
      byCluster.set(cluster, entry);
    }
    entry.members.push(member(row));
  });
  for (const link of accepted) byCluster.get(clusterOf[link.l] ?? -1)?.links.push(link);
  return [...byCluster.values()].filter((cluster) => cluster.members.length > 1);
};

const reviewPairs = async (
  workbench: Workbench,
  config: DedupeConfig,
  model: FellegiSunterModel,
  comparisons: Comparison[],
  clustering: ReturnType<typeof clusterLinks>,
  member: (row: number) => ClusterMember,
  limit: number,
  sided: boolean,
  /** Pairs a person has decided (pairKey): reviewed already, never counted or listed as to review again. */
  decided: ReadonlySet<string>,
): Promise<DedupeResult['review']> => {
  const { thresholds } = config;
  // The grey zone (between the thresholds, or above with different strong identifiers) not already joined
  // through other links, plus the links a conflict check refused.
  const [ls = [], rs = [], ws = []] = await workbench.columns(
    `SELECT l, r, weight FROM scored
     WHERE probability >= ${thresholds.review} AND (probability < ${thresholds.auto} OR strong_conflict) AND NOT strong_equal`,
  );
  const refused = new Map(
    clustering.refused.map((entry) => [`${entry.link.l}:${entry.link.r}`, entry.reason]),
  );
  const candidates: [number, number, number][] = clustering.refused
    .filter(({ link }) => !decided.has(pairKey(link.l, link.r)))
    .map(({ link }) => [link.l, link.r, link.weight]);
  ls.forEach((l, k) => {
    const [a, b] = [Number(l), Number(rs[k])];
    if (
      clustering.clusterOf[a] !== clustering.clusterOf[b] &&
      !refused.has(`${a}:${b}`) &&
      !decided.has(pairKey(a, b))
    ) {
      candidates.push([a, b, Number(ws[k])]);
    }
  });
  const open = candidates.sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
  const shown = open.slice(0, limit);
  if (shown.length === 0) return { total: open.length, pairs: [] };
  await workbench.run('CREATE OR REPLACE TEMP TABLE review_pairs (l VARCHAR, r VARCHAR)');
  await workbench.appendStrings(
    'review_pairs',
    shown.map(([l, r]) => [String(l), String(r)]),
  );
  const tfColumns = comparisons.map((comparison) =>
    comparison.termFrequencyLevel !== null ? `s.tf${comparison.index}` : 'NULL::DOUBLE',
  );
  const rows = await workbench.rows<Record<string, unknown>>(
    `SELECT s.l, s.r, s.strong_conflict, ${sided ? 's.prior' : 'NULL::DOUBLE'} AS pair_prior,
            [${comparisons.map((comparison) => `s.g${comparison.index}::INTEGER`).join(', ')}] AS levels,
            [${tfColumns.join(', ')}] AS shares,
            to_json(a) AS left_record, to_json(b) AS right_record
     FROM review_pairs p JOIN scored s ON s.l = p.l::INTEGER AND s.r = p.r::INTEGER
     JOIN src a ON a._row = s.l JOIN src b ON b._row = s.r
     ORDER BY s.weight DESC, s.l, s.r`,
  );
  const columns = config.fields.map((field) => field.column);
  const pairs = rows.map((row): ReviewPair => {
    const [l, r] = [Number(row.l), Number(row.r)];
    const left = JSON.parse(String(row.left_record)) as Record<string, string | null>;
    const right = JSON.parse(String(row.right_record)) as Record<string, string | null>;
    return {
      l: member(l),
      r: member(r),
      fields: columns.map((column) => [column, left[column] ?? null, right[column] ?? null]),
      explanation: withPrior(
        explainPair(model, comparisons, row.levels as number[], row.shares as (number | null)[]),
        row.pair_prior === null ? undefined : Number(row.pair_prior),
      ),
      reason: refused.get(`${l}:${r}`) ?? (row.strong_conflict ? 'strong-identifier-differs' : 'grey-zone'),
    };
  });
  return { total: open.length, pairs };
};

/** An explanation read against the pair's own prior (per pair of sides) rather than the model's. */
const withPrior = (explanation: PairExplanation, prior: number | undefined): PairExplanation => {
  if (prior === undefined) return explanation;
  const weight = explanation.weight - explanation.prior + prior;
  return { ...explanation, prior, weight, probability: probabilityOf(weight) };
};

/** Sweeps every threshold over the scored pairs: links F1 if exactly the pairs at or above it were linked. */
const bestThreshold = async (workbench: Workbench): Promise<{ probability: number; f1: number }> => {
  const actual = await workbench.scalar(
    `SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM rec WHERE truth IS NOT NULL GROUP BY truth)`,
  );
  const [row] = await workbench.rows<{ probability: number | null; f1: number | null }>(
    `WITH ranked AS (
       SELECT s.probability,
              sum((a.truth = b.truth)::INTEGER) OVER (ORDER BY s.probability DESC ROWS UNBOUNDED PRECEDING) AS tp,
              row_number() OVER (ORDER BY s.probability DESC) AS predicted
       FROM scored s JOIN rec a ON a.id = s.l JOIN rec b ON b.id = s.r)
     SELECT arg_max(probability, 2 * tp / (predicted + ${actual})) AS probability,
            max(2 * tp / (predicted + ${actual}))::DOUBLE AS f1
     FROM ranked`,
  );
  return { probability: Number(row?.probability ?? 1), f1: Number(row?.f1 ?? 0) };
};
