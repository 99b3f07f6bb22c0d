import { ExitCode } from '../../core/exit-codes.js';
import { generatePortfolio } from '../../generator/generate-portfolio.js';
import { portfolioPlan } from '../../generator/portfolio-plan.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOutput } from '../output.js';
import { refuseUnwritablePath } from '../path-problem.js';

export interface GenerateCommandOptions {
  dossiers: number;
  seed: number;
  out: string;
  crm?: boolean;
  json?: boolean;
}

/** `cutover generate`: a synthetic legacy portfolio with known defects and their manifest. */
export const generateCommand = async (options: GenerateCommandOptions): Promise<number> => {
  const output = createOutput(options);
  refuseUnwritablePath('--out', options.out, { kind: 'folder', createsFolders: true });
  const summary = await generatePortfolio({
    dossiers: options.dossiers,
    seed: options.seed,
    outDir: options.out,
    crm: options.crm !== false,
  });
  await writeFile(join(options.out, 'cutover.yaml'), portfolioPlan({ crm: options.crm !== false }));
  output.info(
    `Generated ${options.dossiers} dossiers in ${options.out} (plan: ${join(options.out, 'cutover.yaml')}).`,
  );
  output.result(summary);
  return ExitCode.OK;
};
