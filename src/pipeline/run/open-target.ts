import { existsSync } from 'node:fs';
import type { LoadedPlan } from '../plan/load-plan-file.js';
import { planPath } from '../plan/load-plan-file.js';
import { resolveConnection } from '../../core/connection-url.js';
import { CutoverError, ErrorCode } from '../../core/errors.js';
import { SqliteTarget } from '../../store/target/sqlite-target.js';
import type { TargetStore } from '../../store/target/target-store.js';

/**
 * Opens the plan's target and makes sure its canonical schema exists. With `mustExist`, for the commands that only
 * read what a run loaded (reconcile, evidence, fec export), a SQLite target file that is not there is refused
 * (exit 4) instead of being created empty: an empty target reads as "nothing loaded", a difference that is not one.
 */
export const openTarget = async (
  loaded: LoadedPlan,
  env: NodeJS.ProcessEnv = process.env,
  options: { mustExist?: boolean } = {},
): Promise<TargetStore> => {
  const spec = loaded.plan.target;
  // A SQLite path gets its `${VAR}` replaced too (`${DATA_DIR}/target.db` made a folder named `${DATA_DIR}`).
  const file = spec.type === 'sqlite' ? planPath(loaded, resolveConnection(spec.url, env).url) : '';
  if (spec.type === 'sqlite' && options.mustExist === true) {
    if (spec.url !== ':memory:' && !existsSync(file)) {
      throw new CutoverError(
        ErrorCode.FILE_NOT_FOUND,
        `the target file ${file} does not exist: has \`cutover run\` been run with this plan? (this command reads it and creates none)`,
        { context: { path: file } },
      );
    }
  }
  // The PostgreSQL target (and its driver) loads only for a plan that names it.
  const target: TargetStore =
    spec.type === 'sqlite'
      ? new SqliteTarget(file)
      : await (
          await import('../../store/target/postgres-target.js')
        ).PostgresTarget.connect(resolveConnection(spec.url, env), spec.schema);
  await target.ensureSchema();
  return target;
};
