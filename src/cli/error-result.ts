import { isCutoverError, messageOf, type ErrorContext } from '../core/errors.js';
import type { ExitCode } from '../core/exit-codes.js';
import { planErrorsOf, type PlanError } from './plan-errors.js';

/**
 * What `--json` prints on stdout when a command fails as a whole (a wrong plan or command line, a file or database
 * that cannot be reached, a bug): a script that reads stdout as JSON gets one document, never an empty string. The
 * human message goes to stderr as ever.
 */
export interface ErrorResult {
  readonly error: {
    /** The error's code (`PLAN_INVALID`, `USAGE`, `FILE_NOT_FOUND`, `CONNECTION_FAILED`…; `INTERNAL` for a bug). */
    readonly code: string;
    readonly message: string;
    readonly exitCode: ExitCode;
    /** Where, when the error knows: `file`, `path`, `dossier`, `entity`, `source`… as the error gives them. */
    readonly context?: ErrorContext;
    /** A plan's mistakes with their YAML line and field path, the shape of `validate --json`'s `errors`. */
    readonly planErrors?: readonly PlanError[];
  };
}

export const errorResultOf = (error: unknown, exitCode: ExitCode): ErrorResult => {
  if (!isCutoverError(error)) return { error: { code: 'INTERNAL', message: messageOf(error), exitCode } };
  const { code, message, context } = error;
  // parsePlan's error: its message lists the mistakes, read back with the file it names.
  const { file, problems } = context;
  const planErrors =
    code === 'PLAN_INVALID' && typeof file === 'string' && typeof problems === 'number'
      ? planErrorsOf(error, file)
      : undefined;
  return {
    error: {
      code,
      message,
      exitCode,
      ...(Object.keys(context).length === 0 ? {} : { context }),
      ...(planErrors === undefined ? {} : { planErrors }),
    },
  };
};
