import { ExitCode } from '../../core/exit-codes.js';
import { runMigration } from '../../pipeline/run/run-migration.js';
import { createOutput } from '../output.js';
import { renderProgress, renderRunSummary } from '../render-run.js';
import { withSession } from '../session.js';

export interface RunCommandOptions {
  plan: string;
  state?: string;
  dryRun?: boolean;
  dossier?: string[];
  json?: boolean;
}

/** `cutover run`: migrate (or, with --dry-run, read, validate and map without writing). */
export const runCommand = async (options: RunCommandOptions): Promise<number> => {
  const output = createOutput(options);
  const summary = await withSession(
    { plan: options.plan, state: options.state, target: options.dryRun !== true },
    (session) =>
      runMigration({
        loaded: session.loaded,
        state: session.state,
        target: session.target,
        ...(options.dossier === undefined ? {} : { dossiers: options.dossier }),
        onProgress: renderProgress(output),
      }),
  );
  renderRunSummary(output, summary);
  output.result({
    ...summary,
    perDossier: undefined,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  return summary.status === 'succeeded' ? ExitCode.OK : ExitCode.THRESHOLD_CROSSED;
};
