import { ExitCode } from '../../core/exit-codes.js';
import { createOutput } from '../output.js';
import { reconcileInThreads } from '../reconcile-threads.js';
import { renderReconcileProgress, renderReconciliation } from '../render-run.js';
import { withSession } from '../session.js';

export interface ReconcileCommandOptions {
  plan: string;
  state?: string;
  dossier?: string[];
  threads?: number;
  json?: boolean;
}

/** `cutover reconcile`: per dossier and entity, source = loaded + merged + skipped + rejected, and the content matches. */
export const reconcileCommand = async (options: ReconcileCommandOptions): Promise<number> => {
  const output = createOutput(options);
  const { result, stopped } = await withSession(
    { plan: options.plan, state: options.state, target: true, readsState: true, readsTarget: true },
    async (session) => ({
      result: await reconcileInThreads({
        request: { plan: options.plan, state: options.state },
        session,
        dossiers: options.dossier,
        threads: options.threads,
        onDossier: renderReconcileProgress(output),
      }),
      // What the run that last ran a unit stopped at the threshold has no fate and no row: reconcile counts it as
      // missing, as if rows had been lost, unless it says why.
      stopped: await session.state.unitsStoppedByThreshold(),
    }),
  );
  renderReconciliation(output, result, stopped);
  output.result(result);
  return result.ok ? ExitCode.OK : ExitCode.NOT_RECONCILED;
};
