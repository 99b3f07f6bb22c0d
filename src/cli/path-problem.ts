import { statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { CutoverError, ErrorCode } from '../core/errors.js';

export interface PathExpectation {
  /** What the path must be when it exists: a file, a folder, or either (`fec export --out FILE-or-DIR`). */
  readonly kind: 'file' | 'folder' | 'any';
  /** Whether the writer makes the missing folders above the path (mkdir -p), or needs them to exist. */
  readonly createsFolders: boolean;
}

const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

/**
 * Why `path` cannot be written, in the words of the mistake (`afile is a file, not a folder`, `the folder nodir
 * does not exist`), or undefined when nothing in the way is visible. Node's own codes (ENOTDIR on
 * `afile/ev/D0001`) name the path it tried, not the part of it that is wrong; this walks up to that part.
 */
export const pathProblem = (path: string, expected: PathExpectation): string | undefined => {
  const existing = statOf(path);
  if (existing !== undefined) {
    if (expected.kind === 'folder' && !existing.isDirectory()) return `${path} is a file, not a folder`;
    if (expected.kind === 'file' && existing.isDirectory()) return `${path} is a folder, not a file`;
    return undefined;
  }
  // The nearest part of the path that exists must be a folder; `missing` ends as the highest part that does not.
  let missing = path;
  for (let parent = dirname(path); ; missing = parent, parent = dirname(parent)) {
    const stats = statOf(parent);
    if (stats !== undefined) {
      if (!stats.isDirectory()) return `${parent} is a file, not a folder`;
      break;
    }
    if (dirname(parent) === parent) break;
  }
  if (!expected.createsFolders && missing !== path) return `the folder ${dirname(path)} does not exist`;
  return undefined;
};

/**
 * Refuses an output path of the command line before any work is done (a dedupe or an evidence pack that fails at
 * its last step has wasted the rest): exit code 4, like every file that cannot be read or written.
 */
export const refuseUnwritablePath = (option: string, path: string, expected: PathExpectation): void => {
  const problem = pathProblem(path, expected);
  if (problem !== undefined) {
    throw new CutoverError(ErrorCode.FILE_NOT_FOUND, `cannot write ${option} ${path}: ${problem}`, {
      context: { path },
    });
  }
};
