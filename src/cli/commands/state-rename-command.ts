import { ExitCode } from '../../core/exit-codes.js';
import { loadPlanFile } from '../../pipeline/plan/load-plan-file.js';
import { StateStore } from '../../store/state/state-store.js';
import { createOutput } from '../output.js';
import { checkedStateLocation, stateConnection } from '../state-location.js';

export interface StateRenameOptions {
  plan: string;
  state?: string;
  from: string;
  json?: boolean;
}

/**
 * `cutover state rename --from OLD`: the plan was renamed (its `name:`), and its state store, refused to it since a
 * store serves one plan, is to go on under the new name: runs, ledger, merges and decisions kept.
 */
export const stateRenameCommand = async (options: StateRenameOptions): Promise<number> => {
  const output = createOutput(options);
  const loaded = await loadPlanFile(options.plan);
  const to = loaded.plan.name;
  const location = checkedStateLocation(loaded, options.state, { mustExist: true });
  // Opened without a plan: the store belongs to the old name, which opening it for the new one would refuse.
  const state = await StateStore.open(stateConnection(location), { mustExist: true });
  try {
    const outcome = await state.renamePlan(options.from, to);
    output.info(
      outcome === 'renamed'
        ? `The state store now serves the plan "${to}" (was "${options.from}"): its runs, ledger and decisions go on.`
        : `The state store already serves the plan "${to}": nothing to rename.`,
    );
    output.result({ from: options.from, to, renamed: outcome === 'renamed' });
    return ExitCode.OK;
  } finally {
    await state.close();
  }
};
