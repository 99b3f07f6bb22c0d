import { ExitCode } from '../../core/exit-codes.js';
import { createOutput } from '../output.js';
import { renderProgress, renderRunSummary } from '../render-run.js';
import { runMigrationThread } from '../run-migration-thread.js';

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
  const summary = await runMigrationThread(
    {
      plan: options.plan,
      state: options.state,
      dryRun: options.dryRun === true,
      dossiers: options.dossier,
    },
    renderProgress(output),
  );
  renderRunSummary(output, summary);
  output.result({
    ...summary,
    perDossier: undefined,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  });
  return summary.status === 'succeeded'
    ? ExitCode.OK
    : summary.status === 'unreadable_sources'
      ? ExitCode.INFRASTRUCTURE
      : ExitCode.THRESHOLD_CROSSED;
};
