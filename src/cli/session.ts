import type { LoadedPlan } from '../pipeline/plan/load-plan-file.js';
import { loadPlanFile } from '../pipeline/plan/load-plan-file.js';
import { openTarget } from '../pipeline/run/open-target.js';
import { isPostgresUrl, resolveConnectionUrl } from '../core/connection-url.js';
import { StateStore } from '../store/state/state-store.js';
import type { TargetStore } from '../store/target/target-store.js';
import { checkedStateLocation } from './state-location.js';

export interface Session {
  readonly loaded: LoadedPlan;
  readonly state: StateStore;
  readonly target: TargetStore | undefined;
}

/**
 * Opens what a command needs from a plan, and always closes it. `readsState`: the command only reads (or amends)
 * what earlier commands stored, so a state store that does not exist is refused rather than created empty.
 */
export const withSession = async <T>(
  options: {
    plan: string;
    state?: string | undefined;
    target: boolean;
    readsState?: boolean;
    /** The command loads (run, replay): it holds the state store's run lock throughout. */
    exclusive?: boolean;
  },
  work: (session: Session) => Promise<T>,
): Promise<T> => {
  const loaded = await loadPlanFile(options.plan);
  const location = checkedStateLocation(loaded, options.state, { mustExist: options.readsState === true });
  const state = await StateStore.open(
    isPostgresUrl(location) ? resolveConnectionUrl(location, process.env) : location,
  );
  let target: TargetStore | undefined;
  try {
    const opened = async () => {
      target = options.target ? await openTarget(loaded) : undefined;
      return work({ loaded, state, target });
    };
    return await (options.exclusive === true ? state.exclusively(opened) : opened());
  } finally {
    await target?.close();
    await state.close();
  }
};
