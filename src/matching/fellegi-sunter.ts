import { blockingKeySql } from './blocking.js';
import { levelLabel, levelSql, type Comparison } from './comparisons.js';
import type { DedupeConfig } from './dedupe-config.js';
import type { Workbench } from './workbench.js';

export interface LevelParameters {
  label: string;
  /** P(level | same entity), estimated by expectation-maximisation without labels. */
  m: number;
  /** P(level | different entities), measured on random pairs. */
  u: number;
  /** log2(m / u): what this level adds to a pair's match weight. */
  weight: number;
}

export interface ComparisonModel {
  field: string;
  kind: Comparison['kind'];
  termFrequency: boolean;
  strong: boolean;
  /** The agreement levels, then "different" last. */
  levels: LevelParameters[];
}

export interface FellegiSunterModel {
  comparisons: ComparisonModel[];
  /** P(two records drawn at random are the same entity): the prior every pair starts from. */
  lambda: number;
  priorWeight: number;
  randomPairs: number;
  em: {
    sessions: { rule: string; pairs: number; iterations: number; converged: boolean }[];
    /** Pairs people decided (review queue) that trained the model with their known class instead of a guess. */
    labelled: { same: number; different: number };
  };
}

/** Pairs of record rows people decided: "same" (one entity) or "different". */
export interface LabelledPairs {
  readonly same: readonly (readonly [number, number])[];
  readonly different: readonly (readonly [number, number])[];
}

const RANDOM_PAIRS = 500_000;
const EM_MAX_ITERATIONS = 200;
const EM_TOLERANCE = 1e-6;
/** Floors keep a level never seen in a sample from weighing ±infinity. */
const PROBABILITY_FLOOR = 1e-6;

const log2 = Math.log2;
const levelColumns = (comparisons: Comparison[]) => comparisons.map((comparison) => `g${comparison.index}`);

/** Which blocking rules a pair satisfies, as a bit mask: EM learns each field's m from the rules that do not use it. */
const ruleMaskSql = (config: DedupeConfig): string =>
  config.blocking
    .map((rule, bit) => {
      const keys = rule.map((key) => {
        const sql = blockingKeySql(config, key);
        return `(${sql.replace(/\b([vpd]\d+)\b/g, 'l.$1')} = ${sql.replace(/\b([vpd]\d+)\b/g, 'r.$1')})`;
      });
      return `CASE WHEN coalesce(${keys.join(' AND ')}, false) THEN ${2 ** bit} ELSE 0 END`;
    })
    .join(' + ');

/** Builds table `cmp`: for each candidate pair, its level per comparison and the term frequency where it applies. */
export const compareCandidatePairs = async (
  workbench: Workbench,
  config: DedupeConfig,
  comparisons: Comparison[],
): Promise<void> => {
  const columns = comparisons.flatMap((comparison) => {
    const level = `${levelSql(comparison)} AS g${comparison.index}`;
    if (comparison.termFrequencyLevel === null) return [level];
    const i = comparison.index;
    return [
      level,
      `CASE WHEN g${i} = ${comparison.termFrequencyLevel} THEN greatest(l.tf${i}, r.tf${i}) END AS tf${i}`,
    ];
  });
  await workbench.run(
    `CREATE OR REPLACE TABLE cmp AS
     SELECT p.l, p.r, p.rule, (${ruleMaskSql(config)})::INTEGER AS rules, ${columns.join(', ')}
     FROM pairs p JOIN rec l ON l.id = p.l JOIN rec r ON r.id = p.r`,
  );
};

