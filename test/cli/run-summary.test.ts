import { describe, expect, it } from 'vitest';
import type { Output } from '../../src/cli/output.js';
import { renderRunSummary } from '../../src/cli/render-run.js';
import type { RunSummary } from '../../src/pipeline/run/run-migration.js';

/** An Output that keeps the lines a person would read. */
const recordingOutput = (): Output & { lines: string[] } => {
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

const counts = { recordsRead: 10, loaded: 10, skipped: 0, rejected: 0, repeats: 0 };

/** A succeeded run of one dossier and one entity, with what a test changes. */
const summaryOf = (change: Partial<RunSummary>): RunSummary => ({
  runId: 'R1',
  resumed: false,
  dryRun: false,
  planHash: 'h',
  status: 'succeeded',
  dossiers: { total: 1, done: 1, thresholdCrossed: [], unreadable: [] },
  records: { read: 10, loaded: 10, merged: 0, skipped: 0, rejected: 0 },
  entities: { contact: counts },
  removedStaleRows: 0,
  elapsedMs: 100,
  recordsPerSecond: 100,
  notices: [],
  rejectedSamples: [],
  perDossier: [{ id: 'crm', status: 'done', entities: { contact: counts } }],
  ...change,
});

const render = (summary: RunSummary): string[] => {
  const output = recordingOutput();
  renderRunSummary(output, summary);
  return output.lines;
};

describe('the run summary a person reads', () => {
  it('says how many target rows a re-run removed because their records left the source', () => {
    expect(render(summaryOf({ removedStaleRows: 2 }))).toContain(
      '  removed   2 target rows of records no longer in the source',
    );
    expect(render(summaryOf({ removedStaleRows: 0 })).join('\n')).not.toContain('removed');
  });
});
