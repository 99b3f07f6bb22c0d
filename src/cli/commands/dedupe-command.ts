import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import YAML, { YAMLError } from 'yaml';
import { z } from 'zod';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { parseDedupeConfig, type DedupeConfig } from '../../matching/dedupe-config.js';
import { loadCsv, runDedupe, type DedupeResult } from '../../matching/dedupe-engine.js';
import { dedupePresets, presetForColumns, type DedupePresetName } from '../../matching/dedupe-presets.js';
import { sqlIdentifier, sqlString, Workbench } from '../../matching/workbench.js';
import { createOutput, formatCount, formatNumber, type Output } from '../output.js';
import { refuseUnwritablePath } from '../path-problem.js';
import { yamlLine } from '../yaml-line.js';

export interface DedupeCommandOptions {
  input: string;
  config?: string;
  json?: boolean;
  review?: number;
}

export interface DedupeEvalOptions extends DedupeCommandOptions {
  truth?: string;
}

export interface DedupeRunOptions extends DedupeCommandOptions {
  out?: string;
}

const TRUTH_COLUMN = '_truth';

/**
 * The config: a preset name, a YAML or JSON file, or, when neither is given, the one preset whose columns the
 * input has. A wrong config is refused with the field named, like a wrong plan.
 */
const resolveConfig = async (option: string | undefined, columns: string[]): Promise<DedupeConfig> => {
  let input: unknown;
  let text: string | undefined;
  if (option === undefined) {
    const preset = presetForColumns(columns);
    if (preset === undefined) {
      throw new CutoverError(
        ErrorCode.USAGE,
        `no --config given and no preset fits the columns of the input; name one of ${Object.keys(dedupePresets).join(', ')} or a YAML file`,
      );
    }
    input = dedupePresets[preset];
  } else if (option in dedupePresets) {
    input = dedupePresets[option as DedupePresetName];
  } else {
    if (!existsSync(option))
      throw new CutoverError(ErrorCode.FILE_NOT_FOUND, `dedupe config not found: ${option}`);
    text = await readFile(option, 'utf8');
    try {
      input = YAML.parse(text);
    } catch (error) {
      // A YAML syntax error is the file's, not a bug: its line, as for a plan (it was exit 1 and a stack trace).
      if (!(error instanceof YAMLError)) throw error;
      const line = error.linePos?.[0].line;
      const first = error.message.split('\n')[0] ?? error.message;
      throw new CutoverError(
        ErrorCode.PLAN_INVALID,
        `dedupe config is not valid:\n  ${option}${line === undefined ? '' : `:${line}`}: ${first.replace(/ at line \d+, column \d+:$/, '')}`,
      );
    }
  }
  try {
    return parseDedupeConfig(input);
  } catch (error) {
    if (!(error instanceof z.ZodError) || option === undefined || text === undefined) {
      const detail = error instanceof z.ZodError ? z.prettifyError(error) : messageOf(error);
      throw new CutoverError(ErrorCode.PLAN_INVALID, `dedupe config ${option ?? ''}: ${detail}`);
    }
    // Each mistake with its YAML line and field path, as a plan's are (`dedupe.yaml:4 fields[1].colum: ...`).
    const mistakes = error.issues.flatMap((issue) => {
      const paths =
        issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      return paths.map((path) => {
        const keys = path.filter((key): key is string | number => typeof key !== 'symbol');
        const line = yamlLine(text, keys) ?? yamlLine(text, keys.slice(0, -1));
        const where = `${option}${line === undefined ? '' : `:${line}`}${keys.length === 0 ? '' : ` ${pathText(keys)}`}`;
        const message =
          issue.code === 'unrecognized_keys' ? `unknown field "${String(path.at(-1))}"` : issue.message;
        return `${where}: ${message}`;
      });
    });
    throw new CutoverError(ErrorCode.PLAN_INVALID, `dedupe config is not valid:\n  ${mistakes.join('\n  ')}`);
  }
};

