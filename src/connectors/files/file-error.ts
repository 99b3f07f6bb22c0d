import { CutoverError, ErrorCode, isCutoverError, messageOf } from '../../core/errors.js';

/** The part of a file-open failure a person can act on: the file is not there or not readable. */
const notFoundCodes = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM']);

/** Turns a file-system failure into the one error type; an abort stays an abort so callers can tell it apart. */
export const fileError = (error: unknown, source: string): unknown => {
  if (isCutoverError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && notFoundCodes.has(code)) {
    const why =
      code === 'EISDIR' ? 'is a directory' : code === 'ENOENT' ? 'does not exist' : 'cannot be opened';
    return new CutoverError(ErrorCode.FILE_NOT_FOUND, `${source}: the file ${why}`, {
      cause: error,
      context: { file: source, code },
    });
  }
  return new CutoverError(ErrorCode.SOURCE_FAILED, `${source}: cannot read the file: ${messageOf(error)}`, {
    cause: error,
    context: { file: source },
  });
};
