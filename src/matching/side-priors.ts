import type { FellegiSunterModel } from './fellegi-sunter.js';
import type { Workbench } from './workbench.js';

/** The prior of one pair of sides: how likely two of their records are one entity before any comparison. */
export interface SidePrior {
  /** The two sides, sorted, joined by ` ~ `. */
  readonly sides: string;
  readonly candidatePairs: number;
  /** Pairs of records across these two sides: what the prior is a share of. */
  readonly pairs: number;
  /** Share of matches among the candidate pairs, by expectation-maximisation with m and u fixed. */
  readonly matchShare: number;
  readonly priorWeight: number;
}

const EM_MAX_ITERATIONS = 200;
const EM_TOLERANCE = 1e-7;

/**
 * With sides (linking across systems), one prior for every pair is wrong twice over: pairs inside a side are
 * never candidates, and the sides differ in how often they hold one entity (a registry dossier has its CRM
 * company one time in a few; a supplier in a FEC is another client of the firm one time in a hundred). So the
 * prior is estimated per pair of sides, as the model estimates its own: the share of matches among that pair's
 * candidates (expectation-maximisation, m and u fixed, term frequencies included), times candidates over all
 * the pairs across the two sides. Rewrites `scored` with a `prior` column, and `weight` and `probability` from
 * it; the model's global prior stays what training found.
 */
export const applySidePriors = async (
  workbench: Workbench,
  model: FellegiSunterModel,
): Promise<SidePrior[]> => {
  const sideOf = `CASE WHEN a.side < b.side THEN a.side || ' ~ ' || b.side ELSE b.side || ' ~ ' || a.side END`;
  const [sidesColumn = [], factors = []] = (await workbench.columns(
    `SELECT ${sideOf} AS sides, s.weight - ${model.priorWeight} AS factor
     FROM scored s JOIN rec a ON a.id = s.l JOIN rec b ON b.id = s.r`,
  )) as [string[], number[]];
  const sizes = new Map(
    (
      await workbench.rows<{ side: string; n: number }>(
        'SELECT side, count(*)::DOUBLE AS n FROM rec GROUP BY side',
      )
    ).map((row) => [row.side, Number(row.n)]),
  );
  const bySides = new Map<string, number[]>();
  sidesColumn.forEach((sides, index) => {
    const list = bySides.get(sides);
    const ratio = 2 ** Number(factors[index] ?? 0);
    if (list === undefined) bySides.set(sides, [ratio]);
    else list.push(ratio);
  });
  const priors: SidePrior[] = [];
  for (const [sides, ratios] of [...bySides].sort(([a], [b]) => a.localeCompare(b))) {
    let share = 0.1;
    for (let iteration = 0; iteration < EM_MAX_ITERATIONS; iteration++) {
      let matches = 0;
      for (const ratio of ratios) matches += (share * ratio) / (share * ratio + 1 - share);
      const next = matches / ratios.length;
      const done = Math.abs(next - share) < EM_TOLERANCE;
      share = next;
      if (done) break;
    }
    const [left = '', right = ''] = sides.split(' ~ ');
    const pairs = (sizes.get(left) ?? 0) * (sizes.get(right) ?? 0);
    const lambda = Math.min(Math.max((share * ratios.length) / Math.max(pairs, 1), 1e-12), 0.5);
    priors.push({
      sides,
      candidatePairs: ratios.length,
      pairs,
      matchShare: share,
      priorWeight: Math.log2(lambda / (1 - lambda)),
    });
  }
  await workbench.run('CREATE OR REPLACE TEMP TABLE side_prior (sides VARCHAR, prior DOUBLE)');
  await workbench.appendStrings(
    'side_prior',
    priors.map((prior) => [prior.sides, String(prior.priorWeight)]),
  );
  await workbench.run(
    `CREATE OR REPLACE TABLE scored AS
     SELECT * REPLACE (weight AS weight, 1 / (1 + pow(2, -weight)) AS probability) FROM (
       SELECT s.* REPLACE (s.weight - ${model.priorWeight} + p.prior AS weight), p.prior
       FROM scored s JOIN rec a ON a.id = s.l JOIN rec b ON b.id = s.r JOIN side_prior p ON p.sides = ${sideOf})`,
  );
  return priors;
};
