import {
  CutoverError,
  isCutoverError,
  messageOf,
  type ErrorCode,
  type ErrorContext,
} from '../core/errors.js';
import { systemErrorAsCutoverError } from './system-error.js';

/** An error as it crosses from a worker thread to the thread that started it (structured clone drops classes). */
export interface ThreadError {
  readonly code?: ErrorCode;
  readonly message: string;
  readonly context?: ErrorContext;
  readonly stack?: string | undefined;
}

/**
 * What a worker thread posts for an error it cannot handle: a CutoverError keeps its code (hence exit code), and so
 * does a file-system failure, turned into one here because the clone loses what marks it (code, syscall, path).
 */
export const threadErrorOf = (thrown: unknown): ThreadError => {
  const error = systemErrorAsCutoverError(thrown) ?? thrown;
  return isCutoverError(error)
    ? { code: error.code, message: error.message, context: error.context }
    : { message: messageOf(error), stack: error instanceof Error ? error.stack : undefined };
};

/** The error again, on the thread that receives it. */
export const errorFromThread = (error: ThreadError): Error => {
  const { code, message, context, stack } = error;
  return code === undefined
    ? Object.assign(new Error(message), stack === undefined ? {} : { stack })
    : new CutoverError(code, message, context === undefined ? {} : { context });
};
