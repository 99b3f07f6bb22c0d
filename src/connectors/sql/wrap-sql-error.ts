import { CutoverError, ErrorCode, isCutoverError, messageOf } from '../../core/errors.js';
import type { SqlDriver } from './sql-driver.js';

/**
 * The driver's own words for a failure. Node reports a refused connection to a name with several addresses
 * (`localhost`) as an AggregateError with an empty message, so the inner errors are spelled out.
 */
const driverMessage = (error: unknown): string => {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(driverMessage).join('; ');
  }
  const message = messageOf(error);
  if (message !== '') return message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
};

export interface SqlFailure {
  /** `connect` before the connection is usable, `read` after. */
  readonly phase: 'connect' | 'read';
  readonly driver: SqlDriver;
  /** What was being read, for the message: `table crm.contacts`. */
  readonly source: string;
}

/**
 * Turns a driver error into the one error type of cutover: CONNECTION_FAILED when the database could not be
 * reached or went away (an operator fixes the network or the URL), PLAN_INVALID when it could not parse the plan's
 * query, SOURCE_FAILED when it refused the SQL otherwise (the plan names a wrong table or column). CutoverErrors pass
 * through unchanged.
 */
export const wrapSqlError = (error: unknown, failure: SqlFailure): CutoverError => {
  if (isCutoverError(error)) return error;
  const { driver, source } = failure;
  const said = driver.scrub === undefined ? driverMessage(error) : driver.scrub(driverMessage(error));
  const context = { dialect: driver.dialect.label, where: driver.where, source };
  const at = `${driver.dialect.label} at ${driver.where}`;
  if (failure.phase === 'connect') {
    return new CutoverError(ErrorCode.CONNECTION_FAILED, `cannot connect to ${at}: ${said}`, {
      cause: error,
      context,
    });
  }
  if (driver.isConnectionLoss(error)) {
    return new CutoverError(
      ErrorCode.CONNECTION_FAILED,
      `lost the connection to ${at} while reading ${source}: ${said}`,
      { cause: error, context },
    );
  }
  // The plan's query is wrong, not the database: fixed in the plan (exit 2), as a column the plan names that the
  // result lacks, rather than exit 4, which sends an operator to the network or the server for nothing.
  if (driver.isSyntaxError(error)) {
    return new CutoverError(
      ErrorCode.PLAN_INVALID,
      `${at} cannot read the plan's ${source}: ${said}. Fix the query in the plan`,
      { cause: error, context },
    );
  }
  return new CutoverError(ErrorCode.SOURCE_FAILED, `cannot read ${source} from ${at}: ${said}`, {
    cause: error,
    context,
  });
};