/** u per level: how often two records drawn at random (almost always different entities) agree that way. */
const estimateU = async (workbench: Workbench, comparisons: Comparison[], records: number) => {
  const wanted = records < 2 ? 0 : Math.min(RANDOM_PAIRS, (records * (records - 1)) / 2);
  // Pairs drawn by hashing a counter: the same pairs on every run, whatever the thread count.
  await workbench.run(
    `CREATE OR REPLACE TEMP TABLE random_pairs AS
     SELECT ${comparisons.map((comparison) => `${levelSql(comparison)} AS g${comparison.index}`).join(', ')}
     FROM (SELECT (hash(i * 2) % ${Math.max(records, 1)})::INTEGER AS a, (hash(i * 2 + 1) % ${Math.max(records, 1)})::INTEGER AS b
           FROM range(${wanted}) t(i)) s
     JOIN rec l ON l.id = s.a JOIN rec r ON r.id = s.b WHERE s.a <> s.b`,
  );
  const sampled = await workbench.scalar('SELECT count(*) FROM random_pairs');
  const u: number[][] = [];
  for (const comparison of comparisons) {
    const counts = await workbench.rows<{ level: number; n: number }>(
      `SELECT g${comparison.index}::INTEGER AS level, count(*)::DOUBLE AS n FROM random_pairs
       WHERE g${comparison.index} >= 0 GROUP BY 1`,
    );
    const total = counts.reduce((sum, row) => sum + row.n, 0);
    const levels = comparison.levels.length + 1;
    u.push(
      Array.from({ length: levels }, (_, level) => {
        const n = counts.find((row) => row.level === level)?.n ?? 0;
        return Math.max(total > 0 ? n / total : 0, 1 / Math.max(total, 1), PROBABILITY_FLOOR);
      }),
    );
  }
  await workbench.run('DROP TABLE random_pairs');
  return { u, sampled };
};

interface Pattern {
  levels: number[];
  count: number;
  /** Pairs a person decided: their class is known (true: same entity), so EM does not guess it. */
  labelled: boolean | null;
  /** For undecided pairs: how people decided the pairs that compare exactly the same way. */
  lookAlikes?: { same: number; different: number };
}

/** How much the model's own guess weighs against look-alike decisions, in decisions (a Beta prior's strength). */
const LOOK_ALIKE_PRIOR = 1;

/** P(same entity) of a pattern: known for decided pairs, else from the current m, u and prior. */
const posteriorOf = (pattern: Pattern, matchLikelihood: number, nonMatchLikelihood: number): number => {
  if (pattern.labelled !== null) return pattern.labelled ? 1 : 0;
  const model = matchLikelihood / (matchLikelihood + nonMatchLikelihood);
  const seen = pattern.lookAlikes;
  if (seen === undefined) return model;
  // Decisions on pairs that compare exactly alike say what such pairs are: the model's guess is their prior.
  return (seen.same + LOOK_ALIKE_PRIOR * model) / (seen.same + seen.different + LOOK_ALIKE_PRIOR);
};

/**
 * Expectation-maximisation of m (and of the share of matches among the pairs) with u fixed, over the comparison
 * vectors grouped into patterns. Comparisons listed in `frozen` are left out: inside a block their agreement
 * was forced by the blocking rule and says nothing.
 */
const expectationMaximisation = (
  patterns: Pattern[],
  u: number[][],
  initialM: number[][],
  frozen: Set<number>,
) => {
  const m = initialM.map((levels) => [...levels]);
  let lambda = 0.1;
  let iterations = 0;
  let converged = false;
  let expectedMatches = 0;
  const active = u.map((_, c) => !frozen.has(c));
  while (iterations < EM_MAX_ITERATIONS && !converged) {
    iterations++;
    const mSums = m.map((levels) => levels.map(() => 0));
    let matchSum = 0;
    let total = 0;
    for (const pattern of patterns) {
      let matchLikelihood = lambda;
      let nonMatchLikelihood = 1 - lambda;
      pattern.levels.forEach((level, c) => {
        if (level < 0 || !active[c]) return;
        matchLikelihood *= m[c]?.[level] ?? 1;
        nonMatchLikelihood *= u[c]?.[level] ?? 1;
      });
      const weight = posteriorOf(pattern, matchLikelihood, nonMatchLikelihood) * pattern.count;
      matchSum += weight;
      total += pattern.count;
      pattern.levels.forEach((level, c) => {
        const sums = mSums[c];
        if (level >= 0 && sums) sums[level] = (sums[level] ?? 0) + weight;
      });
    }
    let change = Math.abs(matchSum / total - lambda);
    lambda = matchSum / total;
    mSums.forEach((sums, c) => {
      if (!active[c]) return;
      const sum = sums.reduce((a, b) => a + b, 0);
      if (sum <= 0) return;
      const levels = m[c] ?? [];
      sums.forEach((value, level) => {
        const next = Math.max(value / sum, PROBABILITY_FLOOR);
        change = Math.max(change, Math.abs(next - (levels[level] ?? 0)));
        levels[level] = next;
      });
    });
    expectedMatches = matchSum;
    converged = change < EM_TOLERANCE;
  }
  return { m, lambda, iterations, converged, expectedMatches };
};

