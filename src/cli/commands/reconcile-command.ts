import { ExitCode } from '../../core/exit-codes.js';
import { reconcile } from '../../pipeline/reconcile/reconcile.js';
import { createOutput } from '../output.js';
import { renderReconciliation } from '../render-run.js';
import { withSession } from '../session.js';

export interface ReconcileCommandOptions {
  plan: string;
  state?: string;
  dossier?: string[];
  json?: boolean;
}

/** `cutover reconcile`: per dossier and entity, source = loaded + merged + skipped + rejected, and the content matches. */
export const reconcileCommand = async (options: ReconcileCommandOptions): Promise<number> => {
  const output = createOutput(options);
  const result = await withSession({ plan: options.plan, state: options.state, target: true }, (session) =>
    reconcile({
      loaded: session.loaded,
      state: session.state,
      target: session.target!,
      ...(options.dossier === undefined ? {} : { dossiers: options.dossier }),
      onDossier: (done, total) => output.progress(`reconciling dossiers ${done}/${total}`),
    }),
  );
  renderReconciliation(output, result);
  output.result(result);
  return result.ok ? ExitCode.OK : ExitCode.NOT_RECONCILED;
};
