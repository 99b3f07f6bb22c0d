import { CutoverError, ErrorCode } from '../core/errors.js';
import { pathProblem } from './path-problem.js';

/** A failed file-system call as Node reports it: `ENOENT: no such file or directory, open 'nodir/p.yaml'`. */
interface FileSystemError extends Error {
  readonly code: string;
  readonly syscall: string;
  readonly path: string;
}

const isFileSystemError = (error: unknown): error is FileSystemError =>
  error instanceof Error &&
  typeof (error as Partial<FileSystemError>).code === 'string' &&
  typeof (error as Partial<FileSystemError>).syscall === 'string' &&
  typeof (error as Partial<FileSystemError>).path === 'string';

/** What the call was doing, for a person: Node names it by its system call. */
const ACTIONS: Readonly<Record<string, string>> = {
  open: 'open',
  mkdir: 'create the folder',
  rename: 'rename',
  stat: 'read',
  lstat: 'read',
  scandir: 'list the folder',
  unlink: 'remove',
  rmdir: 'remove the folder',
  rm: 'remove',
  copyfile: 'copy',
  access: 'open',
  read: 'read',
  write: 'write',
};

const CAUSES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * Any file-system failure that reaches the top of a command without a CutoverError of its own (a folder missing
 * under `--out`, a file where a folder is expected, a full disk) is an infrastructure failure, not a bug: one line
 * naming the path and the cause, exit code 4. Undefined for anything else, which stays an internal error.
 */
export const systemErrorAsCutoverError = (error: unknown): CutoverError | undefined => {
  if (!isFileSystemError(error)) return undefined;
  const { code, syscall, path } = error;
  const problem =
    code === 'ENOENT' || code === 'ENOTDIR' || code === 'EEXIST'
      ? pathProblem(path, {
          kind: syscall === 'mkdir' ? 'folder' : 'any',
          createsFolders: syscall === 'mkdir',
        })
      : undefined;
  // Node's message minus its `CODE: ` prefix and `, syscall 'path'` suffix, for the codes not listed.
  const cause =
    problem ??
    CAUSES[code] ??
    error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/s, '') + ` (${code})`;
  return new CutoverError(
    ErrorCode.FILE_NOT_FOUND,
    `cannot ${ACTIONS[syscall] ?? syscall} ${path}: ${cause}`,
    {
      cause: error,
      context: { path, code },
    },
  );
};
