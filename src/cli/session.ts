import type { LoadedPlan } from '../pipeline/plan/load-plan-file.js';
import { loadPlanFile } from '../pipeline/plan/load-plan-file.js';
import { openTarget } from '../pipeline/run/open-target.js';
import { StateStore } from '../store/state/state-store.js';
import type { TargetStore } from '../store/target/target-store.js';
import { checkedStateLocation, stateConnection } from './state-location.js';

export interface Session {
  readonly loaded: LoadedPlan;
  readonly state: StateStore;
  readonly target: TargetStore | undefined;
}

/**
 * Opens what a command needs from a plan, and always closes it. `readsState`: the command only reads (or amends)
 * what earlier commands stored, so a state store that does not exist is refused rather than created empty.
 * `amendsState`: it writes there too (a review decision, an undone merge, a chosen golden value, a replay).
 */
export const withSession = async <T>(
  options: {
    plan: string;
    state?: string | undefined;
    target: boolean;
    readsState?: boolean;
    amendsState?: boolean;
    /** The command only reads the target (reconcile, evidence): a SQLite target that does not exist is refused. */
    readsTarget?: boolean;
    /** The command loads (run, replay): it holds the state store's run lock throughout. */
    exclusive?: boolean;
  },
  work: (session: Session) => Promise<T>,
): Promise<T> => {
  const loaded = await loadPlanFile(options.plan);
  const location = checkedStateLocation(loaded, options.state, { mustExist: options.readsState === true });
  // A state store serves one plan: one that holds another plan is refused before anything is read or written.
  const planFrom = options.state === undefined ? 'plan' : 'option';
  const state = await StateStore.open(stateConnection(location), {
    plan: loaded.plan.name,
    planFrom,
    mustExist: options.readsState === true,
  });
  let target: TargetStore | undefined;
  try {
    // A command that writes takes the store for its plan, as the one that created it did, so that a store that holds
    // no plan (its first command stopped between creating it and recording its plan) is not written by one plan and
    // then taken by another; a reader leaves a store it opens as it was.
    if (options.readsState !== true || options.amendsState === true)
      await state.servePlan(loaded.hash, loaded.plan.name, loaded.text, planFrom);
    const opened = async () => {
      target = options.target
        ? await openTarget(loaded, process.env, { mustExist: options.readsTarget === true })
        : undefined;
      return work({ loaded, state, target });
    };
    return await (options.exclusive === true ? state.exclusively(opened) : opened());
  } finally {
    await target?.close();
    await state.close();
  }
};
