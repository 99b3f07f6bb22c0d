import type { LoadedPlan } from '../plan/load-plan-file.js';
import { planPath } from '../plan/load-plan-file.js';
import { resolveConnection } from '../../core/connection-url.js';
import { SqliteTarget } from '../../store/target/sqlite-target.js';
import type { TargetStore } from '../../store/target/target-store.js';

/** Opens the plan's target and makes sure its canonical schema exists. */
export const openTarget = async (
  loaded: LoadedPlan,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetStore> => {
  const spec = loaded.plan.target;
  // The PostgreSQL target (and its driver) loads only for a plan that names it.
  const target: TargetStore =
    spec.type === 'sqlite'
      ? new SqliteTarget(planPath(loaded, spec.url))
      : await (
          await import('../../store/target/postgres-target.js')
        ).PostgresTarget.connect(resolveConnection(spec.url, env), spec.schema);
  await target.ensureSchema();
  return target;
};
