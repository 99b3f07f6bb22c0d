import { visibleText } from '../visible-text.js';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { CutoverError, ErrorCode, isCutoverError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { planJsonSchema } from '../../core/plan/plan-json-schema.js';
import { loadPlanFile } from '../../pipeline/plan/load-plan-file.js';
import { entityLoadOrder } from '../../pipeline/plan/entity-order.js';
import { connectionProblems } from '../connection-problems.js';
import { createOutput, type Output } from '../output.js';
import { refuseUnwritablePath } from '../path-problem.js';
import { planErrorsOf, type PlanError } from '../plan-errors.js';
import { starterFecPlan, starterPlan } from '../starter-plan.js';

/** `cutover init`: writes a commented starter plan. */
export const initCommand = async (options: {
  out: string;
  force?: boolean;
  fec?: string;
}): Promise<number> => {
  if (existsSync(options.out) && options.force !== true) {
    throw new CutoverError(ErrorCode.USAGE, `${options.out} exists; use --force to overwrite it`);
  }
  refuseUnwritablePath('--out', options.out, { kind: 'file', createsFolders: false });
  await writeFile(options.out, options.fec === undefined ? starterPlan : starterFecPlan(options.fec));
  process.stdout.write(
    `Wrote ${options.out}: edit its sources and fields, then \`cutover run --dry-run\`.\n`,
  );
  return ExitCode.OK;
};

/** `cutover schema`: the plan's JSON Schema, for editors. */
export const schemaCommand = (): number => {
  process.stdout.write(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
  return ExitCode.OK;
};

const formatError = (error: PlanError): string =>
  `${error.file}${error.line === null ? '' : `:${error.line}`}${error.path === null ? '' : ` ${error.path}`}: ${error.message}`;

/**
 * An invalid plan: the mistakes on stderr as every command says them, and with --json as a verdict on stdout too,
 * the valid case's shape with its mistakes instead of the load order (a script reads one document either way).
 */
const refuse = (output: Output, message: string, errors: PlanError[]): number => {
  process.stderr.write(`cutover: ${visibleText(message)}\n`);
  output.result({ valid: false, errors });
  return ExitCode.BAD_PLAN;
};

/**
 * `cutover validate`: checks the plan without reading any source: fields, references, load order, and what `run`
 * would refuse in its connection URLs (a literal password).
 */
export const validateCommand = async (options: { plan: string; json?: boolean }): Promise<number> => {
  const output = createOutput(options);
  let loaded;
  let order;
  try {
    loaded = await loadPlanFile(options.plan);
    order = entityLoadOrder(loaded.plan);
  } catch (error) {
    // A plan that cannot be read is not a verdict on the plan: exit 4 and one line, as in every command.
    if (!isCutoverError(error) || error.code !== ErrorCode.PLAN_INVALID) throw error;
    return refuse(output, error.message, planErrorsOf(error, options.plan));
  }
  const errors = connectionProblems(loaded).map((problem): PlanError => ({
    file: options.plan,
    line: problem.line ?? null,
    path: problem.path === '' ? null : problem.path,
    message: problem.message,
  }));
  if (errors.length > 0)
    return refuse(output, `the plan is not valid:\n  ${errors.map(formatError).join('\n  ')}`, errors);
  output.info(
    `${options.plan} is valid (version ${loaded.hash}): entities load in the order ${order.join(', ')}.`,
  );
  output.result({ valid: true, version: loaded.hash, order });
  return ExitCode.OK;
};
