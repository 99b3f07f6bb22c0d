import { describe, expect, it } from 'vitest';
import { renderProgress } from '../../src/cli/render-run.js';
import type { RunProgress } from '../../src/pipeline/run/run-migration.js';
import { recordingOutput } from '../support/recording-output.js';

const progress = (etaMs: number | undefined): RunProgress => ({
  runId: 'r1',
  dossiersDone: 0,
  dossiersTotal: 1,
  records: 999_999,
  elapsedMs: 3000,
  recordsPerSecond: 333_333,
  etaMs,
  dossier: 'bench',
  entity: 'contact',
});

describe('run progress line on a terminal', () => {
  it('shows dossiers, records, rate, the time left and where the run is', () => {
    const output = recordingOutput();
    renderProgress(output)(progress(12_000));
    expect(output.lines).toEqual([
      'dossiers 0/1 · 999,999 records · 333,333 rec/s · ETA 12 s · bench contact',
    ]);
  });

  it('says "finishing", not "ETA 0.0 s", once every byte is read and the last batch is written', () => {
    const output = recordingOutput();
    renderProgress(output)(progress(0.4));
    expect(output.lines).toEqual([
      'dossiers 0/1 · 999,999 records · 333,333 rec/s · finishing · bench contact',
    ]);
  });

  it('shows no time left before there is something to go by', () => {
    const output = recordingOutput();
    renderProgress(output)(progress(undefined));
    expect(output.lines).toEqual(['dossiers 0/1 · 999,999 records · 333,333 rec/s · bench contact']);
  });
});
