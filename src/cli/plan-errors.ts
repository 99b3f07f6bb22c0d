import type { CutoverError } from '../core/errors.js';

/** One mistake of a plan as `cutover validate --json` prints it; null where the mistake has no line or field. */
export interface PlanError {
  readonly file: string;
  readonly line: number | null;
  readonly path: string | null;
  readonly message: string;
}

const HEADER = 'the plan is not valid:\n  ';

/**
 * The mistakes a plan error lists. parsePlan (src/core) gives them as lines of its message only,
 * `FILE[:LINE][ PATH]: MESSAGE` after its header; they are read back here with the file name known, so that a
 * colon in the file name or the message cannot shift them. Any other plan error (a reference cycle, a password in
 * a URL) is one mistake without line or path.
 */
export const planErrorsOf = (error: CutoverError, file: string): PlanError[] => {
  if (!error.message.startsWith(HEADER)) return [{ file, line: null, path: null, message: error.message }];
  return error.message
    .slice(HEADER.length)
    .split('\n  ')
    .map((text) => {
      const match = text.startsWith(file)
        ? /^(?::(\d+))?(?: (.*?))?: (.*)$/s.exec(text.slice(file.length))
        : null;
      if (match === null) return { file, line: null, path: null, message: text };
      const [, line, path, message = ''] = match;
      return { file, line: line === undefined ? null : Number(line), path: path ?? null, message };
    });
};
