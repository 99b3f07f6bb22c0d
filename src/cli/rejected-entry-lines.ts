import { isCutoverError } from '../core/errors.js';
import type { LoadedPlan } from '../pipeline/plan/load-plan-file.js';
import { StateStore } from '../store/state/state-store.js';
import { checkedStateLocation, stateConnection } from './state-location.js';
import { systemErrorAsCutoverError } from './system-error.js';

/** The entry lines of a dossier the ledger holds as rejected, or why the ledger could not say. */
export type RejectedEntryLines =
  | { readonly count: number; readonly problem?: undefined }
  | { readonly count: null; readonly problem: string };

/**
 * Counts the entry lines of one dossier that the migration rejected, from the plan's state store (or `--state`),
 * opened only if it exists: a store that is not there is never created (one made by an older version is migrated,
 * as by any command). Asked after a FEC export has written its file,
 * to say why entries do not balance; a store that cannot be read is then a gap in that explanation, not a failure
 * of the export, so it comes back as the reason instead of being thrown.
 */
export const rejectedEntryLines = async (
  loaded: LoadedPlan,
  state: string | undefined,
  dossier: string,
): Promise<RejectedEntryLines> => {
  try {
    const location = checkedStateLocation(loaded, state, { mustExist: true });
    const store = await StateStore.open(stateConnection(location), {
      plan: loaded.plan.name,
      planFrom: state === undefined ? 'plan' : 'option',
      mustExist: true,
    });
    try {
      return { count: await store.countLedger(dossier, 'entry_line', 'rejected') };
    } finally {
      await store.close();
    }
  } catch (thrown) {
    const error = systemErrorAsCutoverError(thrown) ?? thrown;
    if (!isCutoverError(error)) throw error;
    return { count: null, problem: error.message };
  }
};
