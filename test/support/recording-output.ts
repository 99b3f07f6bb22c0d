import type { Output } from '../../src/cli/output.js';

/** An Output that keeps the progress lines it is given, as a terminal would show them one after the other. */
export const recordingOutput = (): Output & { lines: string[] } => {
  const lines: string[] = [];
  return {
    json: false,
    interactive: true,
    lines,
    info: () => undefined,
    result: () => undefined,
    progress: (line) => lines.push(line),
    clearProgress: () => undefined,
  };
};
