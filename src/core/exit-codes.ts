import type { ErrorCode } from './errors.js';

/** What a script can rely on: each outcome of a command has its own exit code. */
export const ExitCode = {
  OK: 0,
  /** A bug in cutover. */
  INTERNAL: 1,
  /** The plan or the command line is wrong; nothing was done. */
  BAD_PLAN: 2,
  /** A data threshold of the plan was crossed (e.g. too many rejected records in a dossier). */
  THRESHOLD_CROSSED: 3,
  /** A file, database or network failure. */
  INFRASTRUCTURE: 4,
  /** Reconciliation found a difference between source and target. */
  NOT_RECONCILED: 5,
  /** A validation (e.g. FEC validation) found errors in the input. */
  INVALID_INPUT: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const exitCodeForError: Record<ErrorCode, ExitCode> = {
  PLAN_INVALID: ExitCode.BAD_PLAN,
  USAGE: ExitCode.BAD_PLAN,
  FILE_NOT_FOUND: ExitCode.INFRASTRUCTURE,
  CONNECTION_FAILED: ExitCode.INFRASTRUCTURE,
  SOURCE_FAILED: ExitCode.INFRASTRUCTURE,
  TARGET_FAILED: ExitCode.INFRASTRUCTURE,
  STATE_FAILED: ExitCode.INFRASTRUCTURE,
  INTERNAL: ExitCode.INTERNAL,
};
