import { CutoverError, ErrorCode } from '../../core/errors.js';
import type { MergeDecision, StateStore } from '../../store/state/state-store.js';
import { refuseDuringUnfinishedRun } from './unfinished-run-guard.js';

export interface UndoMergeOptions {
  readonly entity: string;
  readonly survivorKey?: string;
  readonly clusterId?: string;
  readonly dossier?: string;
}

/**
 * Undoes a merge: every absorbed record of the cluster is loaded again by the next run, and its `merged` ledger
 * entry goes with the fresh ledger of that run. The survivor and each absorbed record are recorded as "different"
 * in the review decisions, so that the next `cutover dedupe` does not merge them again.
 */
export const undoMerge = async (state: StateStore, options: UndoMergeOptions): Promise<MergeDecision[]> => {
  if ((options.survivorKey === undefined) === (options.clusterId === undefined)) {
    throw new CutoverError(ErrorCode.USAGE, 'dedupe undo needs --survivor KEY or --cluster ID (one of them)');
  }
  await refuseDuringUnfinishedRun(state);
  const filter = {
    entity: options.entity,
    ...(options.survivorKey === undefined ? {} : { survivorKey: options.survivorKey }),
    ...(options.clusterId === undefined ? {} : { clusterId: options.clusterId }),
    ...(options.dossier === undefined ? {} : { survivorDossierId: options.dossier }),
  };
  const active = await state.merges({ ...filter, active: true });
  const dossiers = new Set(active.map((merge) => merge.survivorDossierId));
  if (active.length === 0) {
    const what =
      options.survivorKey === undefined ? `cluster ${options.clusterId}` : `survivor ${options.survivorKey}`;
    throw new CutoverError(ErrorCode.USAGE, `no active merge of ${options.entity} with ${what}`);
  }
  if (dossiers.size > 1) {
    // A source key is unique within a dossier only: undoing in several dossiers at once is never what was meant.
    throw new CutoverError(
      ErrorCode.USAGE,
      `survivor ${options.survivorKey} has merges in several dossiers (${[...dossiers].join(', ')}): add --dossier`,
    );
  }
  const undone = await state.undoMerges(filter);
  await state.recordDecisions(
    undone.map((merge) => ({
      dossierId: merge.survivorDossierId,
      entity: merge.entity,
      leftKey: merge.survivorKey,
      rightKey: merge.absorbedKey,
      rightDossierId: merge.dossierId,
      fields: [],
      probability: 0,
      explanation: { undoneCluster: merge.clusterId },
      reason: 'undone-merge',
      decision: 'different' as const,
    })),
  );
  return undone;
};
