import type { LoadedPlan } from '../pipeline/plan/load-plan-file.js';
import { loadPlanFile, stateLocation } from '../pipeline/plan/load-plan-file.js';
import { openTarget } from '../pipeline/run/open-target.js';
import { isPostgresUrl, resolveConnectionUrl } from '../core/connection-url.js';
import { StateStore } from '../store/state/state-store.js';
import type { TargetStore } from '../store/target/target-store.js';

export interface Session {
  readonly loaded: LoadedPlan;
  readonly state: StateStore;
  readonly target: TargetStore | undefined;
}

/** Opens what a command needs from a plan, and always closes it. */
export const withSession = async <T>(
  options: { plan: string; state?: string; target: boolean },
  work: (session: Session) => Promise<T>,
): Promise<T> => {
  const loaded = await loadPlanFile(options.plan);
  const location = stateLocation(loaded, options.state);
  const state = await StateStore.open(
    isPostgresUrl(location) ? resolveConnectionUrl(location, process.env) : location,
  );
  let target: TargetStore | undefined;
  try {
    target = options.target ? await openTarget(loaded) : undefined;
    return await work({ loaded, state, target });
  } finally {
    await target?.close();
    await state.close();
  }
};
