import { CutoverError, ErrorCode, isCutoverError, messageOf } from '../../core/errors.js';

/** The part of a file-open failure a person can act on: the file is not there or not readable. */
const notFoundCodes = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM']);

/** What a person reads for each code: what is wrong, and for a refused access, why. */
const whyOf = (code: string, kind: 'file' | 'folder'): string => {
  if (code === 'EISDIR') return 'the file is a directory';
  if (code === 'ENOENT') return `the ${kind} does not exist`;
  const refused = code === 'EACCES' || code === 'EPERM' ? ' (permission denied)' : '';
  return kind === 'folder' ? `the folder cannot be listed${refused}` : `the file cannot be opened${refused}`;
};

/**
 * Turns a file-system failure into the one error type; an abort stays an abort so callers can tell it apart.
 * `kind`: a folder that could not be listed (a dossier's folder without permission) says so.
 */
export const fileError = (error: unknown, source: string, kind: 'file' | 'folder' = 'file'): unknown => {
  if (isCutoverError(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && notFoundCodes.has(code)) {
    return new CutoverError(ErrorCode.FILE_NOT_FOUND, `${source}: ${whyOf(code, kind)}`, {
      cause: error,
      context: { file: source, code },
    });
  }
  return new CutoverError(ErrorCode.SOURCE_FAILED, `${source}: cannot read the file: ${messageOf(error)}`, {
    cause: error,
    context: { file: source },
  });
};