/** Starting m: most matches agree exactly, few disagree. EM moves away from it quickly. */
const initialM = (comparisons: Comparison[]): number[][] =>
  comparisons.map((comparison) => {
    const levels = comparison.levels.length + 1;
    if (levels === 2) return [0.9, 0.1];
    const middle = 0.15 / (levels - 2);
    return Array.from({ length: levels }, (_, level) =>
      level === 0 ? 0.8 : level === levels - 1 ? 0.05 : middle,
    );
  });

const fieldsOfRule = (config: DedupeConfig, rule: string[]): Set<number> =>
  new Set(
    rule.map((key) =>
      config.fields.findIndex((field) => field.column === key || key.startsWith(`${field.column}.`)),
    ),
  );

/** Table `labelled (l, r, same)`: the decided pairs, oriented like the candidate pairs (l < r). */
const storeLabelledPairs = async (workbench: Workbench, labelled: LabelledPairs): Promise<void> => {
  await workbench.run('CREATE OR REPLACE TEMP TABLE labelled (l INTEGER, r INTEGER, same BOOLEAN)');
  const rows = [
    ...labelled.same.map(([a, b]) => [Math.min(a, b), Math.max(a, b), true] as const),
    ...labelled.different.map(([a, b]) => [Math.min(a, b), Math.max(a, b), false] as const),
  ];
  await workbench.appendStrings(
    'labelled',
    rows.map(([l, r, same]) => [String(l), String(r), String(same)]),
  );
};

/**
 * Trains the model: u from random pairs, m by EM. As in Splink, EM runs once per blocking rule on the pairs that
 * rule proposes, with that rule's fields frozen, and each field's m is the average over the sessions that could
 * estimate it, weighed by their expected matches. The share of matches among candidates is then estimated with m
 * and u fixed, and turned into a prior over all pairs. Without decisions no label is used; with them (the review
 * queue's "same" and "different"), EM is semi-supervised: a decided pair counts with its known class, so what
 * people taught the model moves m (and the prior) for every pair that looks like the ones they decided.
 */
