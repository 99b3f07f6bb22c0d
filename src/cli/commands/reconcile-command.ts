import { ExitCode } from '../../core/exit-codes.js';
import { createOutput } from '../output.js';
import { reconcileInThreads } from '../reconcile-threads.js';
import type { StateStore } from '../../store/state/state-store.js';
import { renderReconcileProgress, renderReconciliation, type StoppedUnit } from '../render-run.js';
import { withSession } from '../session.js';

export interface ReconcileCommandOptions {
  plan: string;
  state?: string;
  dossier?: string[];
  threads?: number;
  json?: boolean;
}

/**
 * The units the last run (or replay) stopped at their rejected-records threshold: what they had not read has no fate
 * and no row, which reconcile counts as missing, as if rows had been lost, unless it says why.
 */
const unitsStoppedByThreshold = async (state: StateStore): Promise<StoppedUnit[]> => {
  const run = await state.latestRun();
  if (run?.status !== 'threshold_crossed') return [];
  return (await state.steps(run.id))
    .filter((step) => step.status === 'threshold_crossed')
    .map((step) => ({ runId: run.id, dossierId: step.dossierId, entity: step.entity }));
};

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
      stopped: await unitsStoppedByThreshold(session.state),
    }),
  );
  renderReconciliation(output, result, stopped);
  output.result(result);
  return result.ok ? ExitCode.OK : ExitCode.NOT_RECONCILED;
};
