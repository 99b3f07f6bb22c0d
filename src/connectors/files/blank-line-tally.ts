import type { SourceNotice } from '../../core/record-source.js';

/**
 * Blank lines hold no data, so they are not records. Those followed by a record are counted for a notice (someone
 * may have deleted a row's content by hand); trailing ones are what editors leave and are not worth one.
 */
export const createBlankLineTally = () => {
  let run = 0;
  let runStart = 0;
  let skipped = 0;
  let first = 0;
  /** `count` blank lines from `line` on. */
  const blanks = (line: number, count: number): void => {
    if (run === 0) runStart = line;
    run += count;
  };
  return {
    blank: (line: number): void => blanks(line, 1),
    blanks,
    /** A line with content: the blank lines before it were inside the file. */
    content(): void {
      if (run === 0) return;
      if (skipped === 0) first = runStart;
      skipped += run;
      run = 0;
    },
    notice(source: string): SourceNotice | undefined {
      if (skipped === 0) return undefined;
      return {
        code: 'BLANK_LINES',
        message: `${source}: ${skipped} blank line${skipped === 1 ? '' : 's'} skipped (the first at line ${first})`,
        line: first,
      };
    },
  };
};
