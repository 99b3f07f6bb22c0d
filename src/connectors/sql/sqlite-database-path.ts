import { resolve } from 'node:path';
import { resolveConnectionUrl } from '../../core/connection-url.js';
import type { SqlSourceSpec } from '../../core/plan/plan-schema.js';

/** The file a `sqlite` source reads: its `url`, variables replaced, relative to the plan's folder. */
export const sqliteDatabasePath = (spec: SqlSourceSpec, baseDir: string, env: NodeJS.ProcessEnv): string =>
  resolve(baseDir, resolveConnectionUrl(spec.url, env));
