import { existsSync } from 'node:fs';
import {
  isPostgresUrl,
  redactUrl,
  resolveConnection,
  type ResolvedConnection,
} from '../core/connection-url.js';
import { CutoverError, ErrorCode } from '../core/errors.js';
import type { LoadedPlan } from '../pipeline/plan/load-plan-file.js';
import { stateLocation } from '../pipeline/plan/load-plan-file.js';

/**
 * A `scheme://` location that is not PostgreSQL's: the state store has no driver for it. Anything else without a
 * scheme is a SQLite file path, which is why `mysql://root@127.0.0.1/test` quietly became the SQLite file
 * `./mysql:/root@127.0.0.1/test`.
 */
export const isUnsupportedStateUrl = (location: string): boolean =>
  /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(location) && !isPostgresUrl(location);

export const UNSUPPORTED_STATE_MESSAGE = 'the state store is a SQLite file path or a postgres:// URL';

/**
 * Where a command finds the state store (--state, else the plan's `state`, else `.cutover/state.db` beside the
 * plan), refused when no store can live there (exit 2). With `mustExist`, for the commands that only read what a
 * run left (ledger, review, reconcile…), a SQLite store that is not there is refused too (exit 4, like any file
 * the command line names that does not exist) instead of being created empty: an empty store answers "no record"
 * for a plan never run or a mistyped path. A PostgreSQL store is its schema, checked when opened (StateStore.open).
 */
export const checkedStateLocation = (
  loaded: LoadedPlan,
  override: string | undefined,
  options: { mustExist: boolean },
): string => {
  const given = override ?? loaded.plan.state;
  if (given !== undefined && isUnsupportedStateUrl(given)) {
    throw new CutoverError(
      override === undefined ? ErrorCode.PLAN_INVALID : ErrorCode.USAGE,
      `${override === undefined ? "the plan's state" : '--state'} ${redactUrl(given)}: ${UNSUPPORTED_STATE_MESSAGE}`,
    );
  }
  const location = stateLocation(loaded, override);
  if (options.mustExist && !isPostgresUrl(location) && !existsSync(location)) {
    throw new CutoverError(
      ErrorCode.FILE_NOT_FOUND,
      `no state store at ${location}: has \`cutover run\` been run with this plan${override === undefined ? '' : ' and this --state'}? (this command reads it and creates none)`,
      { context: { state: location } },
    );
  }
  return location;
};

/**
 * What StateStore.open takes for a location: a PostgreSQL URL resolved (its `${VAR}` replaced, messages showing it
 * as written), a SQLite path as it is.
 */
export const stateConnection = (location: string): string | ResolvedConnection =>
  isPostgresUrl(location) ? resolveConnection(location, process.env) : location;
