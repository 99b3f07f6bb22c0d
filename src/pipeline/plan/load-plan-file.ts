import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isPostgresUrl, resolveConnectionUrl } from '../../core/connection-url.js';
import { CutoverError, ErrorCode, messageOf } from '../../core/errors.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import type { Plan } from '../../core/plan/plan-schema.js';

/** A validated plan with what running it needs: where it lives, its version hash, its text. */
export interface LoadedPlan {
  readonly plan: Plan;
  readonly file: string;
  /** Folder of the plan: relative paths in the plan are resolved from here. */
  readonly baseDir: string;
  /** Content hash: the plan version recorded with every run. */
  readonly hash: string;
  readonly text: string;
}

/** Why the plan file cannot be read, in words: Node's `ENOENT: no such file or directory, open '/abs/path'` is not. */
const whyUnreadable = (error: unknown): string => {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'ENOENT') return 'there is no such file (`cutover init` writes a starter plan)';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return messageOf(error);
};

export const loadPlanFile = async (file: string): Promise<LoadedPlan> => {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CutoverError(
      ErrorCode.FILE_NOT_FOUND,
      `cannot read the plan ${file}: ${whyUnreadable(error)}`,
      {
        cause: error,
        context: { file },
      },
    );
  }
  const plan = parsePlan(text, file);
  return {
    plan,
    file: path,
    baseDir: dirname(path),
    hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
    text,
  };
};

/** A path of the plan, resolved against the plan's folder. */
export const planPath = (loaded: LoadedPlan, path: string): string =>
  isAbsolute(path) ? path : resolve(loaded.baseDir, path);

/**
 * Where the state store is: the plan's `state`, or `.cutover/state.db` next to the plan. A SQLite path gets its
 * `${VAR}` replaced here, like a target's (a PostgreSQL URL is resolved where it is opened, its secrets kept out of
 * messages).
 */
export const stateLocation = (loaded: LoadedPlan, override?: string): string => {
  const location = override ?? loaded.plan.state;
  if (location === undefined) return resolve(loaded.baseDir, '.cutover', 'state.db');
  return isPostgresUrl(location) ? location : planPath(loaded, resolveConnectionUrl(location, process.env));
};