/** A field path as a plan's mistakes write it: `fields[1].column`. */
const pathText = (path: readonly (string | number)[]): string =>
  path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');

const open = async (options: DedupeCommandOptions) => {
  if (!existsSync(options.input))
    throw new CutoverError(ErrorCode.FILE_NOT_FOUND, `input not found: ${options.input}`);
  const workbench = await Workbench.open();
  try {
    await loadCsv(workbench, options.input);
  } catch (error) {
    workbench.close();
    throw new CutoverError(
      ErrorCode.SOURCE_FAILED,
      `cannot read ${options.input} as CSV: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  const columns = (await workbench.rows<{ column_name: string }>('DESCRIBE src')).map(
    (row) => row.column_name,
  );
  return { workbench, columns };
};

const missingColumns = (config: DedupeConfig, columns: string[]): string[] =>
  [...config.fields.map((field) => field.column), config.id, config.dossier].filter(
    (column): column is string => column !== undefined && !columns.includes(column),
  );

/**
 * Ground truth: a column of the input, or a CSV file whose first column is the record id (the config's `id`)
 * and second the entity; it becomes column `_truth` of the input.
 */
const attachTruth = async (
  workbench: Workbench,
  config: DedupeConfig,
  columns: string[],
  truth: string | undefined,
): Promise<DedupeConfig> => {
  if (truth === undefined) {
    if (config.truth && columns.includes(config.truth.column)) return config;
    throw new CutoverError(
      ErrorCode.USAGE,
      'dedupe eval needs --truth: a column of the input or a CSV file (id, entity)',
    );
  }
  if (columns.includes(truth)) {
    return { ...config, truth: config.truth?.column === truth ? config.truth : { column: truth } };
  }
  if (!existsSync(truth)) {
    throw new CutoverError(ErrorCode.USAGE, `--truth ${truth}: neither a column of the input nor a file`);
  }
  await workbench.run(
    `CREATE OR REPLACE TEMP TABLE truth_file AS SELECT * FROM read_csv(${sqlString(truth)}, all_varchar = true, header = true)`,
  );
  const [idColumn, entityColumn] = (await workbench.rows<{ column_name: string }>('DESCRIBE truth_file')).map(
    (row) => row.column_name,
  );
  if (idColumn === undefined || entityColumn === undefined) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `--truth ${truth}: needs two columns, the record id and the entity`,
    );
  }
  // One entity per record: a file of labelled pairs (an id on many lines) would multiply the records in the join
  // below and give impossible metrics (an F1 above 1), so it is refused for what it is.
  const [repeated] = await workbench.rows<{ id: string; times: number | bigint }>(
    `SELECT ${sqlIdentifier(idColumn)} AS id, count(*) AS times FROM truth_file
     GROUP BY 1 HAVING count(*) > 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  );
  if (repeated !== undefined) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `--truth ${truth}: record id ${repeated.id} is on ${Number(repeated.times)} lines; a truth file gives each record ` +
        `one entity: first column the record id, second its entity (not a list of pairs)`,
    );
  }
  const recordId = config.id ? `s.${sqlIdentifier(config.id)}` : 's._row::VARCHAR';
  await workbench.run(
    `CREATE OR REPLACE TABLE src AS
     SELECT s.*, t.${sqlIdentifier(entityColumn)} AS ${TRUTH_COLUMN}
     FROM src s LEFT JOIN truth_file t ON t.${sqlIdentifier(idColumn)} = ${recordId}`,
  );
  return { ...config, truth: { column: TRUTH_COLUMN } };
};

const percent = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(4));

