import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOutput } from '../../src/cli/output.js';

const stderr = process.stderr as NodeJS.WriteStream & { isTTY: boolean; columns: number };
const before = { isTTY: stderr.isTTY, columns: stderr.columns };

/** Makes process.stderr look like a terminal of `columns` columns and keeps what is written to it. */
const fakeTerminal = (columns: number): string[] => {
  const written: string[] = [];
  stderr.isTTY = true;
  stderr.columns = columns;
  vi.spyOn(stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  return written;
};

describe('progress line width', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    stderr.isTTY = before.isTTY;
    stderr.columns = before.columns;
  });

  it('shows the whole line on a pseudo-terminal that reports 0 columns (script, docker exec -t)', () => {
    const written = fakeTerminal(0);
    createOutput({}).progress('reconciling dossiers 1/4 · 1,200 records · 600 rec/s · ETA 12 s');
    expect(written).toEqual(['\r\x1b[2Kreconciling dossiers 1/4 · 1,200 records · 600 rec/s · ETA 12 s']);
  });

  it('still cuts a line to the width of a terminal that reports one', () => {
    const written = fakeTerminal(20);
    createOutput({}).progress('reconciling dossiers 1/4 · 1,200 records');
    expect(written).toEqual(['\r\x1b[2Kreconciling dossier']);
  });
});
