import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import { planSchema } from '../../core/plan/plan-schema.js';
import { loadPlanFile } from '../../pipeline/plan/load-plan-file.js';
import { entityLoadOrder } from '../../pipeline/plan/entity-order.js';
import { refuseUnwritablePath } from '../path-problem.js';
import { starterFecPlan, starterPlan } from '../starter-plan.js';
import { createOutput } from '../output.js';

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
  const schema = z.toJSONSchema(planSchema, { io: 'input', unrepresentable: 'any' });
  process.stdout.write(`${JSON.stringify({ title: 'cutover plan', ...schema }, null, 2)}\n`);
  return ExitCode.OK;
};

/** `cutover validate`: checks the plan without reading any source. */
export const validateCommand = async (options: { plan: string; json?: boolean }): Promise<number> => {
  const output = createOutput(options);
  const loaded = await loadPlanFile(options.plan);
  const order = entityLoadOrder(loaded.plan);
  output.info(
    `${options.plan} is valid (version ${loaded.hash}): entities load in the order ${order.join(', ')}.`,
  );
  output.result({ valid: true, version: loaded.hash, order });
  return ExitCode.OK;
};
