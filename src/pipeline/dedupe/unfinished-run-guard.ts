import { CutoverError, ErrorCode } from '../../core/errors.js';
import type { StateStore } from '../../store/state/state-store.js';

/**
 * Merges must not change under an interrupted run: its resumed units would apply the new merges to the records
 * after the checkpoint and keep the old ones for those before, and the target would match neither.
 */
export const refuseDuringUnfinishedRun = async (state: StateStore): Promise<void> => {
  const unfinished = await state.unfinishedRun('run');
  if (unfinished !== undefined) {
    throw new CutoverError(
      ErrorCode.USAGE,
      `run ${unfinished.id} is unfinished: complete it with \`cutover run\` before changing merges`,
    );
  }
};
