/**
 * Infrastructure and usage failures. Data problems never throw: they become `rejected` ledger entries.
 * One error type with a code from a closed list, so the CLI can turn any failure into one line and an exit code.
 */
export const ErrorCode = {
  /** The plan file is missing a field, has a typo, or a wrong value. */
  PLAN_INVALID: 'PLAN_INVALID',
  /** A file named by the plan or the command line does not exist or cannot be opened. */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** A database refused the connection or failed while we talked to it. */
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  /** A source could not be read at all (not a per-record problem). */
  SOURCE_FAILED: 'SOURCE_FAILED',
  /** The target refused a write in a way that is not about one record. */
  TARGET_FAILED: 'TARGET_FAILED',
  /** The state store failed. */
  STATE_FAILED: 'STATE_FAILED',
  /** The command line is wrong (unknown dossier, missing option). */
  USAGE: 'USAGE',
  /** A bug: an invariant of cutover itself does not hold. */
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorContext {
  readonly [key: string]: string | number | boolean | undefined;
}

export class CutoverError extends Error {
  override readonly name = 'CutoverError';
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; context?: ErrorContext } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = options.context ?? {};
  }
}

export const isCutoverError = (error: unknown): error is CutoverError => error instanceof CutoverError;

/** The message of any thrown value, for wrapping driver errors. */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