export const trainModel = async (
  workbench: Workbench,
  config: DedupeConfig,
  comparisons: Comparison[],
  records: number,
  labelled: LabelledPairs = { same: [], different: [] },
): Promise<FellegiSunterModel> => {
  const { u, sampled } = await estimateU(workbench, comparisons, records);
  await storeLabelledPairs(workbench, labelled);
  const groupBy = levelColumns(comparisons)
    .map((column) => `c.${column}`)
    .join(', ');
  const readPatterns = async (where: string): Promise<Pattern[]> => {
    const rows = await workbench.rows<Record<string, number | boolean | null>>(
      `SELECT ${groupBy}, d.same AS labelled, count(*)::DOUBLE AS n
       FROM cmp c LEFT JOIN labelled d ON d.l = c.l AND d.r = c.r ${where} GROUP BY ALL`,
    );
    const patterns: Pattern[] = rows.map((row) => ({
      levels: comparisons.map((comparison) => Number(row[`g${comparison.index}`])),
      count: Number(row.n),
      labelled: row.labelled === null || row.labelled === undefined ? null : Boolean(row.labelled),
    }));
    const decided = new Map<string, { same: number; different: number }>();
    for (const pattern of patterns) {
      if (pattern.labelled === null) continue;
      const key = pattern.levels.join(',');
      const seen = decided.get(key) ?? { same: 0, different: 0 };
      if (pattern.labelled) seen.same += pattern.count;
      else seen.different += pattern.count;
      decided.set(key, seen);
    }
    for (const pattern of patterns) {
      const seen = pattern.labelled === null ? decided.get(pattern.levels.join(',')) : undefined;
      if (seen !== undefined) pattern.lookAlikes = seen;
    }
    return patterns;
  };
  const [labelledSame = 0, labelledDifferent = 0] = (
    await workbench.columns(
      `SELECT count(*) FILTER (d.same)::DOUBLE, count(*) FILTER (NOT d.same)::DOUBLE
       FROM labelled d JOIN cmp c ON d.l = c.l AND d.r = c.r`,
    )
  ).map((column) => Number(column[0] ?? 0));

  const start = initialM(comparisons);
  const sums = comparisons.map((comparison) => Array<number>(comparison.levels.length + 1).fill(0));
  const weights = comparisons.map(() => 0);
  const sessions: FellegiSunterModel['em']['sessions'] = [];
  for (const [bit, rule] of config.blocking.entries()) {
    const patterns = await readPatterns(`WHERE c.rules & ${2 ** bit} <> 0`);
    const pairs = patterns.reduce((sum, pattern) => sum + pattern.count, 0);
    if (pairs === 0) continue;
    const frozen = fieldsOfRule(config, rule);
    const result = expectationMaximisation(patterns, u, start, frozen);
    sessions.push({
      rule: rule.join(' + '),
      pairs,
      iterations: result.iterations,
      converged: result.converged,
    });
    comparisons.forEach((_, c) => {
      if (frozen.has(c)) return;
      weights[c] = (weights[c] ?? 0) + result.expectedMatches;
      result.m[c]?.forEach((value, level) => {
        const row = sums[c];
        if (row) row[level] = (row[level] ?? 0) + value * result.expectedMatches;
      });
    });
  }
  const m = comparisons.map((_, c) => {
    const weight = weights[c] ?? 0;
    return weight > 0 ? (sums[c] ?? []).map((value) => value / weight) : (start[c] ?? []);
  });

  // λ among the candidates, m and u now fixed: EM with every comparison frozen but the prior.
  const all = await readPatterns('');
  const candidatePairs = all.reduce((sum, pattern) => sum + pattern.count, 0);
  const prior = expectationMaximisationOfPrior(all, m, u);
  const totalPairs = (records * (records - 1)) / 2;
  const lambda = Math.min(Math.max((prior * candidatePairs) / Math.max(totalPairs, 1), 1e-12), 0.5);

  return {
    comparisons: comparisons.map((comparison, c) => ({
      field: comparison.field,
      kind: comparison.kind,
      termFrequency: comparison.termFrequencyLevel !== null,
      strong: comparison.strong,
      levels: Array.from({ length: comparison.levels.length + 1 }, (_, level) => {
        const mValue = m[c]?.[level] ?? PROBABILITY_FLOOR;
        const uValue = u[c]?.[level] ?? PROBABILITY_FLOOR;
        return { label: levelLabel(comparison, level), m: mValue, u: uValue, weight: log2(mValue / uValue) };
      }),
    })),
    lambda,
    priorWeight: log2(lambda / (1 - lambda)),
    randomPairs: sampled,
    em: { sessions, labelled: { same: labelledSame, different: labelledDifferent } },
  };
};

const expectationMaximisationOfPrior = (patterns: Pattern[], m: number[][], u: number[][]): number => {
  const ratios = patterns.map((pattern) => {
    let ratio = 1;
    pattern.levels.forEach((level, c) => {
      if (level >= 0) ratio *= (m[c]?.[level] ?? 1) / (u[c]?.[level] ?? 1);
    });
    return ratio;
  });
  let lambda = 0.1;
  if (patterns.length === 0) return 0;
  for (let iteration = 0; iteration < EM_MAX_ITERATIONS; iteration++) {
    let matches = 0;
    let total = 0;
    patterns.forEach((pattern, index) => {
      const ratio = ratios[index] ?? 1;
      matches += posteriorOf(pattern, lambda * ratio, 1 - lambda) * pattern.count;
      total += pattern.count;
    });
    const next = matches / total;
    if (Math.abs(next - lambda) < EM_TOLERANCE) return next;
    lambda = next;
  }
  return lambda;
};

/** The weight a level adds, as SQL, with the term-frequency adjustment on exact agreement where it applies. */
export const weightSql = (model: FellegiSunterModel, comparisons: Comparison[]): string[] =>
  comparisons.map((comparison, c) => {
    const levels = model.comparisons[c]?.levels ?? [];
    const i = comparison.index;
    const whens = levels.map((level, n) => {
      // Agreeing on a value held by p of the records happens at random with probability p, not the average u.
      const weight =
        n === comparison.termFrequencyLevel
          ? `${log2(level.m)} - log2(greatest(tf${i}, ${PROBABILITY_FLOOR}))`
          : String(level.weight);
      return `WHEN ${n} THEN ${weight}`;
    });
    return `CASE g${i} ${whens.join(' ')} ELSE 0 END`;
  });
