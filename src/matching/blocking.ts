import { CutoverError, ErrorCode } from '../core/errors.js';
import { splitBlockingKey } from '../core/plan/dedupe-plan-schema.js';
import { FieldKind, type DedupeConfig } from './dedupe-config.js';
import { hasPhonetic } from './prepare-records.js';
import type { Workbench } from './workbench.js';

export interface CappedBlock {
  rule: string;
  key: string;
  records: number;
}

export interface BlockingRuleReport {
  rule: string;
  /** Pairs this rule proposes (before the union removes those found by earlier rules). */
  pairs: number;
  /** Blocks over the cap, not expanded into pairs; the largest first, at most 20 listed. */
  cappedBlocks: CappedBlock[];
  cappedBlockCount: number;
}

export interface BlockingReport {
  rules: BlockingRuleReport[];
  /** Distinct pairs after the union: what gets scored. */
  candidatePairs: number;
}

/** SQL for one blocking key over the `rec` table (alias-free), or an error naming the key. */
export const blockingKeySql = (config: DedupeConfig, key: string): string => {
  const { column, suffix } = splitBlockingKey(
    config.fields.map((field) => field.column),
    key,
  );
  const i = config.fields.findIndex((field) => field.column === column);
  const field = config.fields[i];
  if (field === undefined) {
    throw new CutoverError(
      ErrorCode.PLAN_INVALID,
      `blocking key "${key}": no field "${column}" in the dedupe config`,
    );
  }
  const value = `v${i}`;
  const prefix = /^prefix(\d+)$/.exec(suffix);
  if (suffix === '') return value;
  if (prefix) return `left(${value}, ${prefix[1]})`;
  if (suffix === 'initial') return `left(${value}, 1)`;
  if (suffix === 'digits') return `nullif(regexp_replace(${value}, '[^0-9]', '', 'g'), '')`;
  if (suffix === 'phonetic' && hasPhonetic(field)) return `p${i}`;
  if (suffix === 'year' && field.kind === FieldKind.date) return `year(d${i})::VARCHAR`;
  if (suffix === 'domain' && field.kind === FieldKind.email)
    return `nullif(split_part(${value}, '@', 2), '')`;
  if (suffix === 'domain' && field.kind === FieldKind.website) return value;
  if (suffix === 'local' && field.kind === FieldKind.email) return `nullif(split_part(${value}, '@', 1), '')`;
  throw new CutoverError(
    ErrorCode.PLAN_INVALID,
    `blocking key "${key}": "${suffix}" does not apply to a ${field.kind}`,
  );
};

/**
 * Builds table `pairs (l, r, rule)`: the union of the pairs whose keys are equal under at least one rule, `rule`
 * being the first rule that found the pair. Records of different dossiers never meet (the dossier is part of
 * every key), nor, when the config names a side column, records of one side. A block larger than `blockCap` would cost cap²/2 pairs for little evidence (everyone called Martin):
 * it is left out and reported, and the other rules still reach its records.
 */
export const buildCandidatePairs = async (
  workbench: Workbench,
  config: DedupeConfig,
): Promise<BlockingReport> => {
  await workbench.run('CREATE OR REPLACE TEMP TABLE proposed (l INTEGER, r INTEGER, rule TINYINT)');
  const sided = config.side !== undefined;
  const reports: BlockingRuleReport[] = [];
  for (const [index, rule] of config.blocking.entries()) {
    const name = rule.join(' + ');
    const parts = rule.map((key) => blockingKeySql(config, key));
    // Blocks are found by a 64-bit hash of the keys, cheaper to group and join than the text; a collision
    // (about one in 10^19 pairs of keys) would only add a pair to score.
    const present = parts.map((part) => `${part} IS NOT NULL AND ${part} <> ''`).join(' AND ');
    await workbench.run(
      `CREATE OR REPLACE TEMP TABLE block_keys AS SELECT id, side, hash(dossier, ${parts.join(', ')}) AS k FROM rec WHERE ${present}`,
    );
    // A block's pairs are those across its sides: n(n-1)/2 less the pairs inside each side (none when sides are
    // not used, all records being on side '').
    await workbench.run(
      `CREATE OR REPLACE TEMP TABLE block_sizes AS
       SELECT k, sum(m)::BIGINT AS n, min(example) AS example,
              ((sum(m) * (sum(m) - 1) - ${sided ? 'sum(m * (m - 1))' : '0'}) / 2)::BIGINT AS pairs
       FROM (SELECT k, side, count(*) AS m, min(id) AS example FROM block_keys GROUP BY k, side)
       GROUP BY k HAVING sum(m) > 1`,
    );
    const capped = await workbench.rows<{ key: string; records: number }>(
      `SELECT concat_ws(' | ', r.dossier, ${parts.join(', ')}) AS key, s.n::INTEGER AS records
       FROM (SELECT * FROM block_sizes WHERE n > ${config.blockCap} ORDER BY n DESC LIMIT 20) s
       JOIN rec r ON r.id = s.example ORDER BY s.n DESC, key`,
    );
    const cappedBlockCount = await workbench.scalar(
      `SELECT count(*) FROM block_sizes WHERE n > ${config.blockCap}`,
    );
    const pairs = await workbench.scalar(
      `SELECT coalesce(sum(pairs), 0) FROM block_sizes WHERE n <= ${config.blockCap}`,
    );
    await workbench.run(
      `INSERT INTO proposed
       SELECT a.id, b.id, ${index} FROM block_keys a JOIN block_keys b ON a.k = b.k AND a.id < b.id
       ${sided ? 'AND a.side <> b.side' : ''}
       WHERE a.k IN (SELECT k FROM block_sizes WHERE n <= ${config.blockCap})`,
    );
    reports.push({
      rule: name,
      pairs,
      cappedBlocks: capped.map((block) => ({ rule: name, ...block })),
      cappedBlockCount,
    });
  }
  await workbench.run(
    'CREATE OR REPLACE TABLE pairs AS SELECT l, r, min(rule) AS rule FROM proposed GROUP BY l, r',
  );
  await workbench.run(
    'DROP TABLE proposed; DROP TABLE IF EXISTS block_keys; DROP TABLE IF EXISTS block_sizes',
  );
  return { rules: reports, candidatePairs: await workbench.scalar('SELECT count(*) FROM pairs') };
};

/** Share of the true pairs that blocking proposes: no scoring can find a pair that was never compared. */
export const blockingRecallCeiling = async (
  workbench: Workbench,
): Promise<{ truePairs: number; reachable: number }> => {
  const truePairs = await workbench.scalar(
    `SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM rec WHERE truth IS NOT NULL GROUP BY truth)`,
  );
  const reachable = await workbench.scalar(
    `SELECT count(*) FROM pairs p JOIN rec a ON a.id = p.l JOIN rec b ON b.id = p.r WHERE a.truth = b.truth`,
  );
  return { truePairs, reachable };
};
