import type { CutoverError } from '../../core/errors.js';
import { ErrorCode, isCutoverError } from '../../core/errors.js';

/**
 * A source file of one dossier that could not be read at all: missing, unreadable, or not of its type (a FEC
 * without its amount columns, a workbook that is no workbook). It stops that dossier, never the others: a wave of a
 * thousand dossiers is not held up by one client's export. Database and target failures are not of this kind.
 */
export const isUnreadableFile = (error: unknown): error is CutoverError =>
  isCutoverError(error) &&
  (error.code === ErrorCode.SOURCE_FAILED || error.code === ErrorCode.FILE_NOT_FOUND) &&
  error.context.file !== undefined;