const printSummary = (output: Output, result: DedupeResult) => {
  output.info(
    `${formatNumber(result.records)} records, ${formatNumber(result.blocking.candidatePairs)} candidate pairs`,
  );
  for (const rule of result.blocking.rules) {
    const capped =
      rule.cappedBlockCount > 0
        ? `; ${formatCount(rule.cappedBlockCount, 'block')} over the cap, not expanded`
        : '';
    output.info(`  blocking ${rule.rule}: ${formatNumber(rule.pairs)} pairs${capped}`);
    for (const block of rule.cappedBlocks.slice(0, 3))
      output.info(`    capped: "${block.key}" (${formatNumber(block.records)} records)`);
  }
  output.info(
    `${formatNumber(result.clusters.length)} clusters of 2 or more; ${formatNumber(result.links.accepted)} links accepted, ` +
      `${formatNumber(result.links.refused)} refused by a conflict check; ${formatCount(result.review.total, 'pair')} to review ` +
      `(thresholds: auto ${result.thresholds.auto}, review ${result.thresholds.review})`,
  );
};

const runWith = async (options: DedupeCommandOptions, truth: string | undefined, evaluate: boolean) => {
  const { workbench, columns } = await open(options);
  try {
    let config = await resolveConfig(options.config, columns);
    const missing = missingColumns(config, columns);
    if (missing.length > 0) {
      throw new CutoverError(
        ErrorCode.PLAN_INVALID,
        `dedupe config names columns the input lacks: ${missing.join(', ')}`,
      );
    }
    config = evaluate
      ? await attachTruth(workbench, config, columns, truth)
      : { ...config, truth: undefined };
    const reviewLimit = options.review ?? 100;
    return await runDedupe(workbench, config, { reviewLimit });
  } finally {
    workbench.close();
  }
};

/** `cutover dedupe eval`: run the engine on a labelled CSV and print pairwise and cluster metrics. */
export const dedupeEvalCommand = async (options: DedupeEvalOptions): Promise<number> => {
  const output = createOutput(options);
  const result = await runWith(options, options.truth, true);
  const evaluation = result.evaluation;
  printSummary(output, result);
  if (result.blocking.recallCeiling) {
    const { ceiling, reachable, truePairs } = result.blocking.recallCeiling;
    output.info(
      `blocking recall ceiling ${percent(ceiling)} (${formatNumber(reachable)} of ${formatNumber(truePairs)} true pairs compared)`,
    );
  }
  if (evaluation) {
    const { pairwise, bcubed } = evaluation.clusters;
    output.info(
      `pairwise (clusters)  precision ${percent(pairwise.precision)}  recall ${percent(pairwise.recall)}  F1 ${percent(pairwise.f1)}`,
    );
    output.info(
      `pairwise (links)     precision ${percent(evaluation.links.precision)}  recall ${percent(evaluation.links.recall)}  F1 ${percent(evaluation.links.f1)}`,
    );
    output.info(
      `B-cubed              precision ${percent(bcubed.precision)}  recall ${percent(bcubed.recall)}  F1 ${percent(bcubed.f1)}`,
    );
    output.info(
      `diagnostic: the best links F1 any threshold would give is ${percent(evaluation.bestThreshold.f1)} at ${evaluation.bestThreshold.probability.toFixed(2)} (found with the labels; the engine used ${result.thresholds.auto})`,
    );
  }
  output.result({
    records: result.records,
    thresholds: result.thresholds,
    blocking: result.blocking,
    evaluation,
    links: result.links,
    clusters: result.clusters.length,
    review: result.review.total,
    model: result.model,
    seconds: result.seconds,
  });
  return ExitCode.OK;
};

/** `cutover dedupe run`: clusters and review pairs of a CSV, written as JSON for the next steps to build on. */
export const dedupeRunCommand = async (options: DedupeRunOptions): Promise<number> => {
  const output = createOutput(options);
  // Before the clustering, not after it: the result is written last.
  if (options.out !== undefined)
    refuseUnwritablePath('--out', options.out, { kind: 'file', createsFolders: false });
  const result = await runWith(options, undefined, false);
  printSummary(output, result);
  const document = { ...result, review: result.review };
  if (options.out !== undefined) {
    await writeFile(options.out, `${JSON.stringify(document, null, 2)}\n`);
    output.info(`clusters, review pairs and model written to ${options.out}`);
  }
  output.result(document);
  return ExitCode.OK;
};
