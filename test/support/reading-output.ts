import type { Output } from '../../src/cli/output.js';

/** An Output that keeps the lines a person would read (its info lines), not a terminal's progress. */
export const readingOutput = (): Output & { lines: string[] } => {
  const lines: string[] = [];
  return {
    json: false,
    interactive: false,
    lines,
    info: (line) => lines.push(line),
    result: () => undefined,
    progress: () => undefined,
    clearProgress: () => undefined,
  };
};
