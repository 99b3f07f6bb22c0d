import path from 'node:path';
import type { LoadedPlan } from '../../../src/pipeline/plan/load-plan-file.js';
import type { StateStore } from '../../../src/store/state/state-store.js';
import type { TargetStore } from '../../../src/store/target/target-store.js';
import { postgresUrl, uniqueName } from '../../support/services.js';
import { dropPostgresSchema, tempDir } from '../../support/stores.js';
import { writeFiles } from './helpers.js';
import { withStores } from './portfolio.js';

/**
 * In-process work on a plan (`cutover.yaml` among `files`) in a folder of its own, with a new state store of the
 * dialect's: a file beside the plan, or a PostgreSQL schema of its own, dropped afterwards.
 */
export const inFreshStores = async <T>(
  dialect: 'sqlite' | 'postgres',
  files: Readonly<Record<string, string>>,
  work: (loaded: LoadedPlan, state: StateStore, target: TargetStore) => Promise<T>,
): Promise<T> => {
  const dir = tempDir('cutover-e2e-fresh-stores-');
  writeFiles(dir, files);
  const schema = dialect === 'postgres' ? uniqueName('fresh_state') : undefined;
  try {
    return await withStores(
      path.join(dir, 'cutover.yaml'),
      schema === undefined ? path.join(dir, 'state.db') : postgresUrl,
      schema,
      work,
    );
  } finally {
    if (schema !== undefined) await dropPostgresSchema(schema);
  }
};
