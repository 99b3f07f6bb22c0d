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
  const result = await withSession(
    { plan: options.plan, state: options.state, target: true, readsState: true, readsTarget: true },
    (session) =>
      reconcileInThreads({
        request: { plan: options.plan, state: options.state },
        session,
        dossiers: options.dossier,
        threads: options.threads,
        onDossier: renderReconcileProgress(output),
      }),
  );
  renderReconciliation(output, result);
  output.result(result);
  return result.ok ? ExitCode.OK : ExitCode.NOT_RECONCILED;
};
